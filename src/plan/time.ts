import type { Freq } from '../ir/types.ts';

const FREQ_ALIASES: Record<string, Freq> = {
  T: 'T', min: 'T', MIN: 'T', t: 'T', H: 'H', h: 'H', D: 'D', d: 'D', W: 'W', w: 'W', M: 'M', ME: 'M', MS: 'MS',
};
export const FREQ_NAMES = Object.keys(FREQ_ALIASES);

export function parseFreq(s: unknown): Freq | undefined {
  return typeof s === 'string' ? FREQ_ALIASES[s] : undefined;
}

/** The first year an instant may have: JavaScript's Date.UTC (used by the month grids) reads years 0–99 as 1900–1999. */
export const MIN_YEAR = 100;

/** ISO-8601 instant → epoch ms (UTC when no zone is given); years 0100–9999 (compile explains earlier years). */
export function parseInstant(s: unknown): number | undefined {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) || s.length === 10 ? s : s + 'Z';
  const ms = Date.parse(withZone);
  if (!Number.isFinite(ms)) return undefined;
  // Date.parse rolls impossible dates over (2024-02-30 → 2024-03-01); refuse them instead.
  const [y, mo, d] = s.slice(0, 10).split('-').map(Number);
  if (y < MIN_YEAR) return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d ? ms : undefined;
}

export function isoString(ms: number): string {
  return new Date(ms).toISOString();
}

const DAY_MS = 86_400_000;

/** Durations: "30d", "12h", "2w", "3M", "15m" (minutes), "1y" or a number of days → ms. */
export function parseDuration(x: unknown): number | undefined {
  if (typeof x === 'number' && Number.isFinite(x)) return x * DAY_MS;
  if (typeof x !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w|M|y)\s*$/.exec(x);
  if (!m) return undefined;
  const v = Number(m[1]);
  const unit: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS, M: 30.436875 * DAY_MS, y: 365.25 * DAY_MS };
  return v * unit[m[2]];
}
