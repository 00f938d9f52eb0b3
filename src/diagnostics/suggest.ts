import { closest } from '../model/closest.ts';

/** "did you mean "x"?" or a list of the valid options when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const near = closest(input, candidates, 1);
  if (near.length > 0) return `did you mean "${near[0]}"?`;
  const shown = candidates.slice(0, 12).map((c) => `"${c}"`).join(', ');
  return `valid: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
