/**
 * Encoding chunk columns into DuckDB's in-memory vector layouts, in plain JS (no DuckDB import), so it can
 * run in worker threads: the thread that owns the database then only copies the buffers into a native data
 * chunk (memcpy per column and vector) and appends it.
 *
 * Layouts (per row): BIGINT / TIMESTAMP (µs) / DECIMAL(18,4) as int64 little-endian (lo, hi) uint32 pairs —
 * no BigInt; DOUBLE as float64; DATE as int32 days; BOOLEAN as one byte; ENUM as uint8 (≤ 255 values) or
 * uint16 codes; VARCHAR as 16-byte `duckdb_string_t` records (uint32 length, then 12 bytes): inline for ≤ 12
 * UTF-8 bytes; a longer string's record holds its length, its first 4 bytes (the prefix) and, where DuckDB keeps
 * a pointer, the string's offset in the chunk's `heap` of UTF-8 bytes (the consumer copies each vector's part of
 * the heap into DuckDB in one call and turns offsets into pointers). Nulls: a validity bitmask (bit set = valid) in
 * uint64 words, so the mask of a vector starting at row `off` (a multiple of the vector size) starts at byte off/8.
 */
import type { CodedStrings, ColumnData, ListData } from '../model/column-data.ts';
import type { ColumnPlan } from '../ir/types.ts';

const DAY = 86_400_000;
export const TWO32 = 4294967296;

export interface EncodedColumn {
  /** Values in the vector layout, row i at byte offset + i · width. */
  buf: ArrayBuffer;
  offset: number;
  width: number;
  /** Validity bitmask words (bit set = valid), or null when no value is null. */
  validity: Uint32Array | null;
  /** Rows (ascending) whose string is longer than 12 UTF-8 bytes, and the UTF-8 bytes of those strings in row order. */
  longRows: Int32Array | null;
  heap: Uint8Array | null;
  /**
   * A LIST column (`DOUBLE[]`, `BIGINT[]`, `VARCHAR[]`): row i holds the items [offsets[i], offsets[i + 1]) of
   * `child` (its items encoded like a column of the element type, offsets starting at 0); `buf` is unused and
   * the validity is the rows'. The sink writes each vector's list entries (offset, length) from the offsets.
   */
  list?: { offsets: Int32Array; child: EncodedColumn };
}

export interface EncodedChunk {
  n: number;
  columns: EncodedColumn[];
}

/** Reusable buffers for encoding many chunks of one table (in-process); workers encode into fresh ones. */
export class ChunkEncoder {
  private readonly codes: (Map<string, number> | null)[];
  private readonly encoder = new TextEncoder();
  private bufs: ArrayBuffer[] = [];
  private masks: Uint32Array[] = [];
  /** Per column: the buffer long strings are encoded into (kept between chunks). */
  private heaps: Uint8Array[] = [];

  /** `reuse`: keep buffers between chunks (the previous chunk's encoding is overwritten by the next). */
  constructor(private readonly columns: ColumnPlan[], private readonly reuse: boolean) {
    this.codes = columns.map((c) => (c.enumValues ? new Map(c.enumValues.map((v, i) => [v, i])) : null));
  }

  encode(data: ColumnData[], n: number): EncodedChunk {
    return { n, columns: this.columns.map((c, i) => this.column(i, c.sqlType, data[i], n)) };
  }

  /** Buffer `slot` of at least `bytes`, zeroed when asked. */
  private buffer(slot: number, bytes: number): ArrayBuffer {
    if (!this.reuse) return new ArrayBuffer(Math.max(8, bytes));
    let b = this.bufs[slot];
    if (!b || b.byteLength < bytes) this.bufs[slot] = b = new ArrayBuffer(Math.max(8, bytes));
    return b;
  }

  private mask(slot: number, n: number): Uint32Array {
    const words = Math.ceil(n / 64) * 2;
    if (!this.reuse) return new Uint32Array(words).fill(0xffffffff);
    let m = this.masks[slot];
    if (!m || m.length < words) this.masks[slot] = m = new Uint32Array(words);
    m.fill(0xffffffff, 0, words);
    return m;
  }

  private column(c: number, sql: string, data: ColumnData, n: number): EncodedColumn {
    const codes = this.codes[c];
    const coded = data.coded;
    if (codes && coded) return this.enumFromCodes(c, codes, coded, n);
    if (codes && data.str) return this.enumCodes(c, codes, data.str, n);
    const list = data.list;
    if (list) return this.lists(c, sql, list, n);
    if (data.str) return this.strings(c, data.str, n);
    return this.numbers(c, sql, data.num!, n);
  }

