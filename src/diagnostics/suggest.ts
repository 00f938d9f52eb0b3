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

/** "did you mean "x"?" or a list of the valid options when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const near = closest(input, candidates, 1);
  if (near.length > 0) return `did you mean "${near[0]}"?`;
  const shown = candidates.slice(0, 12).map((c) => `"${c}"`).join(', ');
  return `valid: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
