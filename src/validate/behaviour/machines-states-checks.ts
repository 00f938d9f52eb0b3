/**
 * State-machine checks: state_valid (hard), state_transitions and state_sojourn (soft). See machines-states.ts
 * for the model and docs/validate.md for the table of checks.
 */
import { ident, lit } from '../sql.ts';
import { judgeCount, pct, round } from '../stats.ts';
import type { CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import { inList, type Rule, ruleCheck, segMultiplier, tsLit } from './machines-common.ts';
import { nodePath } from '../structural.ts';
import { canMove, canStay, churnAffects, type Machine, machineOf, moveProbabilities, periodAt, periodOf, runs, sameInstant } from './machines-states.ts';

const SEP = '\u001f';

async function machines(ctx: ValidateContext): Promise<Machine[]> {
  const out: Machine[] = [];
  for (const t of ctx.plan.tables) {
    const x = await machineOf(ctx, t);
    if (x) out.push(x);
  }
  return out;
}

/** state_valid: only declared states and moves, absorbing terminal states, one row per step, periods on the clock. */
export async function stateValid(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await machines(ctx)) {
    const { m } = x;
    const terminal = inList(m.states.filter((_, i) => m.terminal[i]));
    const pairs: string[] = [];
    m.states.forEach((s, i) => m.states.forEach((j, k) => {
      if (canMove(m, i, k) || (m.emit === 'periods' && i === k && canStay(m, i))) pairs.push(`${s}${SEP}${j}`);
    }));
    const end = tsLit(m.endMs);
    const order = m.emit === 'periods' ? 'k, ps' : 'k, vf';
    const extra = m.emit === 'periods' ? '' : ', lead(vf) OVER w1 AS next_vf';
    const w = `${x.withSql}, w AS (SELECT *, lag(s) OVER w1 AS prev, row_number() OVER w1 - 1 AS rn, count(*) OVER (PARTITION BY e) AS cnt${extra} FROM r WINDOW w1 AS (PARTITION BY e ORDER BY ${order}))`;
    const at = (k: string) => periodAt(m.periodUnit, 't0', k);
    const common: Rule[] = [
      { what: `rows with a state that is not declared (${m.states.join(', ')})`, bad: `s IS NULL OR s NOT IN ${inList(m.states)}` },
      { what: `rows whose ${x.index} is not the step number (a gap or a repeated step of a relationship)`, bad: `k IS DISTINCT FROM rn` },
      { what: `relationships that do not start in the initial state ${m.states[m.initial]}`, bad: `rn = 0 AND s IS DISTINCT FROM ${lit(m.states[m.initial])}` },
      { what: 'rows after a terminal state (terminal states are absorbing)', bad: `prev IN ${terminal}` },
      { what: 'moves the machine does not declare', bad: `prev IS NOT NULL AND prev NOT IN ${terminal} AND (prev || ${lit(SEP)} || s) NOT IN ${inList(pairs)}` },
    ];
    const rules: Rule[] = m.emit === 'periods'
      ? [...common,
        { what: `rows whose ${x.period} is not the start of period ${x.index} (${m.periodUnit}s from the parent's start)`, bad: `NOT ${sameInstant(x, 'ps', at('k'))}` },
        { what: "periods starting after the timeframe end (or the parent's lifetime end)", bad: `ps::TIMESTAMP > stop` },
        { what: "relationships that stop before the timeframe end (or the parent's lifetime end) without reaching a terminal state", bad: `rn = cnt - 1 AND s NOT IN ${terminal} AND ${at('k + 1')} <= stop` }]
      : [...common,
        { what: `relationships whose first ${x.from} is not the parent's start`, bad: `rn = 0 AND NOT ${sameInstant(x, 'vf', 't0')}` },
        { what: `episodes whose ${x.from} is not a period start`, bad: `rn > 0 AND NOT ${sameInstant(x, 'vf', at(periodOf(m.periodUnit, 't0', 'vf')))}` },
        { what: `episodes whose ${x.to} is not the next episode's ${x.from}`, bad: `rn < cnt - 1 AND vt IS DISTINCT FROM next_vf` },
        { what: `last episodes with a ${x.to} (open or terminal episodes have none; one cut by the parent's lifetime end ends there)`, bad: `rn = cnt - 1 AND vt IS NOT NULL AND NOT (s NOT IN ${terminal} AND t1 IS NOT NULL AND vt::TIMESTAMP = t1 AND t1 < ${end})` },
        { what: `episodes that end before they start`, bad: `vt <= vf` },
        { what: "episodes starting after the timeframe end (or the parent's lifetime end)", bad: `vf::TIMESTAMP > stop` }];
    const ex = `${lit(`${x.entity} `)} || CAST(e AS VARCHAR) || ${lit(`, ${x.index} `)} || CAST(k AS VARCHAR)`;
    const missing = `(SELECT * FROM p WHERE t0 <= ${end} AND (t1 IS NULL OR t1 >= ${end} OR t0 < t1) AND e NOT IN (SELECT ${ident(x.entity)} FROM ${ident(x.t.id)} WHERE ${ident(x.entity)} IS NOT NULL)) q`;
    const parts = [
      { withSql: w, from: 'w', example: ex, rules },
      { withSql: x.withSql, from: missing, example: `${lit(`${x.entity} `)} || CAST(e AS VARCHAR)`, rules: [{ what: `${x.parent} rows that start before the timeframe end but have no relationship`, bad: 'TRUE' }] },
    ];
    out.push(await ruleCheck(ctx, { check: 'state_valid', category: 'behavioural', table: x.t.id, column: x.state, hard: true, specPath: nodePath(ctx, x.t.id, 'state_transition_model') }, parts,
      `every relationship starts in ${m.states[m.initial]} at its parent's start, moves only as declared once per ${m.periodUnit}, and ends in a terminal state or at the timeframe end`));
  }
  return out;
}

