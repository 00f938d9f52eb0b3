import { InvalidArgumentError } from 'commander';

export function parseSeed(v: string): number {
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('the seed must be an integer, e.g. --seed 7');
  return Number(v);
}

export function parseScale(v: string): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0.001 || x > 1000) throw new InvalidArgumentError('the scale must be a number from 0.001 to 1000, e.g. --scale 0.1');
  return x;
}

export function parsePositiveInt(v: string): number {
  const x = Number(v);
  if (!Number.isSafeInteger(x) || x < 1) throw new InvalidArgumentError('expected a positive integer');
  return x;
}

/** `--shard i/n`: shard i (0-based) of n. */
export function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || index >= count) throw new InvalidArgumentError('expected i/n with 0 ≤ i < n, e.g. --shard 0/4');
  return { index, count };
}

export function parseThreshold(v: string): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0 || x > 100) throw new InvalidArgumentError('the threshold is a quality score from 0 to 100, e.g. --threshold 80');
  return x;
}
