/**
 * Allocation among siblings (docs/behaviours/allocation.md): among the rows one parent has in one period, exactly
 * min(k, rows) are chosen, with probability ∝ weight — an exponential race: row r's key is −ln(u_r) / w_r with
 * u_r the keyed uniform of (stream, row ordinal), and the k smallest keys of the group win (the Efraimidis–Spirakis
 * weighted sample without replacement). A row with a weight ≤ 0 or null never wins; nor does a row without a time.
 */
import { floorPeriod } from './grain.ts';
import { uniform } from './rng.ts';

export type AllocationPer = 'hour' | 'day' | 'week' | 'month' | 'parent';

/**
 * Chosen rows of rows [0, n): `parent[i]` the parent ordinal (a parent's rows contiguous, all in this range),
 * `time[i]` the row's time (null: one group per parent), `weight[i]` its weight (null: all 1); row i is ordinal
 * start + i. Returns a 0/1 mask.
 */
export function allocate(n: number, start: number, parent: ArrayLike<number>, time: ArrayLike<number> | null, weight: ArrayLike<number> | null, per: AllocationPer, k: number, stream: number): Uint8Array {
  const out = new Uint8Array(n);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i] : 1;
    const t = time ? time[i] : 0;
    key[i] = w > 0 && t === t ? -Math.log(uniform(stream, start + i, 0)) / w : Infinity;
  }
  const groups = new Map<number, number[]>();
  for (let a = 0; a < n; ) {
    let b = a;
    while (b < n && parent[b] === parent[a]) b++;
    groups.clear();
    for (let i = a; i < b; i++) {
      if (key[i] === Infinity) continue;
      const g = per === 'parent' || !time ? 0 : floorPeriod(time[i], per);
      let rows = groups.get(g);
      if (!rows) groups.set(g, (rows = []));
      rows.push(i);
    }
    for (const rows of groups.values()) {
      // Ties (equal keys) go to the earlier row, so the choice is a pure function of the rows.
      rows.sort((x, y) => key[x] - key[y] || x - y);
      for (let j = 0; j < Math.min(k, rows.length); j++) out[rows[j]] = 1;
    }
    a = b;
  }
  return out;
}
