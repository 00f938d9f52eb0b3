/**
 * Behavioural checks (distributions): children per parent against the fanout model (fanout_mean,
 * fanout_dispersion), categorical shares against choice weights (choice_weights), calendar shares of
 * datetime columns against their patterns with the grid-count correction (dow_pattern, hour_pattern,
 * month_pattern), and numeric columns against their declared trend and seasonality (trend, seasonality).
 * Every expectation is computed from the plan the way the engine samples; tables or columns whose modifiers
 * make the expectation unknowable are skipped (see docs/validate-parts/distributions.md).
 */
import { roundHalfEven } from '../../model/rounding.ts';
import { calendarGrid, patternWeightAt } from '../calendar.ts';
import { type ColumnPlan, type EffectPlan, type FanoutPlan, INHERITED_TIME, type ModifierProgram, type Scalar, type TablePlan, type TimeDimension } from '../../ir/types.ts';
import { segKey } from './cohorts-common.ts';
import { isLabelled, notLabelled } from '../labelled.ts';
import { ident, keyExpr, lit, n, num } from '../sql.ts';
import { judge, judgeShares, PASS_Z, pct, round, zStatus, zText } from '../stats.ts';
import { docColumn, modifierPath, nodeIndex, nodePath } from '../structural.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import { countPmf, dispersionSE, fanoutModel, type CountModel, pmfMoments } from '../fanout-model.ts';
import { aliveAt, type LifetimeModel, lifetimeModel } from './lifetime-model.ts';
import { judgeCounts, judgeCurve } from './distributions-stats.ts';
import { DAY_MS, halfUnit } from './labels-model.ts';
import { DIM_LABELS, DIM_SIZE, DIM_SQL, effectSteps, effectStepsSql, type EffectSteps, expectedBuckets, stepAt } from './distributions-time.ts';

/** Fewest parents for fanout_mean, and for fanout_dispersion (the sample variance needs more to be near normal). */
const MIN_PARENTS_MEAN = 20;
const MIN_PARENTS_DISPERSION = 100;
/** Fewest rows for a share check, and per bucket of a trend / seasonality curve. */
const MIN_ROWS = 30;
const MIN_BUCKET_ROWS = 10;
const YEAR_MS = 365.25 * 86_400_000;

function present(ctx: ValidateContext): TablePlan[] {
  return ctx.plan.tables.filter((t) => ctx.present.has(t.id));
}

/**
 * Run one table's or column's checks; a query that fails (a file whose tables differ from the spec: the
 * structural checks say how) becomes a failed result of that check instead of hiding the others.
 */
async function guarded(out: CheckResult[], check: string, table: string, column: string | undefined, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    out.push({ check, category: 'behavioural', table, column, status: 'fail', hard: false, expected: 'the check to run', observed: msg, tolerance: null, examples: [], message: `${check} could not be computed: ${msg}` });
  }
}


// ---------------------------------------------------------------------------------------------------------
// fanout_mean, fanout_dispersion

type Fanout = Extract<TablePlan['rows'], { kind: 'fanout' }>;

/**
 * The behaviour factor of table-level effects when it is the same for every parent (every effect key-less):
 * as src/engine/fanout.ts, the effect at the window start (no window), its average over the child time
 * column's weighted grid, or its time average over the timeframe. Null when a factor varies by parent.
 */
async function constantEffectFactor(ctx: ValidateContext, t: TablePlan, rows: Fanout): Promise<number | null> {
  let out = 1;
  for (const e of rows.effects) {
    if (e.on.length) return null;
    const steps = await effectSteps(ctx, e);
    if (!steps) return null;
    const col = t.columns.find((c) => c.name === e.timeRef);
    const g = col?.generator.kind === 'datetime' ? col.generator : null;
    const span = g ? [g.startMs, g.endMs] : [ctx.plan.timeframe.startMs, ctx.plan.timeframe.endMs];
    let v: number;
    if (!(e.startCol || e.endCol)) v = stepAt(steps, span[0]);
    else if (g) {
      const grid = calendarGrid(g.startMs, g.endMs, g.freq);
      let acc = 0;
      let total = 0;
      for (let i = 0; i < grid.count; i++) {
        const p = grid.point(i);
        const w = patternWeightAt(p, g.patterns);
        acc += w * stepAt(steps, p);
        total += w;
      }
      v = total > 0 ? acc / total : steps.dflt;
    } else v = timeAverage(steps, span[0], span[1]);
    out = e.op === 'mul' ? out * v : out + v;
  }
  return Math.max(0, out);
}

function timeAverage(s: EffectSteps, a: number, b: number): number {
  if (!(b > a)) return stepAt(s, a);
  let total = 0;
  let t = a;
  while (t < b) {
    const next = s.breakpoints.find((p) => p > t);
    const to = next === undefined ? b : Math.min(b, next);
    total += (to - t) * stepAt(s, t);
    t = to;
  }
  return total / (b - a);
}