interface Draws {
  /** Per segment (text or null): draws from each state and the counts to each next state (self = stays). */
  bySeg: Map<string | null, { from: number[]; to: number[][] }>;
}

async function draws(ctx: ValidateContext, x: Machine): Promise<Draws> {
  const { m } = x;
  const bySeg: Draws['bySeg'] = new Map();
  for (const r of await runs(ctx, x)) {
    const i = m.states.indexOf(r.s);
    if (i < 0) continue;
    let b = bySeg.get(r.seg);
    if (!b) bySeg.set(r.seg, (b = { from: m.states.map(() => 0), to: m.states.map(() => m.states.map(() => 0)) }));
    // A run of d periods holds d − 1 stays, then (when it ended before the window end) one move.
    const stays = Math.max(0, r.d - 1) * r.count;
    b.from[i] += stays;
    b.to[i][i] += stays;
    const j = r.nxt === null ? -1 : m.states.indexOf(r.nxt);
    if (j >= 0) {
      b.from[i] += r.count;
      b.to[i][j] += r.count;
    }
  }
  return { bySeg };
}

/** state_transitions: the period-level transition matrix against the declared probabilities (× churn multipliers). */
export async function stateTransitions(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await machines(ctx)) {
    const { m } = x;
    const d = await draws(ctx, x);
    const S = m.states.length;
    const nFrom = m.states.map(() => 0);
    const obs = m.states.map(() => m.states.map(() => 0));
    const exp = m.states.map(() => m.states.map(() => 0));
    for (const [seg, b] of d.bySeg) {
      const c = segMultiplier(m.churn, seg);
      for (let i = 0; i < S; i++) {
        if (!b.from[i]) continue;
        const p = moveProbabilities(m, i, c);
        nFrom[i] += b.from[i];
        for (let j = 0; j < S; j++) {
          obs[i][j] += b.to[i][j];
          exp[i][j] += b.from[i] * p[j];
        }
      }
    }
    const fromStates = m.states.map((_, i) => i).filter((i) => nFrom[i] > 0 && !(x.segUnknown && churnAffects(m, i)));
    if (!fromStates.length) continue;
    let status: CheckStatus = 'pass';
    let worst = { i: fromStates[0], j: fromStates[0], score: -1, tol: 0 };
    for (const i of fromStates) {
      for (let j = 0; j < S; j++) {
        const jd = judgeCount(obs[i][j], exp[i][j], nFrom[i]);
        if (jd.status === 'fail' || (jd.status === 'warn' && status === 'pass')) status = jd.status;
        if (Math.abs(jd.z) > worst.score) worst = { i, j, score: Math.abs(jd.z), tol: jd.tolerance / nFrom[i] };
      }
    }
    const share = (a: number[][], i: number, j: number) => a[i][j] / nFrom[i];
    const label = `${m.states[worst.i]}→${m.states[worst.j]}`;
    const total = fromStates.reduce((a, i) => a + nFrom[i], 0);
    const skipped = x.segUnknown ? m.states.filter((_, i) => nFrom[i] > 0 && churnAffects(m, i)) : [];
    out.push({
      check: 'state_transitions', category: 'behavioural', table: x.t.id, column: x.state, hard: false, specPath: nodePath(ctx, x.t.id, 'state_transition_model', 'states'), status,
      expected: { transition: label, share: round(share(exp, worst.i, worst.j)) }, observed: { transition: label, share: round(share(obs, worst.i, worst.j)), z: round(worst.score, 3) },
      tolerance: round(worst.tol), examples: [],
      message: `${total.toLocaleString('en-US')} draws (one per relationship and ${m.periodUnit}) against the declared transition probabilities${m.churn ? ' (× churn multipliers by segment)' : ''}: largest deviation ${label} ${pct(share(obs, worst.i, worst.j))} vs ${pct(share(exp, worst.i, worst.j))}${skipped.length ? `; ${skipped.join(', ')} skipped (segment column missing)` : ''}`,
      chart: {
        kind: 'heatmap', title: `${x.t.id}: transitions per ${m.periodUnit} (share of moves from each state; diagonal = stays)`, rows: fromStates.map((i) => m.states[i]), cols: m.states,
        observed: fromStates.map((i) => m.states.map((_, j) => round(share(obs, i, j)))), expected: fromStates.map((i) => m.states.map((_, j) => round(share(exp, i, j)))), unit: 'share',
      },
    });
  }
  return out;
}

