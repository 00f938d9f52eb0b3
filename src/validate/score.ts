/**
 * The quality score (0–100): per category, 100 × (passed + ½ warned) / checks; the score is the weighted
 * mean of the categories that have checks (a category without checks is left out, not counted as perfect).
 */
import { CATEGORIES, type Category, type CheckResult, type ValidationReport } from './types.ts';

const CATEGORY_WEIGHTS: Record<Category, number> = { structural: 0.3, value: 0.2, behavioural: 0.35, targets: 0.15 };

export function score(checks: CheckResult[]): Pick<ValidationReport, 'score' | 'categories' | 'hardFailures' | 'softFailures'> {
  const categories = {} as ValidationReport['categories'];
  let sum = 0;
  let weights = 0;
  for (const c of CATEGORIES) {
    const mine = checks.filter((x) => x.category === c);
    const pass = mine.filter((x) => x.status === 'pass').length;
    const warn = mine.filter((x) => x.status === 'warn').length;
    const fail = mine.length - pass - warn;
    const s = mine.length ? (100 * (pass + 0.5 * warn)) / mine.length : null;
    categories[c] = { checks: mine.length, pass, warn, fail, score: s === null ? null : Math.round(s * 10) / 10 };
    if (s !== null) {
      sum += CATEGORY_WEIGHTS[c] * s;
      weights += CATEGORY_WEIGHTS[c];
    }
  }
  const total = weights ? sum / weights : 0;
  return { score: Math.round(total * 10) / 10, categories, hardFailures: checks.filter((x) => x.hard && x.status === 'fail').length, softFailures: checks.filter((x) => !x.hard && x.status === 'fail').length };
}