/** The histogram chart of children per parent: one bar per count, or ~30 bins of counts for wide models. */
function countChart(title: string, model: CountModel, observed: Map<number, number>, parents: number): CheckResult['chart'] {
  const cdf: number[] = [];
  let acc = 0;
  for (let k = 0; k < model.pmf.length; k++) cdf.push((acc += model.pmf[k]));
  let lo = cdf.findIndex((c) => c >= 0.001);
  let hi = cdf.findIndex((c) => c >= 0.999);
  if (lo < 0) lo = 0;
  if (hi < 0) hi = model.pmf.length - 1;
  for (const k of observed.keys()) {
    if (k < lo && observed.get(k)! / parents >= 0.001) lo = k;
    if (k > hi && observed.get(k)! / parents >= 0.001) hi = k;
  }
  const width = Math.max(1, Math.ceil((hi - lo + 1) / 30));
  const bins: { label: string; from: number; to: number }[] = [];
  if (lo > 0) bins.push({ label: `<${lo}`, from: -Infinity, to: lo - 1 });
  for (let k = lo; k <= hi; k += width) bins.push({ label: width === 1 ? `${k}` : `${k}–${Math.min(hi, k + width - 1)}`, from: k, to: Math.min(hi, k + width - 1) });
  bins.push({ label: `>${hi}`, from: hi + 1, to: Infinity });
  const exp = bins.map((b) => {
    let s = 0;
    for (let k = Math.max(0, b.from); k <= Math.min(model.pmf.length - 1, b.to); k++) s += model.pmf[k];
    return s;
  });
  const obs = bins.map((b) => {
    let s = 0;
    for (const [k, c] of observed) if (k >= b.from && k <= b.to) s += c;
    return s / parents;
  });
  const keep = bins.map((_, i) => i > 0 && i < bins.length - 1 ? true : exp[i] > 0 || obs[i] > 0);
  return { kind: 'bars', title, labels: bins.filter((_, i) => keep[i]).map((b) => b.label), expected: exp.filter((_, i) => keep[i]).map((x) => round(x)), observed: obs.filter((_, i) => keep[i]).map((x) => round(x)), unit: 'share of parents' };
}

/** Exposures are grouped to this many levels for the mixture (an error of at most 1/2000 of the base mean). */
const EXPOSURE_LEVELS = 1000;

/**
 * Children per parent when each parent's mean is the base × its exposure (lifetimes): the mixture of the count
 * model at m × e over the parents' exposures e (grouped to EXPOSURE_LEVELS levels), so that the mean, the
 * dispersion and the histogram are judged as for any count model.
 */
function lifetimeFanout(f: Parameters<typeof fanoutModel>[0], m: number, life: LifetimeModel): CountModel | null {
  const levels = new Map<number, number>();
  for (const g of life.groups) {
    const q = Math.round(g.exposure * EXPOSURE_LEVELS);
    levels.set(q, (levels.get(q) ?? 0) + g.parents);
  }
  const mix: number[] = [];
  for (const [q, parents] of levels) {
    const pmf = q === 0 ? Float64Array.of(1) : countPmf(f, (m * q) / EXPOSURE_LEVELS);
    if (!pmf) return null;
    for (let k = 0; k < pmf.length; k++) mix[k] = (mix[k] ?? 0) + (pmf[k] * parents) / life.parents;
  }
  const pmf = Float64Array.from(mix, (x) => x ?? 0);
  return { pmf, ...pmfMoments(pmf) };
}

/**
 * The parents judged together and the count model they draw from: every parent (the table's fanout), or — with a
 * fanout per segment (`bySegment`) — the parents of each such segment, and the others. Null: the factor of some
 * group's parents varies (segment multipliers of other segments or columns), so no group model is known.
 */
interface FanoutGroup { label: string; where: string | null; fanout: FanoutPlan; m: number; specPath: string | undefined }

function fanoutGroups(ctx: ValidateContext, t: TablePlan, rows: Fanout): FanoutGroup[] | null {
  const i = nodeIndex(ctx, t.id);
  const own = i >= 0 && ctx.doc.nodes[i].fanout !== undefined ? nodePath(ctx, t.id, 'fanout') : nodePath(ctx, t.id);
  const bs = rows.bySegment;
  if (!bs) return rows.segments.length ? null : [{ label: '', where: null, fanout: rows.fanout, m: 1, specPath: own }];
  if (rows.segments.some((s) => s.table !== bs.table || s.column !== bs.column)) return null;
  const key = segKey(ctx, bs, 'p');
  const factor = (seg: string) => rows.segments.reduce((a, s) => a * (s.multipliers[seg] ?? 1), 1);
  const segs = Object.keys(bs.fanouts);
  const groups: FanoutGroup[] = segs.map((seg) => ({
    label: ` (${bs.column} = ${seg})`, where: `${key} = ${lit(seg)}`, fanout: bs.fanouts[seg], m: factor(seg),
    specPath: nodePath(ctx, bs.table, 'segment_behavior', 'behaviors', seg, 'tables', t.id, 'fanout'),
  }));
  // The other parents share the table's fanout when no multiplier sets them apart.
  if (rows.segments.every((s) => Object.entries(s.multipliers).every(([seg, m]) => m === 1 || segs.includes(seg)))) {
    groups.push({ label: ` (${bs.column} not ${segs.join(', ')})`, where: `(${key} IS NULL OR ${key} NOT IN (${segs.map(lit).join(', ')}))`, fanout: rows.fanout, m: 1, specPath: own });
  }
  return groups;
}

