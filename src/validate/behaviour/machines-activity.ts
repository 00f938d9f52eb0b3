/**
 * Activity that depends on state (`activity_by_state`, docs/behaviours/lifetimes.md): a fact's rows happen at
 * the parent's intensity × the rate of the state the parent is in, read from the state-machine table's own
 * episodes in the file (valid_from ≤ t < valid_to). Two checks:
 * - `activity_state_zero` (hard): no row while its parent is in a state of rate 0, nor before its relationship
 *   started (when the fact's time has no modifiers that could move it across an episode boundary);
 * - `activity_by_state`: the rows per state against rate × the time the parents spent in that state inside the
 *   fact's time window (exact binomial per state), for facts whose time grid has no pattern weights.
 */
import type { ColumnPlan, TablePlan } from '../../ir/types.ts';
import { examples, ident, n, num } from '../sql.ts';
import { judgeCount, pct, round, worst } from '../stats.ts';
import { docColumn, nodePath } from '../structural.ts';
import type { CheckResult, ValidateContext } from '../types.ts';
import { entityColumn, fieldColumn, gateTimesSql } from './machines-common.ts';

interface Activity {
  t: TablePlan;
  st: TablePlan;
  time: ColumnPlan;
  rates: { state: string; rate: number }[];
  /** SQL: the fact's rows with the state their parent was in at their time (null: no episode holds it). The open
   * end is coalesced (not OR-ed) so that DuckDB hash-joins on the key: 1.4 s instead of 100 s on 1.3 M rows. */
  rowsSql: string;
  /** SQL: the parents' episodes (state, from, to) as epoch ms, the open end closed at the fact's window end. */
  episodesSql: string;
  window: [number, number];
}

function activities(ctx: ValidateContext): Activity[] {
  const out: Activity[] = [];
  for (const t of ctx.plan.tables) {
    if (t.rows.kind !== 'fanout' || !t.rows.vintage?.activity || !ctx.present.has(t.id)) continue;
    const v = t.rows.vintage;
    const st = ctx.table(v.activity!.table);
    const machine = st?.rows.kind === 'states' && st.rows.machine.emit === 'episodes';
    const lifecycle = st?.rows.kind === 'lifecycle' && st.rows.lifecycle.emit === 'stages';
    if (!st || (!machine && !lifecycle) || !ctx.present.has(st.id)) continue;
    const parent = t.rows.parent;
    const fk = entityColumn(ctx, t, parent);
    const sfk = entityColumn(ctx, st, parent);
    const time = v.timeColumn ? t.columns.find((c) => c.name === v.timeColumn) : undefined;
    const [state, from, to] = machine
      ? [fieldColumn(st, 'state', 'state'), fieldColumn(st, 'state', 'from'), fieldColumn(st, 'state', 'to')]
      : [fieldColumn(st, 'lifecycle', 'stage'), fieldColumn(st, 'lifecycle', 'start'), fieldColumn(st, 'lifecycle', 'end')];
    if (!fk || !sfk || !time || time.generator.kind !== 'datetime' || !state || !from || !to) continue;
    const g = time.generator;
    const names = st.rows.kind === 'states' ? st.rows.machine.states : st.rows.kind === 'lifecycle' ? st.rows.lifecycle.stages.map((x) => x.name) : [];
    const rates = names.map((s, i) => ({ state: s, rate: v.activity!.rates[i] }));
    const x = `x.${ident(time.name)}::TIMESTAMP`;
    const rowsSql = `SELECT x.${ident(fk)} AS e, ${x} AS tm, CAST(s.${ident(state.name)} AS VARCHAR) AS state FROM ${ident(t.id)} x
      LEFT JOIN ${ident(st.id)} s ON s.${ident(sfk)} = x.${ident(fk)} AND ${x} >= s.${ident(from.name)}::TIMESTAMP AND ${x} < coalesce(s.${ident(to.name)}::TIMESTAMP, 'infinity'::TIMESTAMP)
      WHERE x.${ident(time.name)} IS NOT NULL`;
    const episodesSql = `SELECT CAST(${ident(state.name)} AS VARCHAR) AS state, epoch_ms(${ident(from.name)}::TIMESTAMP) AS a, coalesce(epoch_ms(${ident(to.name)}::TIMESTAMP), ${num(g.endMs)}) AS b FROM ${ident(st.id)}`;
    out.push({ t, st, time, rates, rowsSql, episodesSql, window: [g.startMs, g.endMs] });
  }
  return out;
}

