/**
 * Per-row draw state for the faker generators.
 *
 * `reset(key, row)` derives one 32-bit row word with the keyed mixer (rng.ts); further draws for
 * the same row are `fmix32(word ^ c * golden)` for c = 1, 2, ... — a pure function of (key, row)
 * and the draw's position, so a value never depends on chunking or call order. Generators that
 * need more than 32 bits of entropy (uuid4) use `wide(i)`, which goes back to the keyed mixer.
 */
import { fmix32, mix } from '../rng.ts';

const INV_TWO_POW_32 = 1 / 4294967296;
/** Slot of the per-row word; wide words and the faker-js randomizer use their own slot ranges. */
const SLOT_ROW = 0;
const SLOT_WIDE = 16;
export const SLOT_FAKER = 1024;

export class Draw {
  key = 0;
  row = 0;
  /** The row word. */
  s = 0;
  /** Draw counter within the row. */
  c = 0;
  /** 0 = female, 1 = male: one per row so first, middle and last names agree. */
  sex = 0;
  /** The row's own first / last name (ASCII-folded) when the column derives from name columns
   * (`args: {first_name: "$first", …}`); e-mails and user names then use them instead of drawing. */
  first: string | null = null;
  last: string | null = null;

  reset(key: number, row: number): void {
    this.key = key;
    this.row = row;
    const s = mix(key, row, SLOT_ROW);
    this.s = s;
    this.c = 0;
    this.sex = s >>> 31;
  }

  /** Next 32-bit draw of this row. */
  u32(): number {
    this.c = (this.c + 1) | 0;
    return fmix32(this.s ^ Math.imul(this.c, 0x9e3779b9));
  }

  /** Uniform integer in [0, n), 1 ≤ n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.u32() * n * INV_TWO_POW_32);
  }

  /** Independent full-entropy word i (i < 1000) for (key, row). */
  wide(i: number): number {
    return mix(this.key, this.row, SLOT_WIDE + i);
  }
}

/** A string generator for one (method, locale): a pure function of the draw state. */
export type Gen = (d: Draw) => string;

/** Generators that only use `wide()` (not the row word): fill may skip `reset`'s mixing. */
export const WIDE_ONLY = new WeakSet<Gen>();

/** A generator over a list of (value, weight) options, or a uniform one when weights are equal. */
export function choice(options: Gen[], weights?: number[]): Gen {
  if (options.length === 1) return options[0];
  const n = options.length;
  if (!weights || weights.every((w) => w === weights[0])) {
    return (d) => options[d.int(n)](d);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const thresholds = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += weights[i];
    thresholds[i] = (acc / total) * 4294967296;
  }
  thresholds[n - 1] = Infinity;
  return (d) => {
    const u = d.u32();
    let i = 0;
    while (u >= thresholds[i]) i++;
    return options[i](d);
  };
}

/** A generator that picks uniformly from a pool of strings. */
export function pool(items: readonly string[]): Gen {
  const n = items.length;
  if (n === 1) {
    const only = items[0];
    return () => only;
  }
  return (d) => items[d.int(n)];
}

export function constant(s: string): Gen {
  return () => s;
}

/** Concatenation of generators. */
export function seq(parts: Gen[]): Gen {
  if (parts.length === 1) return parts[0];
  const n = parts.length;
  if (n === 2) {
    const [a, b] = parts;
    return (d) => a(d) + b(d);
  }
  if (n === 3) {
    const [a, b, c] = parts;
    return (d) => a(d) + b(d) + c(d);
  }
  return (d) => {
    let s = '';
    for (let i = 0; i < n; i++) s += parts[i](d);
    return s;
  };
}