const fanoutChecks: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of present(ctx)) await guarded(out, 'fanout_mean', t.id, undefined, async () => {
    if (t.rows.kind !== 'fanout') return;
    const rows = t.rows;
    const parent = ctx.table(rows.parent);
    if (!parent?.pk || !ctx.present.has(parent.id)) return;
    // Segment / vintage factors vary per parent; rows added by scenarios are not children of the model. A lifetime
    // (vintage without curves) scales each parent's mean by its exposure: modelled below from the parents' lifetimes.
    const groups = fanoutGroups(ctx, t, rows);
    if (!groups || t.addRows?.length || parent.addRows?.length) return;
    const life = rows.vintage && !rows.bySegment ? await lifetimeModel(ctx, t) : null;
    if (rows.vintage && (!life || rows.effects.length)) return;
    const fk = t.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === 'parent' && c.generator.table === parent.id && c.generator.column === parent.pk && c.modifiers.length === 0 && c.nullRate === 0 && c.type === parent.columns.find((x) => x.name === parent.pk)?.type);
    if (!fk) return;
    const em = rows.effects.length ? await constantEffectFactor(ctx, t, rows) : 1;
    if (em === null) return;
    for (const g of groups) {
      const m = em * g.m;
      const f = g.fanout;
      const model = life ? lifetimeFanout(f, m, life) : fanoutModel(f, m);
      if (!model) continue;
      const hist = await ctx.db.all(`SELECT k, count(*) AS parents FROM (SELECT count(c.${ident(fk.name)}) AS k FROM ${ident(parent.id)} p LEFT JOIN ${ident(t.id)} c ON c.${ident(fk.name)} = p.${ident(parent.pk)}${g.where ? ` WHERE ${g.where}` : ''} GROUP BY p.${ident(parent.pk)}) GROUP BY k ORDER BY k`);
      const counts = new Map(hist.map((r) => [n(r.k), n(r.parents)]));
      let parents = 0;
      let sum = 0;
      for (const [k, c] of counts) (parents += c), (sum += k * c);
      if (parents < MIN_PARENTS_MEAN) continue;
      const mean = sum / parents;
      let ss = 0;
      for (const [k, c] of counts) ss += c * (k - mean) ** 2;
      const variance = ss / (parents - 1);
      const specPath = g.specPath;
      const per = `${parent.id} row${g.label}`;
      const what = `${f.distribution}${f.distribution === 'uniform' ? `[${f.min}, ${f.max}]` : f.distribution === 'fixed' ? `(${f.mean})` : f.distribution === 'categorical' ? `(${f.values!.join(', ')})` : `(mean ${f.mean}${f.k !== null ? `, k ${f.k}` : ''})`}${f.distribution !== 'uniform' && f.distribution !== 'fixed' && (f.min !== null || f.max !== null) ? ` bounded to [${f.min ?? 0}, ${f.max ?? '∞'}]` : ''}${m !== 1 ? ` × factor ${round(m)}` : ''}${life ? ` × each ${parent.id} row's exposure inside its lifetime (mean ${round(life.groups.reduce((a, x) => a + x.exposure * x.parents, 0) / life.parents)})` : ''}`;
      const se = Math.sqrt(model.variance / parents);
      const j = judge(mean, model.mean, se);
      out.push({
        check: 'fanout_mean', category: 'behavioural', table: t.id, hard: false, specPath, status: j.status,
        expected: round(model.mean), observed: round(mean), tolerance: round(j.tolerance), examples: [],
        message: `${round(mean)} ${t.id} rows per ${per} over ${parents} parents; the model ${what} gives ${round(model.mean)} (${zText(j.z)})`,
        chart: countChart(`${t.id} rows per ${per}`, model, counts, parents),
      });
      if (f.distribution === 'categorical') out.push(categoricalShares(t, per, specPath, model, counts, what));
      if (parents < MIN_PARENTS_DISPERSION || !(model.mean > 0)) continue;
      if (model.variance === 0) {
        const jv = judge(variance, 0, 0);
        out.push({
          check: 'fanout_dispersion', category: 'behavioural', table: t.id, hard: false, specPath, status: jv.status,
          expected: 0, observed: round(variance), tolerance: 0, examples: [],
          message: `variance of ${t.id} rows per ${per} is ${round(variance)}; the model ${what} gives every parent the same count`,
        });
        continue;
      }
      const dExp = model.variance / model.mean;
      const dObs = mean > 0 ? variance / mean : NaN;
      const dSE = dispersionSE(model, parents);
      // Judged on the cube root of D (Wilson–Hilferty): the sample variance is right-skewed, its cube root near normal.
      const z = Number.isFinite(dObs) ? (Math.cbrt(dObs) - Math.cbrt(dExp)) / (dSE / (3 * Math.cbrt(dExp) ** 2)) : Infinity;
      const status: CheckStatus = Number.isFinite(z) ? zStatus(z) : 'fail';
      out.push({
        check: 'fanout_dispersion', category: 'behavioural', table: t.id, hard: false, specPath, status,
        expected: round(dExp), observed: round(dObs), tolerance: round(PASS_Z * dSE), examples: [],
        message: `variance / mean of ${t.id} rows per ${per} is ${round(dObs)} over ${parents} parents; the model ${what} gives ${round(dExp)} (${zText(z)})`,
      });
    }
  });
  return out;
};

/**
 * fanout_shares: a categorical fanout's counts — the share of parents with each count against the declared weights
 * (through the factor, as the engine rounds it); a count the model never draws is a bucket of its own, expected 0.
 */
