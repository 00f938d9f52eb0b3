/**
 * time_trend: the rows per calendar month (per year over windows longer than 20 years) of a datetime column whose
 * datetime_series carries a `trend` (a trend modifier on a datetime column weights the draw). Expected shares:
 * Σ over the grid points of each period of Π pattern weights × effects × max(0, trend factor) — the sampling
 * weights of the language, computed on validate's own calendar. Skipped with other modifiers (labelled ones
 * aside), `after`, vintage placement, or a grid of more than MAX_POINTS points.
 */
import { calendarGrid, patternWeightAt } from '../calendar.ts';
import { isLabelled } from '../labelled.ts';
import { ident, n } from '../sql.ts';
import { pct, round, zText } from '../stats.ts';
import { docColumn } from '../structural.ts';
import type { CheckModule, CheckResult } from '../types.ts';
import { judgeCounts } from './distributions-stats.ts';
import { guarded, keptSql, MIN_ROWS, present } from './distributions-common.ts';
import { effectSteps, type EffectSteps, stepAt, trendWeight } from './distributions-time.ts';

const MAX_POINTS = 20_000_000;
const MAX_MONTHS = 240;

export const timeTrend: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of present(ctx)) {
    for (const c of t.columns) await guarded(out, 'time_trend', t.id, c.name, async () => {
      const g = c.generator;
      if (g.kind !== 'datetime' || !g.trends?.length || g.after || g.vintage) return;
      if (c.modifiers.some((m) => !isLabelled(m))) return;
      const grid = calendarGrid(g.startMs, g.endMs, g.freq);
      if (grid.count > MAX_POINTS) return;
      const steps: EffectSteps[] = [];
      for (const e of g.effects) {
        const s = await effectSteps(ctx, e);
        if (!s) return;
        steps.push(s);
      }
      const start = new Date(g.startMs);
      const end = new Date(g.endMs);
      const months = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth() + 1;
      const yearly = months > MAX_MONTHS;
      const first = yearly ? start.getUTCFullYear() : start.getUTCFullYear() * 12 + start.getUTCMonth();
      const size = yearly ? end.getUTCFullYear() - start.getUTCFullYear() + 1 : months;
      if (size < 2) return;
      const period = (ms: number) => {
        const d = new Date(ms);
        return (yearly ? d.getUTCFullYear() : d.getUTCFullYear() * 12 + d.getUTCMonth()) - first;
      };
      const expected = new Array(size).fill(0);
      for (let i = 0; i < grid.count; i++) {
        const x = grid.point(i);
        expected[period(x)] += patternWeightAt(x, g.patterns) * steps.reduce((a, s) => a * stepAt(s, x), 1) * trendWeight(g.trends, x);
      }
      const q = ident(c.name);
      const bucket = yearly ? `year(${q})` : `(year(${q}) * 12 + month(${q}) - 1)`;
      const rows = await ctx.db.all(`SELECT ${bucket} AS p, count(*) AS total, count(*) FILTER (WHERE ${keptSql(ctx, t, c.name)}) AS kept FROM ${ident(t.id)} WHERE ${q} IS NOT NULL GROUP BY 1`);
      const counts = new Array(size).fill(0);
      let total = 0;
      let kept = 0;
      let outside = 0;
      for (const r of rows) {
        const i = n(r.p) - first;
        total += n(r.total);
        kept += n(r.kept);
        if (i >= 0 && i < size) counts[i] += n(r.kept);
        else outside += n(r.kept);
      }
      if (kept < MIN_ROWS) return;
      if (outside > 0) {
        counts.push(outside);
        expected.push(0);
      }
      const slack = total > 0 ? (total - kept) / total : 0;
      const j = judgeCounts(counts, expected, slack);
      const sum = expected.reduce((a, b) => a + b, 0);
      const shares = expected.map((x) => (sum > 0 ? x / sum : 0));
      const label = (i: number) => {
        if (i >= size) return '(outside the window)';
        if (yearly) return String(first + i);
        const m = first + i;
        return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
      };
      const labels = counts.map((_, i) => label(i));
      const d = docColumn(ctx, t.id, c.name);
      const mods = Array.isArray(d?.col.modifiers) ? d!.col.modifiers : [];
      const at = mods.findIndex((m: { transform?: unknown }) => m?.transform === 'trend');
      out.push({
        check: 'time_trend', category: 'behavioural', table: t.id, column: c.name, hard: false,
        specPath: d ? (at >= 0 ? `${d.path}/modifiers/${at}` : d.path) : undefined, status: j.status,
        expected: shares.map((x) => round(x)), observed: j.observed.map((x) => round(x)), tolerance: round(j.tolerance), examples: [],
        message: `rows of ${c.name} per ${yearly ? 'year' : 'month'} over ${kept} rows against the trend × the ${g.freq} grid's weights: largest deviation ${pct(j.maxDeviation)} at ${labels[j.worstBucket] ?? ''} (${zText(j.z)})`,
        chart: { kind: 'line', title: `${t.id}.${c.name}: share per ${yearly ? 'year' : 'month'}`, x: labels, expected: shares.map((x) => round(x)), observed: j.observed.map((x) => round(x)), unit: 'share' },
      });
    });
  }
  return out;
};
