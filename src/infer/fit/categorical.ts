/**
 * fitCategorical: a `choice` over the most frequent values. Values are taken by decreasing count until they
 * cover `coverage` (~99 %) of the rows; a value is a literal of the spec only if at least `minCount` rows hold
 * it (k-anonymity of a literal: a value fewer than k rows hold is never written into the spec). When the
 * values that qualify cover less than MIN_COVERAGE of the rows the column is not categorical (null: free
 * text, identifiers — see fitText / detectPii).
 */
import { sig } from './stats.ts';
import type { ColumnFit } from './types.ts';

type Scalar = string | number | boolean;

/** Below this share of rows covered by qualifying values, a column is not categorical. */
const MIN_COVERAGE = 0.9;
/** At most this many literals in one choice. */
const MAX_CHOICES = 1000;

export interface CategoricalOptions {
  /** A value becomes a literal only if at least this many rows hold it (default 5). */
  minCount?: number;
  /** Stop adding values once they cover this share of the rows (default 0.99). */
  coverage?: number;
}

export function fitCategorical(top: { value: Scalar; count: number }[], total: number, distinct: number, o: CategoricalOptions = {}): ColumnFit | null {
  const minCount = Math.max(1, o.minCount ?? 5);
  const coverage = o.coverage ?? 0.99;
  if (!(total > 0)) return null;
  const sorted = top.filter((t) => t.count > 0).sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
  const kept: { value: Scalar; count: number }[] = [];
  let covered = 0;
  for (const t of sorted) {
    if (t.count < minCount || kept.length >= MAX_CHOICES) break;
    if (covered / total >= coverage) break;
    kept.push(t);
    covered += t.count;
  }
  const share = covered / total;
  if (kept.length === 0 || share < MIN_COVERAGE) return null;
  // Weights are the kept values' shares of the rows they cover (the uncovered remainder spread proportionally).
  const weights = kept.map((t) => sig(t.count / covered, 6));
  // Total variation distance of the model to the sample: the uncovered share (each kept value's weight is
  // its share scaled up by 1 / share, which moves exactly the uncovered mass).
  const tvd = 1 - share;
  const dropped = distinct - kept.length;
  const note =
    `${kept.length} value${kept.length === 1 ? '' : 's'} cover ${sig(100 * share, 4)} % of ${total} rows` +
    (dropped > 0 ? `; ${dropped} other value${dropped === 1 ? '' : 's'} (each < ${minCount} rows or beyond the ${sig(100 * coverage, 3)} % coverage) not written` : '');
  return {
    generator: kept.length === 1 ? { choice: { choices: [kept[0]!.value] } } : { choice: { choices: kept.map((t) => t.value), weights } },
    evidence: { n: total, family: 'choice', score: sig(1 - tvd, 4), note },
  };
}
