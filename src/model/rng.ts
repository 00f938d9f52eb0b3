/**
 * Counter-based keyed randomness (DESIGN.md decision 2).
 *
 * Every draw is a pure function of (stream key, row ordinal, slot). The stream key is derived
 * once at compile time from (master seed, node, column/purpose) by `streamKey`. The mixer is two
 * rounds of the murmur3 32-bit finaliser over the row bits, preceded by one round that folds in
 * the stream key, the slot and the high row bits. Only 32-bit integer arithmetic (Math.imul) is
 * used: no BigInt, no allocation. Golden vectors in tests/unit/model/rng.test.ts pin the output;
 * changing anything here changes every dataset and must bump ALGORITHM_VERSION.
 */
export const ALGORITHM_VERSION = 1;

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;

/** murmur3 fmix32: a bijection on 32-bit integers with full avalanche. */
export function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over the UTF-16 code units of a string, finalised with fmix32. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Derive a stream key from the master seed and a path of names (node, column, purpose...). */
export function streamKey(seed: number, ...parts: string[]): number {
  return hashString(`${seed}\u0000${parts.join('\u0000')}`);
}

/** The raw 32-bit mixed word for (key, row ordinal, slot). Row ordinals are integers < 2^53. */
export function mix(key: number, row: number, slot: number): number {
  const lo = row >>> 0;
  const hi = (row / TWO_POW_32) >>> 0;
  const head = fmix32(key ^ Math.imul(slot + 1, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca77));
  const r1 = fmix32(head ^ Math.imul(lo, 0xcc9e2d51));
  return fmix32((r1 + head + lo) | 0);
}

/** Uniform in the open interval (0, 1): never 0, never 1 (safe for log and inverse CDFs). */
export function uniform(key: number, row: number, slot: number): number {
  return (mix(key, row, slot) + 0.5) * INV_TWO_POW_32;
}

/** Uniform integer in [0, n). */
export function uniformInt(key: number, row: number, slot: number, n: number): number {
  return Math.floor(uniform(key, row, slot) * n);
}

/** Fill `out[i]` with uniform(key, start + i, slot). */
export function fillUniform(out: Float64Array, key: number, start: number, slot: number, n = out.length): void {
  for (let i = 0; i < n; i++) out[i] = (mix(key, start + i, slot) + 0.5) * INV_TWO_POW_32;
}