  /**
   * A list column: the rows' offsets (rebased to 0, always a copy: they are small) and validity, and the items of
   * rows [0, n) encoded as a column of the element type in buffer slot `columns.length + c`.
   */
  private lists(c: number, sql: string, l: ListData, n: number): EncodedColumn {
    const base = l.offsets[0];
    const count = l.offsets[n] - base;
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) offsets[i] = l.offsets[i] - base;
    let validity: Uint32Array | null = null;
    if (l.nulls) for (let i = 0; i < n; i++) if (l.nulls[i]) (validity ??= this.mask(c, n))[i >>> 5] &= ~(1 << (i & 31));
    const slot = this.columns.length + c;
    const child = l.strs ? this.strings(slot, base === 0 ? l.strs : l.strs.slice(base, base + count), count) : this.numbers(slot, sql.slice(0, -2), l.nums!.subarray(base, base + count), count);
    return { buf: offsets.buffer, offset: 0, width: 0, validity, longRows: null, heap: null, list: { offsets, child } };
  }

  private numbers(c: number, sql: string, v: Float64Array, n: number): EncodedColumn {
    if (sql === 'DOUBLE') {
      let validity: Uint32Array | null = null;
      for (let i = 0; i < n; i++) if (Number.isNaN(v[i])) (validity ??= this.mask(c, n))[i >>> 5] &= ~(1 << (i & 31));
      if (this.reuse) return { buf: v.buffer as ArrayBuffer, offset: v.byteOffset, width: 8, validity, longRows: null, heap: null };
      // A worker transfers its buffers: copy, so no array the engine may still hold is detached.
      return { buf: v.slice(0, n).buffer, offset: 0, width: 8, validity, longRows: null, heap: null };
    }
    const width = sql === 'BOOLEAN' ? 1 : sql === 'DATE' ? 4 : 8;
    const buf = this.buffer(c, n * width);
    let validity: Uint32Array | null = null;
    if (sql === 'BOOLEAN') {
      const u8 = new Uint8Array(buf);
      for (let i = 0; i < n; i++) {
        const x = v[i];
        if (Number.isNaN(x)) {
          (validity ??= this.mask(c, n))[i >>> 5] &= ~(1 << (i & 31));
          u8[i] = 0;
        } else u8[i] = x ? 1 : 0;
      }
    } else if (sql === 'DATE') {
      const i32 = new Int32Array(buf);
      for (let i = 0; i < n; i++) {
        const x = v[i];
        if (Number.isNaN(x)) {
          (validity ??= this.mask(c, n))[i >>> 5] &= ~(1 << (i & 31));
          i32[i] = 0;
        } else i32[i] = Math.floor(x / DAY);
      }
    } else {
      const u32 = new Uint32Array(buf);
      const scale = sql === 'TIMESTAMP' ? 1000 : sql.startsWith('DECIMAL') ? 10000 : 1;
      for (let i = 0; i < n; i++) {
        let x = v[i];
        if (Number.isNaN(x)) {
          (validity ??= this.mask(c, n))[i >>> 5] &= ~(1 << (i & 31));
          x = 0;
        }
        const y = scale === 1 ? Math.round(x) : Math.round(x * scale);
        const hi = Math.floor(y / TWO32);
        u32[2 * i] = (y - hi * TWO32) >>> 0;
        u32[2 * i + 1] = hi >>> 0;
      }
    }
    return { buf, offset: 0, width, validity, longRows: null, heap: null };
  }

  /** ENUM codes: 1 byte for up to 255 values, else 2 (DuckDB's own width rule). */
  private enumCodes(c: number, codes: Map<string, number>, str: (string | null)[], n: number): EncodedColumn {
    const wide = codes.size > 255;
    const buf = this.buffer(c, n * (wide ? 2 : 1));
    const out = wide ? new Uint16Array(buf) : new Uint8Array(buf);
    let validity: Uint32Array | null = null;
    for (let i = 0; i < n; i++) {
      const s = str[i];
      const code = s === null ? undefined : codes.get(s);
      if (code === undefined) {
        if (s !== null) throw new Error(`internal: "${s}" is not in the ENUM of this column`);
        (validity ??= this.mask(c, n))[i >>> 5] &= ~(1 << (i & 31));
      }
      out[i] = code ?? 0;
    }
    return { buf, offset: 0, width: wide ? 2 : 1, validity, longRows: null, heap: null };
  }

  /** ENUM codes from coded strings: the dictionary is translated once, then one array lookup per row. */
  private enumFromCodes(c: number, codes: Map<string, number>, coded: CodedStrings, n: number): EncodedColumn {
    const wide = codes.size > 255;
    const NULL = -1;
    const table = coded.dict.map((s) => {
      if (s === null) return NULL;
      const code = codes.get(s);
      if (code === undefined) throw new Error(`internal: "${s}" is not in the ENUM of this column`);
      return code;
    });
    const buf = this.buffer(c, n * (wide ? 2 : 1));
    const out = wide ? new Uint16Array(buf) : new Uint8Array(buf);
    const src = coded.codes;
    let validity: Uint32Array | null = null;
    for (let i = 0; i < n; i++) {
      const code = table[src[i]];
      if (code === NULL) {
        (validity ??= this.mask(c, n))[i >>> 5] &= ~(1 << (i & 31));
        out[i] = 0;
      } else out[i] = code;
    }
    return { buf, offset: 0, width: wide ? 2 : 1, validity, longRows: null, heap: null };
  }

  /**
   * Strings of ≤ 12 UTF-8 bytes as inline records (uint32 length + 12 bytes); longer ones as (length, prefix,
   * heap offset) records, their bytes appended to the heap.
   */
  private strings(c: number, str: (string | null)[], n: number): EncodedColumn {
    const buf = this.buffer(c, n * 16);
    const rec = new Uint8Array(buf);
    const len = new Uint32Array(buf);
    rec.fill(0, 0, n * 16);
    let validity: Uint32Array | null = null;
    const longRows: number[] = [];
    let heap = this.heaps[c] ?? new Uint8Array(1 << 16);
    let at = 0;
    for (let i = 0; i < n; i++) {
      const s = str[i];
      if (s === null) {
        (validity ??= this.mask(c, n))[i >>> 5] &= ~(1 << (i & 31));
        continue;
      }
      const base = i * 16;
      // Short ASCII strings straight into their record (going through the heap costs ~13 ns more per string).
      if (s.length <= 12) {
        let k = 0;
        for (; k < s.length; k++) {
          const ch = s.charCodeAt(k);
          if (ch > 127) break;
          rec[base + 4 + k] = ch;
        }
        if (k === s.length) {
          len[i * 4] = k;
          continue;
        }
        rec.fill(0, base + 4, base + 16); // not ASCII: its UTF-8 length decides
      }
      // UTF-8 takes at most 3 bytes per UTF-16 code unit.
      if (heap.length - at < 3 * s.length) {
        const grown = new Uint8Array(Math.max(2 * heap.length, at + 3 * s.length));
        grown.set(heap.subarray(0, at));
        heap = grown;
      }
      // ASCII bytes as they are (one pass); anything else through the TextEncoder.
      let bytes = s.length;
      let k = 0;
      for (; k < bytes; k++) {
        const ch = s.charCodeAt(k);
        if (ch > 127) break;
        heap[at + k] = ch;
      }
      if (k < bytes) bytes = this.encoder.encodeInto(s, heap.subarray(at)).written;
      len[i * 4] = bytes;
      if (bytes <= 12) {
        for (let b = 0; b < bytes; b++) rec[base + 4 + b] = heap[at + b];
        continue;
      }
      rec[base + 4] = heap[at];
      rec[base + 5] = heap[at + 1];
      rec[base + 6] = heap[at + 2];
      rec[base + 7] = heap[at + 3];
      len[i * 4 + 2] = at;
      longRows.push(i);
      at += bytes;
    }
    if (at > 0xffffffff) throw new Error('internal: more than 4 GB of strings in one chunk');
    this.heaps[c] = heap; // grown once, kept for the next chunks (a worker sends a copy of the used part)
    return {
      buf, offset: 0, width: 16, validity,
      longRows: longRows.length ? Int32Array.from(longRows) : null,
      heap: longRows.length ? (this.reuse ? heap.subarray(0, at) : heap.slice(0, at)) : null,
    };
  }
}

/** The ArrayBuffers of an encoded chunk (to transfer it to another thread). */
export function encodedBuffers(chunk: EncodedChunk): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of chunk.columns) {
    out.add(c.buf);
    if (c.validity) out.add(c.validity.buffer as ArrayBuffer);
    if (c.longRows) out.add(c.longRows.buffer as ArrayBuffer);
    if (c.heap) out.add(c.heap.buffer as ArrayBuffer);
    if (c.list) {
      out.add(c.list.offsets.buffer as ArrayBuffer);
      for (const b of encodedBuffers({ n: 0, columns: [c.list.child] })) out.add(b);
    }
  }
  return [...out];
}