function categoricalShares(t: TablePlan, per: string, specPath: string | undefined, model: CountModel, counts: Map<number, number>, what: string): CheckResult {
  const ks = [...model.pmf.keys()].filter((k) => model.pmf[k] > 0);
  const stray = [...counts.keys()].filter((k) => !(model.pmf[k] > 0));
  const labels = [...ks.map(String), ...(stray.length ? ['other'] : [])];
  const obs = [...ks.map((k) => counts.get(k) ?? 0), ...(stray.length ? [stray.reduce((a, k) => a + counts.get(k)!, 0)] : [])];
  const exp = [...ks.map((k) => model.pmf[k]), ...(stray.length ? [0] : [])];
  const j = judgeShares(obs, exp);
  const worstI = j.observed.reduce((b, o, i) => (Math.abs(o - exp[i]) > Math.abs(j.observed[b] - exp[b]) ? i : b), 0);
  return {
    check: 'fanout_shares', category: 'behavioural', table: t.id, hard: false, specPath, status: j.status,
    expected: Object.fromEntries(labels.map((l, i) => [l, round(exp[i])])),
    observed: Object.fromEntries(labels.map((l, i) => [l, round(j.observed[i])])),
    tolerance: round(j.tolerance), examples: stray.slice(0, 5),
    chart: { kind: 'bars', title: `${t.id} rows per ${per}`, labels, expected: exp.map((x) => round(x)), observed: j.observed.map((x) => round(x)), unit: 'share of parents' },
    message: `shares of ${per}s with each count of ${t.id} rows against ${what}: largest deviation ${pct(j.maxDeviation)} (${labels[worstI]}: ${pct(j.observed[worstI])} vs ${pct(exp[worstI])}), allowed ${pct(j.tolerance)}${stray.length ? `; counts the model never draws: ${stray.slice(0, 5).join(', ')}` : ''}`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// choice_weights

type Key = string | number;

/**
 * Expected share of every stored value of a `choice` column: the weights (cdf differences, the last choice
 * takes the rest as pickIndex does), through the column's value modifiers that act value by value
 * (map_values, multiply, add, clamp) and the type cast; null values leave (they are judged by null_rate).
 * Null when another modifier changes values (labelled modifiers are left to the label exclusion).
 */
function choiceExpectation(c: ColumnPlan): Map<Key, number> | null {
  const g = c.generator;
  if (g.kind !== 'choice') return null;
  const w = g.cdf.map((x, i) => (i === g.cdf.length - 1 ? 1 - (i > 0 ? g.cdf[i - 1] : 0) : x - (i > 0 ? g.cdf[i - 1] : 0)));
  const numeric = g.values.every((v) => typeof v !== 'string');
  let values: (Scalar | number)[] = g.values.map((v) => (numeric ? (v === null ? NaN : Number(v)) : v === null ? null : String(v)));
  for (const m of c.modifiers) {
    if (isLabelled(m)) continue;
    const next = valueModifier(m, values, numeric, c.type);
    if (!next) return null;
    values = next;
  }
  const out = new Map<Key, number>();
  values.forEach((v, i) => {
    const k = castKey(v, c.type);
    if (k !== null && w[i] > 0) out.set(k, (out.get(k) ?? 0) + w[i]);
  });
  return out;
}

function valueModifier(m: ModifierProgram, values: (Scalar | number)[], numeric: boolean, type: string): (Scalar | number)[] | null {
  switch (m.kind) {
    case 'map_values': {
      const map = new Map(Object.entries(m.mapping));
      if (!numeric) return values.map((v) => (v !== null && map.has(String(v)) ? (map.get(String(v)) === null ? null : String(map.get(String(v)))) : v));
      if (type === 'string') return null;
      const bool = type === 'bool';
      return values.map((v) => {
        const x = Number(v);
        if (Number.isNaN(x)) return v;
        const k = bool ? (x ? 'true' : 'false') : String(x);
        if (!map.has(k)) return v;
        const y = map.get(k)!;
        return y === null ? NaN : typeof y === 'string' && bool ? (/^true$/i.test(y) ? 1 : 0) : Number(y);
      });
    }
    case 'multiply':
      return numeric ? values.map((v) => Number(v) * m.factor) : null;
    case 'add':
      return numeric ? values.map((v) => Number(v) + m.value) : null;
    case 'clamp': {
      if (!numeric) return null;
      const a = m.min ?? -Infinity;
      const b = m.max ?? Infinity;
      return values.map((v) => {
        const x = Number(v);
        return x < a ? a : x > b ? b : x;
      });
    }
    default:
      return null;
  }
}

/** The stored value (as the SQL key of choiceKeySql reads it back), after the engine's cast; null for a null. */
function castKey(v: Scalar | number, type: string): Key | null {
  if (v === null) return null;
  if (type === 'string' || type === 'json') return typeof v === 'string' ? v : Number.isNaN(Number(v)) ? null : String(v);
  let x = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  if (Number.isNaN(x)) return null;
  switch (type) {
    case 'int':
      return Math.abs(x) < 9.2e18 ? (x === Math.floor(x) ? x : roundHalfEven(x)) : null;
    case 'float':
      return Number.isFinite(x) ? x : null;
    case 'decimal':
      return Math.abs(x) < 1e14 ? roundHalfEven(x * 10_000) / 10_000 : null;
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'datetime':
      return Math.abs(x) <= 8.64e15 ? Math.round(x) : null;
    case 'date':
      x = Math.floor(x / DAY_MS) * DAY_MS;
      return Math.abs(x) <= 8.64e15 ? x : null;
    default:
      return null;
  }
}

function choiceKeySql(c: ColumnPlan): string | null {
  const q = ident(c.name);
  switch (c.type) {
    case 'string':
    case 'json':
      return `CAST(${q} AS VARCHAR)`;
    case 'int':
    case 'float':
    case 'decimal':
      return `CAST(${q} AS DOUBLE)`;
    case 'bool':
      return `CAST(${q} AS INTEGER)`;
    case 'datetime':
    case 'date':
      return `epoch_ms(${q}::TIMESTAMP)::DOUBLE`;
    default:
      return null;
  }
}

function sameKey(a: Key, b: Key): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function keyLabel(k: Key, type: string): string {
  if (typeof k === 'number' && (type === 'datetime' || type === 'date')) return new Date(k).toISOString().slice(0, type === 'date' ? 10 : 19);
  if (typeof k === 'number' && type === 'bool') return k ? 'true' : 'false';
  return String(k);
}

/** SQL condition: the row's cell of `column` is not labelled (the label exclusion). */
function keptSql(ctx: ValidateContext, t: TablePlan, column: string): string {
  return notLabelled(ctx, t.id, keyExpr(ctx, t.id), column);
}

/** The choice generator of a column, or the segment_behavior.segments that define a segment column. */
function choicePath(ctx: ValidateContext, table: string, column: string): string | undefined {
  const d = docColumn(ctx, table, column);
  if (d?.col.generator?.choice !== undefined) return `${d.path}/generator/choice`;
  const i = nodeIndex(ctx, table);
  if (i < 0) return undefined;
  const sb = ctx.doc.nodes[i].segment_behavior;
  if (sb?.segment_column === column && sb.segments !== undefined) return nodePath(ctx, table, 'segment_behavior', 'segments');
  return d?.path ?? nodePath(ctx, table);
}

const choiceWeights: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of present(ctx)) {
    for (const c of t.columns) await guarded(out, 'choice_weights', t.id, c.name, async () => {
      if (c.generator.kind !== 'choice') return;
      const expected = choiceExpectation(c);
      const keySql = choiceKeySql(c);
      if (!expected || !keySql || expected.size === 0) return;
      const q = ident(c.name);
      const kept = keptSql(ctx, t, c.name);
      // One scan: kept rows per value (the 500 most frequent), with the totals of all and of kept non-null rows.
      const rows = await ctx.db.all(`SELECT * FROM (SELECT v, c, sum(c) OVER () AS kept, sum(a) OVER () AS total FROM (SELECT ${keySql} AS v, count(*) FILTER (WHERE ${kept}) AS c, count(*) AS a FROM ${ident(t.id)} WHERE ${q} IS NOT NULL GROUP BY 1)) WHERE c > 0 ORDER BY c DESC, v LIMIT 500`);
      const total = n(rows[0]?.total);
      const keptRows = n(rows[0]?.kept);
      if (!(keptRows >= MIN_ROWS)) return;
      const keys = [...expected.keys()];
      const counts = new Array(keys.length).fill(0);
      const unexpected: { v: Key; c: number }[] = [];
      let matched = 0;
      for (const r of rows) {
        const v: Key = typeof r.v === 'string' ? r.v : n(r.v);
        const i = keys.findIndex((k) => sameKey(k, v));
        if (i >= 0) (counts[i] += n(r.c)), (matched += n(r.c));
        else unexpected.push({ v, c: n(r.c) });
      }
      const other = keptRows - matched;
      const shares = keys.map((k) => expected.get(k)!);
      const labels = keys.map((k) => keyLabel(k, c.type));
      if (other > 0) {
        counts.push(other);
        shares.push(0);
        labels.push('(other values)');
      }
      // Leaving out labelled cells can move a share by at most their fraction of the rows.
      const slack = total > 0 ? (total - keptRows) / total : 0;
      const j = judgeCounts(counts, shares, slack);
      const expShares = shares.map((s) => s / shares.reduce((a, b) => a + b, 0));
      const worstLabel = labels[j.worstBucket] ?? '';
      out.push({
        check: 'choice_weights', category: 'behavioural', table: t.id, column: c.name, hard: false,
        specPath: choicePath(ctx, t.id, c.name), status: j.status,
        expected: Object.fromEntries(labels.map((l, i) => [l, round(expShares[i])])),
        observed: Object.fromEntries(labels.map((l, i) => [l, round(j.observed[i])])),
        tolerance: round(j.tolerance), examples: unexpected.slice(0, 5).map((u) => keyLabel(u.v, c.type)),
        message: other > 0
          ? `${other} of ${keptRows} ${c.name} values are none of the choices (e.g. ${unexpected.slice(0, 3).map((u) => JSON.stringify(keyLabel(u.v, c.type))).join(', ')})`
          : `shares of ${c.name} over ${keptRows} rows against the choice weights: largest deviation ${pct(j.maxDeviation)} at ${JSON.stringify(worstLabel)} (${zText(j.z)})`,
        chart: { kind: 'bars', title: `${t.id}.${c.name}: share per value`, labels, expected: expShares.map((x) => round(x)), observed: j.observed.map((x) => round(x)), unit: 'share' },
      });
    });
  }
  return out;
};

