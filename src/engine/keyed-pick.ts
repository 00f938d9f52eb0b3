import type { KeyedPick } from '../ir/types.ts';
import type { ChunkContext } from './chunk.ts';
import { buildCdf, pickIndex } from '../model/weighted-pick.ts';
import { type ColumnData, joinKey } from '../model/column-data.ts';
import { uniform } from '../model/rng.ts';
import { preferenceRows } from './preference-pick.ts';

/** Rows of the picked table with one key value, and their cumulative weights (null: uniform). */
interface Bucket { rows: number[]; cdf: Float64Array | null }

const indexKeys = new Map<string, object>();
/** Per chunk (its column map): the rows each keyed pick picked. */
const chunkRows = new WeakMap<Map<string, ColumnData>, Map<string, Float64Array>>();

/**
 * The row of `pick.table` each row of the chunk picked: among the rows whose `on` columns equal the row's own,
 * uniform or ∝ `weightsBy` (weights ≤ 0, non-finite and null count as 0; a key with no positive weight picks
 * nothing), −1 where none matches. A pure function of the row's key values and ordinal, so every lookup and
 * every expression reference that goes through the same pick reads the same row without sharing any state.
 */
export function keyedRows(pick: KeyedPick, ctx: ChunkContext): Float64Array {
  const id = `${pick.table}\u0001${pick.on.map((k) => k.remote).join('\u0001')}\u0001${pick.weightsBy ?? ''}`;
  // The lookups and expressions of one chunk that go through this pick share its rows (cached by the chunk's columns).
  const key = `${id}\u0001${pick.stream}\u0001${pick.on.map((k) => k.local).join('\u0001')}`;
  let cached = chunkRows.get(ctx.cols);
  if (!cached) chunkRows.set(ctx.cols, (cached = new Map()));
  const hit = cached.get(key);
  if (hit && hit.length === ctx.n) return hit;
  if (pick.prefer) {
    const rows = preferenceRows(pick, ctx);
    cached.set(key, rows);
    return rows;
  }
  let owner = indexKeys.get(id);
  if (!owner) indexKeys.set(id, (owner = {}));
  const index = ctx.memo(owner, () => buildIndex(ctx, pick));
  const locals = pick.on.map((k) => ctx.cols.get(k.local)!);
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) {
    const k = indexKey(locals, i);
    const hit = k === null ? undefined : index.get(k);
    if (!hit || hit.rows.length === 0) out[i] = -1;
    else if (hit.rows.length === 1) out[i] = hit.rows[0];
    else {
      const u = uniform(pick.stream, ctx.start + i, 1);
      out[i] = hit.rows[hit.cdf ? pickIndex(hit.cdf, u) : Math.floor(u * hit.rows.length)];
    }
  }
  cached.set(key, out);
  return out;
}

/** One key column: its value itself (numbers stay numbers: no string per row); several: a joined string. */
function indexKey(keys: ColumnData[], i: number): string | number | null {
  return keys.length === 1 ? keys[0].key(i) : joinKey(keys, i);
}

function buildIndex(ctx: ChunkContext, pick: KeyedPick): Map<string | number | null, Bucket> {
  const rows = ctx.store.table(pick.table).rows;
  const keys = pick.on.map((k) => ctx.store.column(pick.table, k.remote));
  const weights = pick.weightsBy ? ctx.store.column(pick.table, pick.weightsBy).num! : null;
  const index = new Map<string | number | null, Bucket>();
  for (let r = 0; r < rows; r++) {
    if (weights && !(Number.isFinite(weights[r]) && weights[r] > 0)) continue;
    const k = indexKey(keys, r);
    const b = index.get(k);
    if (b) b.rows.push(r);
    else index.set(k, { rows: [r], cdf: null });
  }
  if (weights) {
    for (const b of index.values()) {
      if (b.rows.length < 2) continue;
      // Scaled by the largest weight first: the sum of huge weights (1e308 each) stays finite.
      let max = 0;
      for (const r of b.rows) max = Math.max(max, weights[r]);
      b.cdf = buildCdf(b.rows.map((r) => weights[r] / max));
    }
  }
  return index;
}
