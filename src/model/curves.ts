import type { CurvePlan } from '../ir/types.ts';

/**
 * Multiplier of an age curve at whole age bucket k (k = floor(age / unit)): an array holds its last
 * value after its end; logarithmic 1 + a·ln(1 + b·k), exponential a·e^(b·k), linear a + b·k.
 * Negative results become 0 (an intensity cannot be negative).
 */
export function curveValue(c: CurvePlan, k: number): number {
  let v: number;
  if (c.kind === 'array') v = c.values[Math.min(c.values.length - 1, Math.max(0, k))];
  else if (c.kind === 'logarithmic') v = 1 + c.a * Math.log(1 + c.b * k);
  else if (c.kind === 'exponential') v = c.a * Math.exp(c.b * k);
  else v = c.a + c.b * k;
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** Length of one age unit in ms: day, week, month (365.25/12 days) or year (365.25 days). */
export const AGE_UNIT_MS: Record<string, number> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: (365.25 / 12) * 86_400_000,
  year: 365.25 * 86_400_000,
};