// ---------------------------------------------------------------------------------------------------------
// dow_pattern, hour_pattern, month_pattern

/** Spec path of the pattern (or datetime seasonality modifier) of `dim` on a column. */
function patternPath(ctx: ValidateContext, t: TablePlan, c: ColumnPlan, dim: TimeDimension): string | undefined {
  const d = docColumn(ctx, t.id, c.name);
  if (!d) return undefined;
  const p = d.col.generator?.datetime_series?.pattern;
  const base = `${d.path}/generator/datetime_series/pattern`;
  if (Array.isArray(p)) {
    const i = p.findIndex((x: { dimension?: unknown }) => x?.dimension === dim);
    if (i >= 0) return `${base}/${i}`;
  } else if (p?.dimension === dim) return base;
  const mods = Array.isArray(d.col.modifiers) ? d.col.modifiers : [];
  const i = mods.findIndex((m: { transform?: unknown; args?: { dimension?: unknown } }) => m?.transform === 'seasonality' && m.args?.dimension === dim);
  return i >= 0 ? `${d.path}/modifiers/${i}` : d.path;
}

const timePatterns: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of present(ctx)) {
    for (const c of t.columns) await guarded(out, `${c.generator.kind === 'datetime' && c.generator.patterns.length ? c.generator.patterns[0].dimension : 'dow'}_pattern`, t.id, c.name, async () => {
      const g = c.generator;
      if (g.kind !== 'datetime' || !g.patterns.length || g.after) return;
      // Inside lifetimes the rows of a grid point are ∝ its weight × the parents alive then (vintage curves: not modelled).
      const life = g.vintage ? await lifetimeModel(ctx, t) : null;
      if (g.vintage && !life) return;
      // time_jitter is modelled (one of it); labelled modifiers are left to the label exclusion; others change the
      // marginal — but for the lifetime bound (not_before), which moves only rows jittered across a birth or an end.
      const jitters = c.modifiers.filter((m) => m.kind === 'time_jitter');
      if (jitters.length > 1 || c.modifiers.some((m) => m.kind !== 'time_jitter' && m.kind !== 'not_before' && !isLabelled(m))) return;
      const jitterMs = jitters.length && jitters[0].kind === 'time_jitter' ? jitters[0].stdMinutes * 60_000 : 0;
      const dims = [...new Set(g.patterns.map((p) => p.dimension))].filter((d) => !(d === 'hour' && c.type === 'date'));
      if (!dims.length) return;
      const steps: EffectSteps[] = [];
      let ok = true;
      for (const e of g.effects) {
        const s = await effectSteps(ctx, e);
        if (!s) ok = false;
        else steps.push(s);
      }
      if (!ok) return;
      const alive = life ? aliveAt(life) : null;
      const extra = steps.length || alive ? (x: number) => steps.reduce((a, s) => a * stepAt(s, x), 1) * (alive ? alive(x) : 1) : null;
      const exp = expectedBuckets(g, extra, jitterMs, dims);
      if (!exp) return;
      const q = ident(c.name);
      const kept = keptSql(ctx, t, c.name);
      const rows = await ctx.db.all(`SELECT ${dims.map((d) => `${DIM_SQL[d](q)} AS ${d}`).join(', ')}, count(*) AS total, count(*) FILTER (WHERE ${kept}) AS kept FROM ${ident(t.id)} WHERE ${q} IS NOT NULL GROUP BY ALL`);
      const total = rows.reduce((a, r) => a + n(r.total), 0);
      const keptRows = rows.reduce((a, r) => a + n(r.kept), 0);
      if (keptRows < MIN_ROWS) return;
      const slack = total > 0 ? (total - keptRows) / total : 0;
      for (const d of dims) {
        const counts = new Array(DIM_SIZE[d]).fill(0);
        for (const r of rows) counts[n(r[d])] += n(r.kept);
        const j = judgeCounts(counts, exp[d], slack);
        const sum = exp[d].reduce((a, b) => a + b, 0);
        const expShares = exp[d].map((x) => (sum > 0 ? x / sum : 0));
        const labels = DIM_LABELS[d];
        out.push({
          check: `${d}_pattern`, category: 'behavioural', table: t.id, column: c.name, hard: false,
          specPath: patternPath(ctx, t, c, d), status: j.status,
          expected: expShares.map((x) => round(x)), observed: j.observed.map((x) => round(x)), tolerance: round(j.tolerance), examples: [],
          message: `${d} shares of ${c.name} over ${keptRows} rows against the declared weights × the ${g.freq} grid's slots per ${d}${jitterMs ? ` (time_jitter ${jitters[0].kind === 'time_jitter' ? jitters[0].stdMinutes : 0} min)` : ''}${steps.length ? ' × effects' : ''}: largest deviation ${pct(j.maxDeviation)} at ${labels[j.worstBucket]} (${zText(j.z)})`,
          chart: { kind: 'bars', title: `${t.id}.${c.name}: share per ${d}`, labels, expected: expShares.map((x) => round(x)), observed: j.observed.map((x) => round(x)), unit: 'share' },
        });
      }
    });
  }
  return out;
};

