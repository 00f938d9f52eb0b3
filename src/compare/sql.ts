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
 * the largest gap between the two empirical CDFs over every distinct value. `mostlyDistinct`: the values are mostly
 * distinct (a continuous column), so both sides are sorted together and cumulated over ties (a RANGE frame), which
 * is faster than grouping by value first — which the other way does, for columns of few distinct values.
 * Returns columns na, nb, ks.
 */
export function ksSql(a: string, b: string, mostlyDistinct = false): string {
  if (mostlyDistinct) {
    const [na, nb] = [`(SELECT count(v) FROM (${a}))`, `(SELECT count(v) FROM (${b}))`];
    return `WITH u AS (SELECT v, 1 ia, 0 ib FROM (${a}) WHERE v IS NOT NULL UNION ALL SELECT v, 0, 1 FROM (${b}) WHERE v IS NOT NULL)
  SELECT ${na} na, ${nb} nb, (SELECT max(abs(ca / ${na} - cb / ${nb}))
    FROM (SELECT sum(ia) OVER o ca, sum(ib) OVER o cb FROM u WINDOW o AS (ORDER BY v RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))) ks`;
  }
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
export function tvdSql(a: string, b: string): string {
  return `WITH a AS (SELECT v, count(*)::DOUBLE c FROM (${a}) GROUP BY ALL),
  b AS (SELECT v, count(*)::DOUBLE c FROM (${b}) GROUP BY ALL)
  SELECT (SELECT sum(c) FROM a) na, (SELECT sum(c) FROM b) nb,
    (SELECT 0.5 * sum(abs(coalesce(a.c / (SELECT sum(c) FROM a), 0) - coalesce(b.c / (SELECT sum(c) FROM b), 0))) FROM a FULL JOIN b ON a.v IS NOT DISTINCT FROM b.v) tvd`;
}

/**
 * Contingency of two columns `x`, `y` in `a` and `b` (queries of both), each side grouped once: the total variation
 * distance between their joint shares (null is a value of its own), and each side's Cramér's V from its observed
 * cells (φ² = Σ n²/(n_x n_y) − 1 over the cells, V = √(φ² / (min(r, c) − 1)); none when a column has one value).
 * Returns columns na, nb, tvd, va, vb.
 */
export function contingencySql(a: string, b: string): string {
  const side = (name: string, from: string) => `${name} AS (SELECT x, y, count(*)::DOUBLE c FROM (${from}) GROUP BY ALL),
  ${name}v AS (SELECT CASE WHEN least(count(DISTINCT x) + max((x IS NULL)::INT), count(DISTINCT y) + max((y IS NULL)::INT)) > 1
      THEN sqrt(greatest(0, sum(c * c / (cx * cy)) - 1) / (least(count(DISTINCT x) + max((x IS NULL)::INT), count(DISTINCT y) + max((y IS NULL)::INT)) - 1)) END v,
    sum(c) n FROM (SELECT x, y, c, sum(c) OVER (PARTITION BY x) cx, sum(c) OVER (PARTITION BY y) cy FROM ${name}))`;
  return `WITH ${side('a', a)},
  ${side('b', b)}
  SELECT (SELECT n FROM av) na, (SELECT n FROM bv) nb, (SELECT v FROM av) va, (SELECT v FROM bv) vb,
    (SELECT 0.5 * sum(abs(coalesce(a.c / (SELECT n FROM av), 0) - coalesce(b.c / (SELECT n FROM bv), 0))) FROM a FULL JOIN b ON a.x IS NOT DISTINCT FROM b.x AND a.y IS NOT DISTINCT FROM b.y) tvd`;
}