export async function activityStateZero(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const a of activities(ctx)) {
    if (a.time.modifiers.length) continue;
    const zero = a.rates.filter((r) => r.rate === 0).map((r) => r.state);
    const where = `state IS NULL${zero.length ? ` OR state IN (${zero.map((z) => `'${z.replace(/'/g, "''")}'`).join(', ')})` : ''}`;
    const bad = n((await ctx.db.all(`SELECT count(*) AS c FROM (${a.rowsSql}) WHERE ${where}`))[0]?.c);
    out.push({
      check: 'activity_state_zero', category: 'behavioural', table: a.t.id, column: a.time.name, hard: true, specPath: nodePath(ctx, a.t.id, 'activity_by_state'),
      status: bad ? 'fail' : 'pass', expected: 0, observed: bad, tolerance: 0,
      examples: bad ? await examples(ctx, `SELECT CAST(e AS VARCHAR) || ' at ' || CAST(tm AS VARCHAR) FROM (${a.rowsSql}) WHERE ${where} ORDER BY 1`) : [],
      message: bad
        ? `${bad.toLocaleString('en-US')} ${a.t.id} rows happen while their parent is ${zero.length ? `in ${zero.join('/')} (rate 0) or ` : ''}outside any ${a.st.id} episode`
        : `no ${a.t.id} row while its parent is ${zero.length ? `in ${zero.join('/')} (rate 0) or ` : ''}outside its ${a.st.id} episodes`,
    });
  }
  return out;
}

export async function activityByState(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const a of activities(ctx)) {
    const g = a.time.generator;
    if (g.kind !== 'datetime' || g.patterns.length || g.effects.length) continue;
    const [w0, w1] = a.window;
    // Time each state was held inside the fact's window (uniform grid: rows ∝ rate × time held).
    const held = await ctx.db.all(`SELECT state, sum(greatest(0, least(b, ${num(w1)}) - greatest(a, ${num(w0)}))) AS ms FROM (${a.episodesSql}) GROUP BY 1`);
    const rows = await ctx.db.all(`SELECT state, count(*) AS c FROM (${a.rowsSql}) WHERE state IS NOT NULL GROUP BY 1`);
    const heldOf = new Map(held.map((r) => [String(r.state), n(r.ms)]));
    const rowsOf = new Map(rows.map((r) => [String(r.state), n(r.c)]));
    const total = [...rowsOf.values()].reduce((s, c) => s + c, 0);
    const mass = a.rates.reduce((s, r) => s + r.rate * (heldOf.get(r.state) ?? 0), 0);
    if (total < 30 || !(mass > 0)) continue;
    const per = a.rates.filter((r) => (heldOf.get(r.state) ?? 0) > 0).map((r) => {
      const share = (r.rate * heldOf.get(r.state)!) / mass;
      const obs = rowsOf.get(r.state) ?? 0;
      return { ...r, share, obs, j: judgeCount(obs, share * total, total) };
    });
    const w = per.reduce((p, q) => (Math.abs(q.j.z) > Math.abs(p.j.z) ? q : p));
    // Rows per day held, by state: the rate × a common intensity.
    const perDay = (r: (typeof per)[number]) => (r.obs / heldOf.get(r.state)!) * 86_400_000;
    out.push({
      check: 'activity_by_state', category: 'behavioural', table: a.t.id, column: a.time.name, hard: false, specPath: nodePath(ctx, a.t.id, 'activity_by_state', 'rates'),
      status: worst(per.map((r) => r.j.status)), expected: { state: w.state, share: round(w.share) }, observed: { state: w.state, share: round(w.obs / total), z: round(w.j.z, 3) }, tolerance: round(w.j.tolerance / total), examples: [],
      message: `${total.toLocaleString('en-US')} ${a.t.id} rows by their parent's ${a.st.id} state against rate × time held (${per.map((r) => `${r.state} ×${r.rate}`).join(', ')}): largest deviation ${w.state} ${pct(w.obs / total)} vs ${pct(w.share)}`,
      chart: { kind: 'bars', title: `${a.t.id}: rows per day held, by ${a.st.id} state`, labels: per.map((r) => r.state), expected: per.map((r) => round((r.share * total / heldOf.get(r.state)!) * 86_400_000)), observed: per.map((r) => round(perDay(r))), unit: 'rows per parent-day' },
    });
  }
  return out;
}

/**
 * `gate_order` (hard, `starts_after`): no row of a gated process for a parent that never reached the trigger
 * stage, and none before the time it reached it — the trigger read from the funnel table in the file.
 */
