/**
 * Samplers of list columns (docs/behaviours/relations.md, "Lists and vectors"): a Dirichlet vector, a fixed-length
 * vector of draws from one distribution, and a sample of distinct values from a weighted list. Each row's list is a
 * pure function of (key, row ordinal), so any chunk/worker/shard split gives the same lists.
 */
import type { ListData } from './column-data.ts';
import { type CompiledDist, DIST_SLOT_SPAN, sampleDirichlet, sampleDist } from './distributions.ts';
import { uniform } from './rng.ts';

/** Rows [start, start + n): Dirichlet(alpha) vectors of alpha.length components each (they sum to 1). */
export function dirichletLists(alpha: readonly number[], key: number, start: number, n: number): ListData {
  const k = alpha.length;
  const nums = new Float64Array(n * k);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sampleDirichlet(alpha, key, start + i, 0, row);
    nums.set(row, i * k);
  }
  return { offsets: fixedOffsets(n, k), nums, strs: null, nulls: null };
}

/**
 * Rows [start, start + n): `length` independent draws of `d` each (component j from slots j · DIST_SLOT_SPAN…,
 * the slots a scalar draw of the same stream uses for j = 0), clamped to [lo, hi].
 */
export function vectorLists(d: CompiledDist, length: number, clamp: readonly [number | null, number | null], key: number, start: number, n: number): ListData {
  const nums = new Float64Array(n * length);
  const lo = clamp[0] ?? -Infinity;
  const hi = clamp[1] ?? Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < length; j++) {
      const v = sampleDist(d, key, start + i, j * DIST_SLOT_SPAN);
      nums[i * length + j] = v < lo ? lo : v > hi ? hi : v;
    }
  }
  return { offsets: fixedOffsets(n, length), nums, strs: null, nulls: null };
}

/**
 * Rows [start, start + n): a sample without replacement of between kMin and kMax (uniform, slot 0) of the indices
 * 0 … weights.length − 1, drawn successively with probability ∝ weight among those not yet drawn (zero weights are
 * never drawn). Exact through exponential keys (Efraimidis–Spirakis): index j gets −ln(u_j) / w_j (u_j from slot
 * 1 + j) and the sample is the kMin…kMax smallest keys, in increasing order — which is the successive draw's order.
 * Returns the offsets and the drawn indices.
 */
export function sampleIndexLists(weights: readonly number[], kMin: number, kMax: number, key: number, start: number, n: number): { offsets: Int32Array; picks: Int32Array } {
  const m = weights.length;
  const positive = weights.filter((w) => w > 0).length;
  if (kMax > positive) throw new Error(`internal: a sample of ${kMax} distinct values from ${positive} values of positive weight`);
  const offsets = new Int32Array(n + 1);
  const picks = new Int32Array(n * kMax);
  const keys = new Float64Array(m);
  const order = new Int32Array(m);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const row = start + i;
    const k = kMin === kMax ? kMin : kMin + Math.floor(uniform(key, row, 0) * (kMax - kMin + 1));
    for (let j = 0; j < m; j++) keys[j] = weights[j] > 0 ? -Math.log(uniform(key, row, 1 + j)) / weights[j] : Infinity;
    // Partial selection of the k smallest keys (k and m are small: tag lists), ties broken by index.
    for (let j = 0; j < m; j++) order[j] = j;
    for (let s = 0; s < k; s++) {
      let best = s;
      for (let t = s + 1; t < m; t++) {
        const a = keys[order[t]];
        const b = keys[order[best]];
        if (a < b || (a === b && order[t] < order[best])) best = t;
      }
      const tmp = order[s];
      order[s] = order[best];
      order[best] = tmp;
      picks[at++] = order[s];
    }
    offsets[i + 1] = at;
  }
  return { offsets, picks: picks.subarray(0, at) };
}

/**
 * The probability that index j is in a successive weighted sample of k distinct indices: exact, by summing over
 * the sets drawn so far (for validation and tests; at most 20 values).
 */
export function inclusionProbabilities(weights: readonly number[], k: number): number[] {
  const m = weights.length;
  if (m > 20) throw new Error('inclusionProbabilities: at most 20 values');
  const total = weights.reduce((a, b) => a + b, 0);
  const incl = new Array<number>(m).fill(0);
  // prob[mask] = probability that the first popcount(mask) draws are exactly the set `mask` (any order).
  let level = new Map<number, number>([[0, 1]]);
  for (let d = 0; d < k; d++) {
    const next = new Map<number, number>();
    for (const [mask, p] of level) {
      let rest = total;
      for (let j = 0; j < m; j++) if (mask & (1 << j)) rest -= weights[j];
      if (rest <= 0) continue;
      for (let j = 0; j < m; j++) {
        if (mask & (1 << j) || weights[j] <= 0) continue;
        const q = (p * weights[j]) / rest;
        incl[j] += q;
        next.set(mask | (1 << j), (next.get(mask | (1 << j)) ?? 0) + q);
      }
    }
    level = next;
  }
  return incl;
}

/** Offsets of n lists of `k` items each. */
function fixedOffsets(n: number, k: number): Int32Array {
  const offsets = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) offsets[i] = i * k;
  return offsets;
}
