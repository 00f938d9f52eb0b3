/** Codes into a dictionary: value i is dict[codes[i]]. */
export interface CodedStrings {
  codes: Uint8Array | Uint16Array | Uint32Array;
  dict: readonly (string | null)[];
}

/**
 * Column values of one chunk (or of a whole retained table): numbers in a Float64Array (NaN = null;
 * timestamps are epoch milliseconds, booleans 0/1) or strings in an array (null = null). Strings drawn from a
 * short list (choice) may arrive coded, as indices into the list: the sink then writes ENUM codes without
 * looking strings up, and the first read of `str` turns them into strings (after which they are plain strings,
 * so whoever writes into `str` is never contradicted by stale codes).
 */
export class ColumnData {
  private strings: (string | null)[] | null;
  private codedStrings: CodedStrings | null = null;

  private constructor(readonly num: Float64Array | null, str: (string | null)[] | null) {
    this.strings = str;
  }

  get str(): (string | null)[] | null {
    const c = this.codedStrings;
    if (c) {
      const out = new Array<string | null>(c.codes.length);
      for (let i = 0; i < out.length; i++) out[i] = c.dict[c.codes[i]];
      this.strings = out;
      this.codedStrings = null;
    }
    return this.strings;
  }

  /** The codes and their dictionary while the strings are still coded (nothing has read `str`). */
  get coded(): CodedStrings | null {
    return this.codedStrings;
  }

  /** Strings given as codes into `dict` (value i = dict[codes[i]]). */
  static coded(codes: Uint8Array | Uint16Array | Uint32Array, dict: readonly (string | null)[]): ColumnData {
    const d = new ColumnData(null, null);
    d.codedStrings = { codes, dict };
    return d;
  }

  static numbers(n: number | Float64Array): ColumnData {
    return new ColumnData(typeof n === 'number' ? new Float64Array(n) : n, null);
  }

  static strings(n: number | (string | null)[]): ColumnData {
    return new ColumnData(null, typeof n === 'number' ? new Array<string | null>(n).fill(null) : n);
  }

  clone(): ColumnData {
    return this.num ? ColumnData.numbers(this.num.slice()) : ColumnData.strings(this.str!.slice());
  }

  get length(): number {
    return this.num ? this.num.length : this.codedStrings ? this.codedStrings.codes.length : this.str!.length;
  }

  get isNumeric(): boolean {
    return this.num !== null;
  }

  /** Value as a join/lookup key (numbers and strings compare by their printed form). */
  key(i: number): string | number | null {
    if (this.num) {
      const v = this.num[i];
      return Number.isNaN(v) ? null : v;
    }
    return this.str![i];
  }

  /** Values as an array-like for expressions. */
  values(): ArrayLike<number | string | null> {
    return this.num ?? this.str!;
  }

  /** New column with values gathered at the given row indices (NaN/negative index → null). */
  gather(rows: ArrayLike<number>, n = rows.length): ColumnData {
    if (this.num) {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const r = rows[i];
        out[i] = r >= 0 ? this.num[r] : NaN;
      }
      return ColumnData.numbers(out);
    }
    const src = this.str!;
    const out = new Array<string | null>(n);
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      out[i] = r >= 0 ? src[r] : null;
    }
    return ColumnData.strings(out);
  }

  /** Concatenate chunk columns into one (used to retain whole tables for later lookups). */
  static concat(parts: ColumnData[], total: number): ColumnData {
    if (parts.length === 0 || parts[0].num) {
      const out = new Float64Array(total);
      let o = 0;
      for (const p of parts) {
        out.set(p.num!, o);
        o += p.num!.length;
      }
      return ColumnData.numbers(out);
    }
    const out: (string | null)[] = new Array(total);
    let o = 0;
    for (const p of parts) for (const s of p.str!) out[o++] = s;
    return ColumnData.strings(out);
  }
}

/** Join key of row i over key columns (printed values separated by U+0001); no allocation for 0 or 1 keys. */
export function joinKey(keys: readonly ColumnData[], i: number): string {
  if (keys.length === 0) return '';
  if (keys.length === 1) return String(keys[0].key(i));
  let k = String(keys[0].key(i));
  for (let j = 1; j < keys.length; j++) k += '\u0001' + String(keys[j].key(i));
  return k;
}
