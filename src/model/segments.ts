import type { SegmentScale } from '../ir/types.ts';
import type { Store } from './store.ts';

/** Per-row multiplier of a segment scale over the rows of its entity (1 for unlisted segments and nulls). */
export function segmentMultipliers(store: Store, s: SegmentScale): Float64Array {
  const col = store.column(s.table, s.column);
  const out = new Float64Array(col.length).fill(1);
  for (let i = 0; i < out.length; i++) {
    const k = col.key(i);
    const m = k === null ? undefined : s.multipliers[String(k)];
    if (m !== undefined) out[i] = m;
  }
  return out;
}
