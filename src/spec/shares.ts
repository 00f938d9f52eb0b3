/**
 * Shares that must sum to 1 (docs/authoring.md): weights written as shares — every one in [0, 1], not only 0s
 * and 1s — that do not sum to 1 (± SHARE_TOLERANCE) are a DG_SHARES_SUM warning naming the sum (an error with
 * --strict): 0.5/0.2 would otherwise be silently rescaled to 71 %/29 %. Weights with any value above 1 are
 * relative weights and are normalised as always; lists of only 0s and 1s are equal weights (on/off).
 */
import { type Diagnostic, warn } from '../diagnostics/diagnostic.ts';

const SHARE_TOLERANCE = 1e-6;

/** The warning for `weights` at `path` (`what`: "choice weights", "segment shares"), or undefined. */
export function sharesProblem(weights: readonly unknown[], path: string, what: string): Diagnostic | undefined {
  if (weights.length < 2 || !weights.every((w): w is number => typeof w === 'number' && Number.isFinite(w) && w >= 0 && w <= 1)) return undefined;
  if (weights.every((w) => w === 0 || w === 1)) return undefined;
  const sum = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) <= SHARE_TOLERANCE || sum === 0) return undefined;
  const shown = weights.slice(0, 6).map((w) => `${round(w)} → ${round((100 * w) / sum, 3)} %`).join(', ') + (weights.length > 6 ? ', …' : '');
  return warn('DG_SHARES_SUM', path, `${what} are written as shares (each between 0 and 1) but sum to ${round(sum)}, not 1; they would be rescaled: ${shown}`,
    'make the shares sum to 1, or write relative weights with one above 1 (e.g. [5, 2]) if proportions are meant');
}

function round(x: number, digits = 6): number {
  return Number(x.toPrecision(digits));
}