// ---------------------------------------------------------------------------------------------------------
// trend, seasonality

/** A multiplier of the value that varies with a time column: its SQL factor is built per row. */
type TimeFactor =
  | { kind: 'trend'; mod: Extract<ModifierProgram, { kind: 'trend' }>; k: number }
  | { kind: 'seasonality'; mod: Extract<ModifierProgram, { kind: 'seasonality' }>; k: number }
  | { kind: 'effect'; effect: EffectPlan; timeRef: string };

interface NumericModel {
  factors: TimeFactor[];
  /** Clamps after a time factor: they bend the curve unless no value reaches them. */
  clamps: { min: number | null; max: number | null }[];
  /** Half the rounding unit of the stored values (int 0.5, decimal 0.00005, float 0). */
  halfUnit: number;
}

/**
 * Can E[value | t] be written c · Π factors(t)? The base value (a distribution with constant parameters, or a
 * choice) is drawn independently of the row's time; multiply, jitter (mean 1 / mean 0) and key-less effects
 * without a window scale or shift it by constants; add and clamp before the first time factor only change
 * the base; a segment_value factor is independent of time unless the table's times depend on the parent
 * (vintage). Labelled modifiers (outliers, anomaly, scenarios) are left to the label exclusion.
 */
function numericModel(t: TablePlan, c: ColumnPlan): NumericModel | null {
  if (!['int', 'float', 'decimal'].includes(c.type)) return null;
  const g = c.generator;
  if (g.kind === 'distribution') {
    if (g.exprs && Object.keys(g.exprs).length) return null;
    if (Object.values(g.params).some((v) => typeof v === 'string')) return null;
  } else if (g.kind !== 'choice') return null;
  const vintage = t.rows.kind === 'fanout' ? t.rows.vintage !== null : t.rows.kind === 'grain' ? t.rows.grain.vintage !== null : false;
  const factors: TimeFactor[] = [];
  const clamps: NumericModel['clamps'] = [];
  const seen = { trend: 0, seasonality: 0 };
  for (const m of c.modifiers) {
    if (isLabelled(m)) continue;
    switch (m.kind) {
      case 'trend':
        factors.push({ kind: 'trend', mod: m, k: seen.trend++ });
        break;
      case 'seasonality':
        factors.push({ kind: 'seasonality', mod: m, k: seen.seasonality++ });
        break;
      case 'effect': {
        const e = m.effect;
        if (e.on.length) return null;
        const windowed = (e.startCol || e.endCol) && e.timeRef;
        if (windowed) {
          if (e.op !== 'mul') return null;
          factors.push({ kind: 'effect', effect: e, timeRef: e.timeRef! });
        } else if (e.op === 'add' && factors.length) return null;
        break;
      }
      case 'multiply':
      case 'jitter':
        break;
      case 'add':
        if (factors.length) return null;
        break;
      case 'clamp':
        if (factors.length) clamps.push({ min: m.min, max: m.max });
        break;
      case 'segment_value':
        if (vintage) return null;
        break;
      default:
        return null;
    }
  }
  if (!factors.some((f) => f.kind !== 'effect')) return null;
  return { factors, clamps, halfUnit: halfUnit(c) };
}

