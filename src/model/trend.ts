/** Mean Julian year in milliseconds: the unit of a trend's growth rate ("per year"). */
export const YEAR_MS = 365.25 * 86_400_000;

/** Multiplier after `years` years: exponential (1+g)^t, linear 1+g·t, logarithmic 1+a·ln(1+b·t). */
export function trendFactor(type: string, g: number, a: number, b: number, years: number): number {
  if (type === 'exponential') return Math.pow(1 + g, years);
  if (type === 'linear') return 1 + g * years;
  return 1 + a * Math.log(Math.max(1e-12, 1 + b * years));
}
