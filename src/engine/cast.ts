import type { ColumnPlan } from '../ir/types.ts';
import { parseInstant } from '../plan/time.ts';
import { ColumnData } from '../model/column-data.ts';
import { uniform } from '../model/rng.ts';
import { roundHalfEven } from '../model/rounding.ts';

const DAY = 86_400_000;
/** BIGINT holds ±(2^63 − 1); DECIMAL(18,4) holds |x| < 10^14; TIMESTAMP/DATE as JS Date: ±8.64e15 ms. */
const INT_LIMIT = 9_223_372_036_854_775_807;
const DECIMAL_LIMIT = 1e14;
const TIME_LIMIT = 8.64e15;
/** Slot of a column's own stream reserved for the null draw (distributions use low slots). */
const NULL_SLOT = 1 << 20;


/** Cast a generated column to its declared type, then apply null_rate. */
export function castColumn(data: ColumnData, col: ColumnPlan, start: number): ColumnData {
  let out = data;
  switch (col.type) {
    case 'list<float>':
    case 'list<int>':
    case 'list<string>':
      out = castList(data, col);
      break;
    case 'string':
    case 'json':
      if (data.num) out = ColumnData.strings(Array.from(data.num, (v) => (Number.isNaN(v) ? null : String(v))));
      break;
    case 'int':
    case 'float':
    case 'decimal':
    case 'bool': {
      const v = data.num ?? Float64Array.from(data.str!, (s) => (s === null ? NaN : s === 'true' ? 1 : s === 'false' ? 0 : Number(s)));
      // Values the SQL type cannot hold (±Infinity, overflow) become null instead of wrapping around.
      if (col.type === 'int') {
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          // Integral values in range (the common case) stay as they are.
          if (x !== Math.floor(x) || !(Math.abs(x) < INT_LIMIT)) v[i] = Math.abs(x) < INT_LIMIT ? roundHalfEven(x) : NaN;
        }
      }
      if (col.type === 'float') for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) v[i] = NaN;
      if (col.type === 'decimal') for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i]) < DECIMAL_LIMIT ? roundHalfEven(v[i] * 10_000) / 10_000 : NaN;
      if (col.type === 'bool') for (let i = 0; i < v.length; i++) v[i] = Number.isNaN(v[i]) ? NaN : v[i] !== 0 ? 1 : 0;
      out = data.num ? data : ColumnData.numbers(v);
      break;
    }
    case 'datetime':
    case 'date': {
      const v = data.num ?? Float64Array.from(data.str!, (s) => parseInstant(s) ?? NaN);
      const unit = col.type === 'date' ? DAY : 1;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        v[i] = Math.abs(x) <= TIME_LIMIT ? (unit === 1 ? Math.round(x) : Math.floor(x / DAY) * DAY) : NaN;
      }
      out = data.num ? data : ColumnData.numbers(v);
      break;
    }
  }
  if (col.nullRate > 0) applyNulls(out, col, start);
  return out;
}

/** Items of a list column as its element type: ints rounded (half to even), non-finite numbers null. */
function castList(data: ColumnData, col: ColumnPlan): ColumnData {
  const l = data.list;
  if (!l) throw new Error(`internal: column "${col.name}" of type ${col.type} was generated without lists`);
  if (col.type === 'list<string>') {
    if (l.strs) return data;
    return ColumnData.lists({ ...l, nums: null, strs: Array.from(l.nums!, (v) => (Number.isNaN(v) ? null : String(v))) });
  }
  const v = l.nums ?? Float64Array.from(l.strs!, (s) => (s === null ? NaN : Number(s)));
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x) || (col.type === 'list<int>' && !(Math.abs(x) < INT_LIMIT))) v[i] = NaN;
    else if (col.type === 'list<int>' && x !== Math.floor(x)) v[i] = roundHalfEven(x);
  }
  return l.nums ? data : ColumnData.lists({ ...l, nums: v, strs: null });
}

function applyNulls(data: ColumnData, col: ColumnPlan, start: number): void {
  const n = data.length;
  for (let i = 0; i < n; i++) {
    if (uniform(col.stream, start + i, NULL_SLOT) >= col.nullRate) continue;
    if (data.list) data.setListNull(i);
    else if (data.num) data.num[i] = NaN;
    else data.str![i] = null;
  }
}
