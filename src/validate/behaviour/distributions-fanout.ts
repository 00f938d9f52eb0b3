/**
 * fanout_mean, fanout_dispersion, fanout_shares: children per parent against the fanout model (per segment with a
 * fanout per segment, through constant effect factors and the parents' lifetimes), judged as in docs/validate.md.
 */
import { calendarGrid, patternWeightAt } from '../calendar.ts';
import type { FanoutPlan, TablePlan } from '../../ir/types.ts';
import { segKey } from './cohorts-common.ts';
import { ident, lit, n } from '../sql.ts';
import { judge, judgeShares, PASS_Z, pct, round, zStatus, zText } from '../stats.ts';
import { nodeIndex, nodePath } from '../structural.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import { countPmf, dispersionSE, fanoutModel, type CountModel, pmfMoments } from '../fanout-model.ts';
import { type LifetimeModel, lifetimeModel } from './lifetime-model.ts';
import { guarded, present } from './distributions-common.ts';
import { effectSteps, type EffectSteps, stepAt } from './distributions-time.ts';

/** Fewest parents for fanout_mean, and for fanout_dispersion (the sample variance needs more to be near normal). */
const MIN_PARENTS_MEAN = 20;
const MIN_PARENTS_DISPERSION = 100;

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

export const fanoutChecks: CheckModule = async (ctx) => {
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
