/**
 * empirical_quantiles: an `empirical` column's stored values against its quantiles. The expected share of each
 * bin between the generator's deciles comes from the quantiles themselves (the piecewise-linear CDF; for an int
 * column P(round(X) ≤ k) = F(k + ½), the cast rounding each draw); labelled cells are left out. Columns with
 * other modifiers are skipped (their values are no longer the generator's).
 */
import { empiricalCdf, empiricalQuantile } from '../../model/empirical.ts';
import { isLabelled } from '../labelled.ts';
import { ident, n, num } from '../sql.ts';
import { pct, round, zText } from '../stats.ts';
import { docColumn } from '../structural.ts';
import type { CheckModule, CheckResult } from '../types.ts';
import { judgeCounts } from './distributions-stats.ts';
import { guarded, keptSql, MIN_ROWS, present } from './distributions-common.ts';

/** The bins' edges: the generator's deciles (merged where they coincide, e.g. inside an atom). */
function cuts(quantiles: number[], probs: number[], integer: boolean): { cut: number; cdf: number }[] {
  const out: { cut: number; cdf: number }[] = [];
  for (let j = 1; j < 10; j++) {
    const x = empiricalQuantile(quantiles, probs, j / 10);
    // An int column holds round(X): "≤ k" means X < k + ½.
    const cut = integer ? Math.floor(x + 0.5) : x;
    const cdf = empiricalCdf(quantiles, probs, integer ? cut + 0.5 : cut);
    if (out.length && out[out.length - 1]!.cut === cut) continue;
    out.push({ cut, cdf });
  }
  return out;
}

export const empiricalQuantiles: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of present(ctx)) {
    for (const c of t.columns) await guarded(out, 'empirical_quantiles', t.id, c.name, async () => {
      const g = c.generator;
      if (g.kind !== 'empirical' || c.modifiers.some((m) => !isLabelled(m))) return;
      const edges = cuts(g.quantiles, g.probs, c.type === 'int');
      const q = ident(c.name);
      const kept = keptSql(ctx, t, c.name);
      const bins = edges.map((e, i) => `count(*) FILTER (WHERE ${i > 0 ? `${q} > ${num(edges[i - 1]!.cut)} AND ` : ''}${q} <= ${num(e.cut)}) AS b${i}`);
      bins.push(`count(*) FILTER (WHERE ${edges.length ? `${q} > ${num(edges[edges.length - 1]!.cut)}` : 'true'}) AS b${edges.length}`);
      const row = (await ctx.db.all(`SELECT ${bins.join(', ')}, count(*) AS total FROM (SELECT CAST(${q} AS DOUBLE) AS ${q} FROM ${ident(t.id)} WHERE ${q} IS NOT NULL AND ${kept})`))[0] ?? {};
      const counts = Array.from({ length: edges.length + 1 }, (_, i) => n(row[`b${i}`]));
      const total = n(row.total);
      if (!(total >= MIN_ROWS)) return;
      const cdfs = [...edges.map((e) => e.cdf), 1];
      const shares = cdfs.map((f, i) => f - (i > 0 ? cdfs[i - 1]! : 0));
      const j = judgeCounts(counts, shares);
      const labels = cdfs.map((_, i) => (i === 0 ? `≤ ${round(edges[0]!.cut)}` : i === edges.length ? `> ${round(edges[i - 1]!.cut)}` : `${round(edges[i - 1]!.cut)} – ${round(edges[i]!.cut)}`));
      const d = docColumn(ctx, t.id, c.name);
      out.push({
        check: 'empirical_quantiles', category: 'behavioural', table: t.id, column: c.name, hard: false,
        specPath: d ? `${d.path}/generator/empirical` : undefined, status: j.status,
        expected: Object.fromEntries(labels.map((l, i) => [l, round(shares[i]!)])),
        observed: Object.fromEntries(labels.map((l, i) => [l, round(j.observed[i]!)])),
        tolerance: round(j.tolerance), examples: [],
        message: `shares of ${c.name} over ${total} rows between the empirical deciles: largest deviation ${pct(j.maxDeviation)} at ${labels[j.worstBucket] ?? ''} (${zText(j.z)})`,
        chart: { kind: 'bars', title: `${t.id}.${c.name}: share between deciles`, labels, expected: shares.map((x) => round(x)), observed: j.observed.map((x) => round(x)), unit: 'share' },
      });
    });
  }
  return out;
};