function factorRef(f: TimeFactor): string {
  return f.kind === 'effect' ? f.timeRef : f.mod.timeRef;
}

/** SQL factor of one time multiplier; `ts` maps a time column to its TIMESTAMP expression, `ms` to its epoch ms. */
function factorSql(f: TimeFactor, ts: (c: string) => string, ms: (c: string) => string, effectAlias: (f: TimeFactor) => string): string {
  if (f.kind === 'effect') return effectAlias(f);
  if (f.kind === 'seasonality') return `([${f.mod.weights.map((w) => num(w)).join(', ')}]::DOUBLE[])[${DIM_SQL[f.mod.dimension](ts(f.mod.timeRef))} + 1]`;
  const m = f.mod;
  const years = `((${ms(m.timeRef)} - ${num(m.originMs)}) / ${num(YEAR_MS)})`;
  if (m.type === 'exponential') return `pow(${num(1 + m.growthRate)}, ${years})`;
  if (m.type === 'linear') return `(1 + ${num(m.growthRate)} * ${years})`;
  return `(1 + ${num(m.a)} * ln(greatest(1e-12, 1 + ${num(m.b)} * ${years})))`;
}

/** The column a time reference reads: the row's own, or (time flows down) the ancestor's it inherits (`__time__`, a column of the table's validate view). */
function timeColumn(ctx: ValidateContext, t: TablePlan, ref: string): ColumnPlan | undefined {
  if (ref === INHERITED_TIME && t.inheritedTime) {
    const src = t.inheritedTime.source;
    return ctx.table(src.table)?.columns.find((c) => c.name === src.column);
  }
  return t.columns.find((c) => c.name === ref);
}

/** Bucket of a trend curve: months over half a year or more, else weeks, days or hours. */
function trendUnit(ctx: ValidateContext, t: TablePlan, timeRef: string): 'month' | 'week' | 'day' | 'hour' {
  const g = timeColumn(ctx, t, timeRef)?.generator;
  const [a, b] = g?.kind === 'datetime' ? [g.startMs, g.endMs] : [ctx.plan.timeframe.startMs, ctx.plan.timeframe.endMs];
  const days = (b - a) / DAY_MS;
  return days >= 180 ? 'month' : days >= 42 ? 'week' : days >= 6 ? 'day' : 'hour';
}