export async function gateOrder(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    const gate = t.rows.kind === 'states' ? t.rows.machine.gate : t.rows.kind === 'fanout' ? t.rows.vintage?.gate : undefined;
    if (!gate || !ctx.present.has(t.id) || (t.rows.kind !== 'states' && t.rows.kind !== 'fanout')) continue;
    const parent = t.rows.parent;
    const fk = entityColumn(ctx, t, parent);
    const g = gateTimesSql(ctx, parent, gate);
    const time = t.rows.kind === 'states'
      ? (fieldColumn(t, 'state', 'from') ?? fieldColumn(t, 'state', 'period'))
      : t.rows.vintage?.timeColumn ? t.columns.find((c) => c.name === (t.rows as { vintage: { timeColumn: string } }).vintage.timeColumn) : undefined;
    if (!fk || !g) continue;
    const early = time && !time.modifiers.length ? ` OR x.${ident(time.name)}::TIMESTAMP < g.gt` : '';
    const from = `FROM ${ident(t.id)} x LEFT JOIN (${g}) g ON g.e = x.${ident(fk)} WHERE g.gt IS NULL${early}`;
    const bad = n((await ctx.db.all(`SELECT count(*) AS c ${from}`))[0]?.c);
    const key = t.pk ? `CAST(x.${ident(t.pk)} AS VARCHAR)` : `CAST(x.${ident(fk)} AS VARCHAR)`;
    out.push({
      check: 'gate_order', category: 'behavioural', table: t.id, column: time?.name, hard: true, specPath: nodePath(ctx, t.id, 'starts_after'),
      status: bad ? 'fail' : 'pass', expected: 0, observed: bad, tolerance: 0, examples: bad ? await examples(ctx, `SELECT ${key} ${from} ORDER BY 1`) : [],
      message: bad
        ? `${bad.toLocaleString('en-US')} ${t.id} rows belong to a ${parent} that never reached "${gate.stageName}" in ${gate.table}${early ? ', or come before it did' : ''}`
        : `every ${t.id} row belongs to a ${parent} that reached "${gate.stageName}" in ${gate.table}${early ? ', and none comes before it did' : ''}`,
    });
  }
  return out;
}

/**
 * `state_at` (hard): a column looked up with `at` holds the state its parent is in at the row's time — the
 * state machine's episode (or lifecycle stage row) of that parent whose [from, to) holds it, null when none does.
 */
export async function stateAt(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id) || t.rows.kind === 'fixed') continue;
    const parent = t.rows.parent;
    for (const c of t.columns) {
      const g = c.generator;
      if (g.kind !== 'lookup' || g.via !== 'at' || !g.at || c.modifiers.length) continue;
      const st = ctx.table(g.table);
      if (!st || !ctx.present.has(st.id)) continue;
      const machine = st.rows.kind === 'states';
      const [state, from, to] = machine
        ? [fieldColumn(st, 'state', 'state'), fieldColumn(st, 'state', 'from'), fieldColumn(st, 'state', 'to')]
        : [fieldColumn(st, 'lifecycle', 'stage'), fieldColumn(st, 'lifecycle', 'start'), fieldColumn(st, 'lifecycle', 'end')];
      const fk = entityColumn(ctx, t, parent);
      const sfk = entityColumn(ctx, st, parent);
      if (!state || !from || !to || !fk || !sfk || (machine && st.rows.kind === 'states' && st.rows.machine.emit !== 'episodes')) continue;
      const x = `x.${ident(g.at)}::TIMESTAMP`;
      const from_ = `FROM ${ident(t.id)} x LEFT JOIN ${ident(st.id)} s ON s.${ident(sfk)} = x.${ident(fk)} AND ${x} >= s.${ident(from.name)}::TIMESTAMP AND ${x} < coalesce(s.${ident(to.name)}::TIMESTAMP, 'infinity'::TIMESTAMP)
        WHERE CAST(x.${ident(c.name)} AS VARCHAR) IS DISTINCT FROM CAST(s.${ident(state.name)} AS VARCHAR)`;
      const bad = n((await ctx.db.all(`SELECT count(*) AS c ${from_}`))[0]?.c);
      const key = t.pk ? `CAST(x.${ident(t.pk)} AS VARCHAR)` : `CAST(x.${ident(fk)} AS VARCHAR)`;
      out.push({
        check: 'state_at', category: 'behavioural', table: t.id, column: c.name, hard: true, specPath: docColumn(ctx, t.id, c.name)?.path ?? nodePath(ctx, t.id),
        status: bad ? 'fail' : 'pass', expected: 0, observed: bad, tolerance: 0, examples: bad ? await examples(ctx, `SELECT ${key} ${from_} ORDER BY 1`) : [],
        message: bad ? `${bad.toLocaleString('en-US')} ${t.id} rows whose ${c.name} is not their ${parent}'s ${st.id} state at ${g.at}` : `every ${t.id}.${c.name} is its ${parent}'s ${st.id} state at ${g.at}`,
      });
    }
  }
  return out;
}

