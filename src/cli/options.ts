import { InvalidArgumentError } from 'commander';

/** A plain decimal number (no hex, octal, binary, Infinity, or blanks: `--scale 0x10` is a typo, not 16). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function decimal(v: string): number {
  return DECIMAL.test(v.trim()) ? Number(v) : NaN;
}

export function parseSeed(v: string): number {
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('the seed must be an integer, e.g. --seed 7');
  return Number(v);
}

export function parseScale(v: string): number {
  const x = decimal(v);
  if (!Number.isFinite(x) || x < 0.001 || x > 1000) throw new InvalidArgumentError('the scale must be a decimal number from 0.001 to 1000, e.g. --scale 0.1');
  return x;
}

export function parsePositiveInt(v: string): number {
  const x = decimal(v);
  if (!Number.isSafeInteger(x) || x < 1) throw new InvalidArgumentError('expected a positive whole number, e.g. 1000');
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
  const x = decimal(v);
  if (!Number.isFinite(x) || x < 0 || x > 100) throw new InvalidArgumentError('the threshold is a quality score from 0 to 100, e.g. --threshold 80');
  return x;
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
/** Smallest --memory-limit: DuckDB needs a few blocks per thread to run at all. */
const MIN_MEMORY_LIMIT_BYTES = 16e6;

/** `--memory-limit`: a positive size with a unit (DuckDB's spelling), e.g. 512MB, 1GB, 2GiB; returned normalised for DuckDB. */
export function parseMemoryLimit(v: string): string {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?i?b)$/i.exec(v.trim());
  const unit = m?.[2].toLowerCase() ?? '';
  if (!m || !(unit in UNITS) || unit === 'ib') throw new InvalidArgumentError('expected a size with a unit, e.g. --memory-limit 512MB or 2GB (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)');
  const bytes = Number(m[1]) * UNITS[unit];
  if (!(bytes >= MIN_MEMORY_LIMIT_BYTES)) throw new InvalidArgumentError(`the memory limit must be at least 16MB (got ${v.trim()}), e.g. --memory-limit 512MB`);
  return `${m[1]}${{ b: 'B', kb: 'KB', mb: 'MB', gb: 'GB', tb: 'TB', kib: 'KiB', mib: 'MiB', gib: 'GiB', tib: 'TiB' }[unit]}`;
}

export const PRESET_HELP = 'apply the spec\'s preset NAME (its "presets": a merge patch over params and the spec; `datagen presets <spec>` lists them)';
export const SET_HELP = 'override a value, repeatable: a dotted path or JSON pointer = a JSON value (text that is not JSON is a string), e.g. --set params.n_users=100000';

/** `--set path=value`, repeatable: the raw texts in order (parsed by the authoring stage, src/spec/overrides.ts). */
export function collectSetting(v: string, previous: string[] | undefined): string[] {
  if (!v.includes('=')) throw new InvalidArgumentError('expected path=value, e.g. --set params.n_users=100000');
  return [...(previous ?? []), v];
}