const AGES: [number, number][] = [[1, 1], [2, 2], [3, 4], [5, 8], [9, 16], [17, 32], [33, 1e9]];

/**
 * state_sojourn: the hazard of leaving a state by how long the relationship has been in it (periods 1, 2,
 * 3–4, 5–8, …). The engine draws every period independently, so the hazard is flat (geometric sojourns) at
 * 1 − P(stay) per segment.
 */
export async function stateSojourn(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await machines(ctx)) {
    const { m } = x;
    // Per (segment, state): periods at risk in each age bucket (a run's draws at ages 1 … d, the last one
    // unobserved when the run is still open) and the runs that ended in it.
    const rows = new Map<string, { seg: string | null; s: string; x: number[]; l: number[] }>();
    for (const r of await runs(ctx, x)) {
      const key = `${r.seg}\u001f${r.s}`;
      let q = rows.get(key);
      if (!q) rows.set(key, (q = { seg: r.seg, s: r.s, x: AGES.map(() => 0), l: AGES.map(() => 0) }));
      const dobs = r.nxt !== null ? r.d : r.d - 1;
      AGES.forEach(([a, b], i) => {
        q!.x[i] += Math.max(0, Math.min(dobs, b) - a + 1) * r.count;
        if (r.nxt !== null && r.d >= a && r.d <= b) q!.l[i] += r.count;
      });
    }
    for (let s = 0; s < m.states.length; s++) {
      if (m.terminal[s] || (x.segUnknown && churnAffects(m, s))) continue;
      const mine = [...rows.values()].filter((r) => r.s === m.states[s]);
      const hazards = mine.map((r) => 1 - moveProbabilities(m, s, segMultiplier(m.churn, r.seg))[s]);
      // Nothing to test when the state is always left after one period, or never left.
      if (!mine.length || hazards.every((h) => h >= 1) || hazards.every((h) => h <= 0)) continue;
      const buckets = AGES.map((_, i) => {
        let atRisk = 0, left = 0, expLeft = 0;
        mine.forEach((r, k) => {
          atRisk += r.x[i];
          left += r.l[i];
          expLeft += r.x[i] * hazards[k];
        });
        return { atRisk, left, expLeft };
      }).map((b, i) => ({ ...b, i })).filter((b) => b.atRisk > 0);
      if (!buckets.length) continue;
      const judged = buckets.map((b) => ({ ...b, j: judgeCount(b.left, b.expLeft, b.atRisk) }));
      const status: CheckStatus = judged.some((b) => b.j.status === 'fail') ? 'fail' : judged.some((b) => b.j.status === 'warn') ? 'warn' : 'pass';
      const w = judged.reduce((a, b) => (Math.abs(b.j.z) > Math.abs(a.j.z) ? b : a));
      const label = (i: number) => (AGES[i][1] >= 1e9 ? `${AGES[i][0]}+` : AGES[i][0] === AGES[i][1] ? String(AGES[i][0]) : `${AGES[i][0]}–${AGES[i][1]}`);
      const name = m.states[s];
      out.push({
        check: 'state_sojourn', category: 'behavioural', table: x.t.id, column: x.state, hard: false,
        specPath: nodePath(ctx, x.t.id, 'state_transition_model', `states/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`), status,
        expected: { state: name, periods: label(w.i), hazard: round(w.expLeft / w.atRisk) }, observed: { state: name, periods: label(w.i), hazard: round(w.left / w.atRisk), z: round(w.j.z, 3) },
        tolerance: round(w.j.tolerance / w.atRisk), examples: [],
        message: `${name}: hazard of leaving by ${m.periodUnit}s spent in it against the declared flat hazard (geometric sojourns); largest deviation at ${label(w.i)} ${m.periodUnit}s ${pct(w.left / w.atRisk)} vs ${pct(w.expLeft / w.atRisk)} of ${w.atRisk.toLocaleString('en-US')} at risk`,
        chart: { kind: 'line', title: `${x.t.id}: share leaving ${name} by ${m.periodUnit}s in it`, x: judged.map((b) => label(b.i)), expected: judged.map((b) => round(b.expLeft / b.atRisk)), observed: judged.map((b) => round(b.left / b.atRisk)), xLabel: `${m.periodUnit}s in ${name}`, unit: 'share' },
      });
    }
  }
  return out;
}
