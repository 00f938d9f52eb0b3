/** SQL building blocks of compare's scores (docs/compare.md); every score is computed by DuckDB, not in JavaScript. */
import { quoteIdent } from '../sinks/sql.ts';
import type { ColumnKind } from './types.ts';

export const q = quoteIdent;

/** The value of a column as compare reads it: numbers as DOUBLE, times as TIMESTAMP, the rest as text. */
export function norm(kind: ColumnKind, col: string): string {
  const c = q(col);
  if (kind === 'numeric') return `TRY_CAST(${c} AS DOUBLE)`;
  if (kind === 'datetime') return `TRY_CAST(${c} AS TIMESTAMP)`;
  return `CAST(${c} AS VARCHAR)`;
}

/** A number for correlations and distances: numbers as DOUBLE, times as epoch milliseconds, the rest as text. */
export function numeric(kind: ColumnKind, col: string): string {
  if (kind === 'datetime') return `epoch_ms(TRY_CAST(${q(col)} AS TIMESTAMP))::DOUBLE`;
  return norm(kind, col);
}

/**
 * The two-sample Kolmogorov–Smirnov statistic of `a` and `b` (queries of one column `v`; nulls left out), exact:
 * the largest gap between the two empirical CDFs over every distinct value. Returns columns na, nb, ks.
 */
export function ksSql(a: string, b: string): string {
  return `WITH a AS (SELECT v, count(*)::DOUBLE c FROM (${a}) WHERE v IS NOT NULL GROUP BY v),
  b AS (SELECT v, count(*)::DOUBLE c FROM (${b}) WHERE v IS NOT NULL GROUP BY v),
  u AS (SELECT v, sum(ca) ca, sum(cb) cb FROM (SELECT v, c ca, 0::DOUBLE cb FROM a UNION ALL SELECT v, 0::DOUBLE, c FROM b) GROUP BY v),
  w AS (SELECT sum(ca) OVER o fa, sum(cb) OVER o fb FROM u WINDOW o AS (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
  SELECT (SELECT sum(c) FROM a) na, (SELECT sum(c) FROM b) nb, (SELECT max(abs(fa / (SELECT sum(c) FROM a) - fb / (SELECT sum(c) FROM b))) FROM w) ks`;
}

/**
 * Total variation distance between the value shares of `a` and `b` (queries of one column `v`; null is a value
 * of its own): ½ Σ |p_a(v) − p_b(v)|. Returns columns na, nb, tvd.
 */
export function tvdSql(a: string, b: string, cols: string[] = ['v']): string {
  const list = cols.join(', ');
  const on = cols.map((c) => `a.${c} IS NOT DISTINCT FROM b.${c}`).join(' AND ');
  return `WITH a AS (SELECT ${list}, count(*)::DOUBLE c FROM (${a}) GROUP BY ALL),
  b AS (SELECT ${list}, count(*)::DOUBLE c FROM (${b}) GROUP BY ALL)
  SELECT (SELECT sum(c) FROM a) na, (SELECT sum(c) FROM b) nb,
    (SELECT 0.5 * sum(abs(coalesce(a.c / (SELECT sum(c) FROM a), 0) - coalesce(b.c / (SELECT sum(c) FROM b), 0))) FROM a FULL JOIN b ON ${on}) tvd`;
}

/** Cramér's V of two columns `x`, `y` of a query, from the observed cells: φ² = Σ p²/(p_x p_y) − 1, V = √(φ² / min(r − 1, c − 1)). */
export function cramersVSql(from: string): string {
  return `WITH c AS (SELECT x, y, count(*)::DOUBLE n FROM (${from}) GROUP BY ALL),
  p AS (SELECT n / sum(n) OVER () p, sum(n) OVER (PARTITION BY x) / sum(n) OVER () px, sum(n) OVER (PARTITION BY y) / sum(n) OVER () py FROM c),
  k AS (SELECT least(count(DISTINCT x) + (count(*) FILTER (WHERE x IS NULL) > 0)::INT, count(DISTINCT y) + (count(*) FILTER (WHERE y IS NULL) > 0)::INT) - 1 k FROM c),
  s AS (SELECT sum(p * p / (px * py)) s FROM p)
  SELECT CASE WHEN k.k > 0 THEN sqrt(greatest(0, s.s - 1) / k.k) END v FROM k, s`;
}
