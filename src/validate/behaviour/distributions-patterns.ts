/**
 * dow_pattern, hour_pattern, month_pattern: calendar shares of a datetime column against its declared patterns ×
 * the grid's slots per bucket (through one time_jitter, effects and the parents' lifetimes).
 */
import type { ColumnPlan, TablePlan, TimeDimension } from '../../ir/types.ts';
import { isLabelled } from '../labelled.ts';
import { ident, n } from '../sql.ts';
import { pct, round, zText } from '../stats.ts';
import { docColumn } from '../structural.ts';
import type { CheckModule, CheckResult, ValidateContext } from '../types.ts';
import { aliveAt, lifetimeModel } from './lifetime-model.ts';
import { judgeCounts } from './distributions-stats.ts';
import { guarded, keptSql, MIN_ROWS, present } from './distributions-common.ts';
import { DIM_LABELS, DIM_SIZE, DIM_SQL, effectSteps, type EffectSteps, expectedBuckets, stepAt, trendWeight } from './distributions-time.ts';

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

export const timePatterns: CheckModule = async (ctx) => {
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
      const trends = g.trends ?? [];
      const extra = steps.length || alive || trends.length ? (x: number) => steps.reduce((a, s) => a * stepAt(s, x), 1) * (alive ? alive(x) : 1) * trendWeight(trends, x) : null;
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
