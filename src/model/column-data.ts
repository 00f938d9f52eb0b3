/** Codes into a dictionary: value i is dict[codes[i]]. */
export interface CodedStrings {
  codes: Uint8Array | Uint16Array | Uint32Array;
  dict: readonly (string | null)[];
}

/**
 * The values of a list column (`list<float>`, `list<int>`, `list<string>`), flat: row i holds the items
 * [offsets[i], offsets[i + 1]) of `nums` (numbers, NaN = a null item) or `strs` (strings). A null list has an
 * empty range and `nulls[i] = 1`. A plain object of typed arrays and one array, so it crosses threads as it is.
 */
export interface ListData {
  offsets: Int32Array;
  nums: Float64Array | null;
  strs: (string | null)[] | null;
  nulls: Uint8Array | null;
}

/** A row's list as expressions see it: a view of the numbers, the strings, or null. */
export type ListValue = Float64Array | readonly (string | null)[] | null;

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
  private listData: ListData | null = null;
  private rowLists: ListValue[] | null = null;

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

  /** A list column (see ListData); `offsets` has one entry more than there are rows. */
  static lists(list: ListData): ColumnData {
    const d = new ColumnData(null, null);
    d.listData = list;
    return d;
  }

  /** The flat values of a list column, else null. */
  get list(): ListData | null {
    return this.listData;
  }

  static numbers(n: number | Float64Array): ColumnData {
    return new ColumnData(typeof n === 'number' ? new Float64Array(n) : n, null);
  }

  static strings(n: number | (string | null)[]): ColumnData {
    return new ColumnData(null, typeof n === 'number' ? new Array<string | null>(n).fill(null) : n);
  }

  clone(): ColumnData {
    const l = this.listData;
    if (l) return ColumnData.lists({ offsets: l.offsets.slice(), nums: l.nums?.slice() ?? null, strs: l.strs?.slice() ?? null, nulls: l.nulls?.slice() ?? null });
    return this.num ? ColumnData.numbers(this.num.slice()) : ColumnData.strings(this.str!.slice());
  }

  get length(): number {
    if (this.listData) return this.listData.offsets.length - 1;
    return this.num ? this.num.length : this.codedStrings ? this.codedStrings.codes.length : this.str!.length;
  }

  get isNumeric(): boolean {
    return this.num !== null;
  }

  /** Value as a join/lookup key (numbers and strings compare by their printed form). */
  key(i: number): string | number | null {
    if (this.listData) {
      const v = this.listAt(i);
      return v === null ? null : JSON.stringify(Array.from(v as ArrayLike<unknown>, (x) => (typeof x === 'number' && Number.isNaN(x) ? null : x)));
    }
    if (this.num) {
      const v = this.num[i];
      return Number.isNaN(v) ? null : v;
    }
    return this.str![i];
  }

  /** Values as an array-like for expressions. */
  values(): ArrayLike<number | string | null> {
    if (this.listData) return this.lists() as unknown as ArrayLike<null>;
    return this.num ?? this.str!;
  }

  /** Row i's list (a view of the numbers or a slice of the strings), or null; lists columns only. */
  listAt(i: number): ListValue {
    const l = this.listData!;
    if (l.nulls?.[i]) return null;
    const a = l.offsets[i];
    const b = l.offsets[i + 1];
    return l.nums ? l.nums.subarray(a, b) : l.strs!.slice(a, b);
  }

  /** Every row's list (built once per column): what an expression's reference to a list column reads. */
  lists(): ListValue[] {
    if (!this.rowLists) {
      const n = this.length;
      const out = new Array<ListValue>(n);
      for (let i = 0; i < n; i++) out[i] = this.listAt(i);
      this.rowLists = out;
    }
    return this.rowLists;
  }

  /** Replace row i's list by null (null_rate): its items stay in the flat arrays, unreachable. */
  setListNull(i: number): void {
    const l = this.listData!;
    l.nulls ??= new Uint8Array(l.offsets.length - 1);
    l.nulls[i] = 1;
    this.rowLists = null;
  }

  /** New column with values gathered at the given row indices (NaN/negative index → null). */
  gather(rows: ArrayLike<number>, n = rows.length): ColumnData {
    if (this.listData) return this.gatherLists(this.listData, rows, n);
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

  private gatherLists(l: ListData, rows: ArrayLike<number>, n: number): ColumnData {
    const offsets = new Int32Array(n + 1);
    const nulls = new Uint8Array(n);
    let items = 0;
    let anyNull = false;
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      if (!(r >= 0) || l.nulls?.[r]) {
        nulls[i] = 1;
        anyNull = true;
      } else items += l.offsets[r + 1] - l.offsets[r];
      offsets[i + 1] = items;
    }
    const nums = l.nums ? new Float64Array(items) : null;
    const strs = l.strs ? new Array<string | null>(items) : null;
    for (let i = 0; i < n; i++) {
      if (nulls[i]) continue;
      const r = rows[i];
      const a = l.offsets[r];
      const b = l.offsets[r + 1];
      if (nums) nums.set(l.nums!.subarray(a, b), offsets[i]);
      else for (let k = a, o = offsets[i]; k < b; k++) strs![o++] = l.strs![k];
    }
    return ColumnData.lists({ offsets, nums, strs, nulls: anyNull ? nulls : null });
  }

  /** Concatenate chunk columns into one (used to retain whole tables for later lookups). */
  static concat(parts: ColumnData[], total: number): ColumnData {
    if (parts.length > 0 && parts[0].listData) return concatLists(parts.map((p) => p.listData!), total);
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

/** The first n rows of a list column's values (a view when they are all of it). */
export function sliceList(l: ListData, n: number): ListData {
  if (l.offsets.length === n + 1) return l;
  return { offsets: l.offsets.subarray(0, n + 1), nums: l.nums, strs: l.strs, nulls: l.nulls ? l.nulls.subarray(0, n) : null };
}

/** Lists of consecutive row ranges as one (offsets rebased). */
export function concatLists(parts: ListData[], total: number): ColumnData {
  const offsets = new Int32Array(total + 1);
  let items = 0;
  for (const p of parts) items += p.offsets[p.offsets.length - 1] - p.offsets[0];
  const numeric = parts.length === 0 || parts[0].nums !== null;
  const nums = numeric ? new Float64Array(items) : null;
  const strs = numeric ? null : new Array<string | null>(items);
  let nulls: Uint8Array | null = null;
  let row = 0;
  let at = 0;
  for (const p of parts) {
    const rows = p.offsets.length - 1;
    const base = p.offsets[0];
    const end = p.offsets[rows];
    for (let i = 0; i < rows; i++) offsets[row + i + 1] = at + p.offsets[i + 1] - base;
    if (nums) nums.set(p.nums!.subarray(base, end), at);
    else for (let k = base; k < end; k++) strs![at + k - base] = p.strs![k];
    if (p.nulls) (nulls ??= new Uint8Array(total)).set(p.nulls.subarray(0, rows), row);
    row += rows;
    at += end - base;
  }
  if (row !== total) throw new Error(`internal: ${row} of ${total} list rows concatenated`);
  return ColumnData.lists({ offsets, nums, strs, nulls });
}

/** Join key of row i over key columns (printed values separated by U+0001); no allocation for 0 or 1 keys. */
export function joinKey(keys: readonly ColumnData[], i: number): string {
  if (keys.length === 0) return '';
  if (keys.length === 1) return String(keys[0].key(i));
  let k = String(keys[0].key(i));
  for (let j = 1; j < keys.length; j++) k += '\u0001' + String(keys[j].key(i));
  return k;
}