async function curveCheck(ctx: ValidateContext, t: TablePlan, c: ColumnPlan, model: NumericModel, target: Exclude<TimeFactor, { kind: 'effect' }>): Promise<CheckResult | null> {
  const refs = [...new Set(model.factors.map(factorRef))];
  const refType = (r: string) => timeColumn(ctx, t, r)?.type;
  if (refs.some((r) => refType(r) !== 'datetime' && refType(r) !== 'date')) return null;
  const alias = new Map(refs.map((r, i) => [r, i]));
  const ts = (r: string) => `t${alias.get(r)}`;
  const ms = (r: string) => `ms${alias.get(r)}`;
  const effects = model.factors.filter((f): f is Extract<TimeFactor, { kind: 'effect' }> => f.kind === 'effect');
  const stepSql = effects.map((f) => effectStepsSql(ctx, f.effect));
  if (stepSql.some((s) => s === null)) return null;
  const effectAlias = (f: TimeFactor) => `e${effects.indexOf(f as Extract<TimeFactor, { kind: 'effect' }>)}`;
  const q = ident(c.name);
  const kept = keptSql(ctx, t, c.name);
  const unit = target.kind === 'trend' ? trendUnit(ctx, t, target.mod.timeRef) : null;
  const bucket = target.kind === 'trend' ? `date_trunc('${unit}', ${ts(target.mod.timeRef)})` : DIM_SQL[target.mod.dimension](ts(target.mod.timeRef));
  const cols = refs.map((r) => `${ident(r)}::TIMESTAMP AS ${ts(r)}, epoch_ms(${ident(r)}::TIMESTAMP)::DOUBLE AS ${ms(r)}`).join(', ');
  const ctes = [`base AS (SELECT ${q}::DOUBLE AS v, ${cols} FROM ${ident(t.id)} WHERE ${q} IS NOT NULL AND ${refs.map((r) => `${ident(r)} IS NOT NULL`).join(' AND ')} AND ${kept})`];
  let from = 'base';
  effects.forEach((f, i) => {
    ctes.push(`seg${i} AS (${stepSql[i]})`);
    ctes.push(`j${i} AS (SELECT ${from}.*, coalesce(seg${i}.v, ${num(f.effect.default)}) AS e${i} FROM ${from} ASOF LEFT JOIN seg${i} ON ${from}.${ms(f.timeRef)} >= seg${i}.p)`);
    from = `j${i}`;
  });
  const others = model.factors.filter((f) => f !== target).map((f) => factorSql(f, ts, ms, effectAlias));
  const S = others.length ? others.map((x) => `(${x})`).join(' * ') : '1.0';
  const T = factorSql(target, ts, ms, effectAlias);
  const clampCond = model.clamps.map((k) => [k.min !== null ? `v <= ${num(k.min)}` : null, k.max !== null ? `v >= ${num(k.max)}` : null].filter(Boolean).join(' OR ')).filter(Boolean).join(' OR ') || 'FALSE';
  ctes.push(`f AS (SELECT ${bucket} AS b, v / (${S}) AS y, ${T} AS tt, 1.0 / (${S}) AS inv, v FROM ${from} WHERE (${S}) <> 0)`);
  const rows = await ctx.db.all(`WITH ${ctes.join(', ')} SELECT b, grouping(b) AS overall, count(*) AS n, avg(y) AS my, stddev_samp(y) AS sd, avg(tt) AS mt, avg(inv) AS minv, count(*) FILTER (WHERE ${clampCond}) AS clamped FROM f GROUP BY GROUPING SETS ((b), ()) ORDER BY overall, b`);
  const all = rows.find((r) => n(r.overall) === 1);
  if (!all || n(all.n) < MIN_ROWS) return null;
  // A clamp after the time factors that some value reached bends the curve: not modelled.
  if (n(all.clamped) > 0) return null;
  const N = n(all.n);
  const mAll = n(all.my);
  const sdAll = n(all.sd);
  const mtAll = n(all.mt);
  if (!(Math.abs(mAll) > 0) || !(mtAll > 0)) return null;
  const buckets = rows.filter((r) => n(r.overall) === 0 && n(r.n) >= MIN_BUCKET_ROWS);
  if (buckets.length < (target.kind === 'trend' ? 3 : 2)) return null;
  const sAll = model.halfUnit * n(all.minv);
  const obs: number[] = [];
  const exp: number[] = [];
  const se: number[] = [];
  const slack: number[] = [];
  const labels: string[] = [];
  const df: number[] = [];
  for (const r of buckets) {
    const nb = n(r.n);
    df.push(nb - 1);
    const rb = n(r.my) / mAll;
    obs.push(rb);
    exp.push(n(r.mt) / mtAll);
    const sd = Number.isFinite(n(r.sd)) ? n(r.sd) : 0;
    se.push(Math.sqrt((sd * sd) / nb / (mAll * mAll) + (rb * rb * sdAll * sdAll) / N / (mAll * mAll)));
    slack.push((model.halfUnit * n(r.minv) + Math.abs(rb) * sAll) / Math.abs(mAll));
    if (target.kind === 'trend') {
      const d = r.b instanceof Date ? r.b.toISOString() : String(r.b);
      labels.push(unit === 'month' ? d.slice(0, 7) : unit === 'hour' ? d.slice(0, 13) : d.slice(0, 10));
    } else labels.push(DIM_LABELS[target.mod.dimension][n(r.b)]);
  }
  const j = judgeCurve(obs, exp, se, slack, df);
  const others2 = model.factors.filter((f) => f !== target).map((f) => (f.kind === 'trend' ? 'trend' : f.kind === 'seasonality' ? `${f.mod.dimension} seasonality` : `effect ${f.effect.table}`));
  const divided = others2.length ? ` (divided by the declared ${others2.join(', ')})` : '';
  const m = target.mod;
  const shape = target.kind === 'trend' ? `${target.mod.type} trend${target.mod.type === 'logarithmic' ? ` a ${target.mod.a}, b ${target.mod.b}` : ` ${round(target.mod.growthRate * 100, 3)} %/year`}` : `${target.mod.dimension} seasonality`;
  const worstLabel = labels[j.worstBucket] ?? '';
  return {
    check: target.kind, category: 'behavioural', table: t.id, column: c.name, hard: false,
    specPath: modifierPath(ctx, t.id, c.name, target.kind, target.k), status: j.status,
    expected: { fitted_scale: 1, ratios: Object.fromEntries(labels.map((l, i) => [l, round(exp[i])])) },
    observed: { fitted_scale: round(j.beta), ratios: Object.fromEntries(labels.map((l, i) => [l, round(obs[i])])) },
    tolerance: { worst_bucket: round(j.tolerance), fitted_scale: round(PASS_Z * j.betaSE) },
    examples: [],
    message: `mean ${c.name} per ${target.kind === 'trend' ? unit : m.kind === 'seasonality' ? m.dimension : ''} over the overall mean${divided}, ${N} rows, against the declared ${shape}: fitted ${round(j.beta, 3)} × the declared shape, worst ${worstLabel} ${round(obs[j.worstBucket] ?? NaN)} vs ${round(exp[j.worstBucket] ?? NaN)} (${zText(j.z)})`,
    chart: target.kind === 'trend'
      ? { kind: 'line', title: `${t.id}.${c.name}: mean per ${unit} / overall mean`, x: labels, expected: exp.map((x) => round(x)), observed: obs.map((x) => round(x)), xLabel: unit ?? undefined, unit: 'ratio to the mean' }
      : { kind: 'bars', title: `${t.id}.${c.name}: mean per ${target.mod.dimension} / overall mean`, labels, expected: exp.map((x) => round(x)), observed: obs.map((x) => round(x)), unit: 'ratio to the mean' },
  };
}

const trendAndSeasonality: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of present(ctx)) {
    for (const c of t.columns) {
      if (!c.modifiers.some((m) => m.kind === 'trend' || m.kind === 'seasonality')) continue;
      const model = numericModel(t, c);
      if (!model) continue;
      for (const f of model.factors) {
        if (f.kind === 'effect') continue;
        await guarded(out, f.kind, t.id, c.name, async () => {
          const r = await curveCheck(ctx, t, c, model, f);
          if (r) out.push(r);
        });
      }
    }
  }
  return out;
};

export const DISTRIBUTION_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'fanout', run: fanoutChecks },
  { name: 'choice_weights', run: choiceWeights },
  { name: 'time_patterns', run: timePatterns },
  { name: 'trend_seasonality', run: trendAndSeasonality },
];
