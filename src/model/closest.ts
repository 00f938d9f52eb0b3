import { distance } from 'fastest-levenshtein';

/** The closest candidates to `input` (edit distance ≤ max(2, len/3)), best first. */
export function closest(input: string, candidates: readonly string[], limit = 3): string[] {
  const lower = input.toLowerCase();
  const budget = Math.max(2, Math.floor(input.length / 3));
  return candidates
    .map((c) => ({ c, d: distance(lower, c.toLowerCase()) }))
    .filter((x) => x.d <= budget)
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, limit)
    .map((x) => x.c);
}
