import { fmix32, uniform } from './rng.ts';

/**
 * A tree over the rows of one table (employee → manager, category → parent category, comment → replied-to
 * comment): each row's parent is an EARLIER row of the same table, or none (a root). Row i's parent depends
 * only on the stream and on rows 0..i−1, which depend on nothing else, so the tree is the same whatever the
 * chunk size, worker count or shard split; no row can point at itself and there is no cycle (a parent's ordinal
 * is always smaller).
 *
 * Row i (docs/behaviours/relations.md, *Hierarchies*):
 * - is a root when i < `roots` (count mode; row 0 is always a root), or, in share mode, when i = 0 or a keyed
 *   coin falls below `rootShare`;
 * - else picks a uniform earlier row j; with probability `concentration` (r) it attaches to j's parent instead
 *   (to j itself when j is a root). r = 0 is the random recursive tree (children per row geometric,
 *   P(k) = 2^−(k+1)); r > 0 makes a few rows collect many children (a power-law tail P(k) ∝ k^−(1+1/r): the
 *   redirection model), and the share of rows without children tends to 1/(2 − r);
 * - with `maxDepth` (roots have depth 0): a chosen parent at depth ≥ maxDepth is replaced by its ancestor at
 *   depth maxDepth − 1, so no row is deeper than maxDepth.
 */
export interface HierarchyParams {
  stream: number;
  /** Count mode: rows 0..roots−1 are the roots (≥ 1). */
  roots?: number;
  /** Share mode: each later row is a root with this probability. */
  rootShare?: number;
  /** Probability of attaching to the picked row's parent instead of the row (0 ≤ r < 1). */
  concentration: number;
  /** The greatest depth a row may have (roots 0); null: unbounded. */
  maxDepth: number | null;
}

const SLOT_ROOT = 0;
const SLOT_PICK = 1;
const SLOT_REDIRECT = 2;

export class Hierarchy {
  private parents = new Int32Array(0);
  private depths = new Int32Array(0);
  private filled = 0;
  private readonly rootCount: number;
  private readonly stream: number;

  constructor(readonly params: HierarchyParams) {
    if (params.maxDepth !== null && !(Number.isInteger(params.maxDepth) && params.maxDepth >= 0)) throw new RangeError(`max_depth must be a whole number ≥ 0, got ${params.maxDepth}`);
    if (!(params.concentration >= 0 && params.concentration < 1)) throw new RangeError(`concentration must be in [0, 1), got ${params.concentration}`);
    if (params.rootShare !== undefined && !(params.rootShare >= 0 && params.rootShare <= 1)) throw new RangeError(`root_share must be in [0, 1], got ${params.rootShare}`);
    this.rootCount = Math.max(1, params.roots ?? 1);
    this.stream = fmix32(params.stream ^ 0x7f4a7c15);
  }

  /** Parent ordinal of row i, −1 for a root. */
  parentOf(i: number): number {
    this.ensure(i + 1);
    return this.parents[i];
  }

  /** Depth of row i: 0 for a root, its parent's depth + 1 otherwise. */
  depthOf(i: number): number {
    this.ensure(i + 1);
    return this.depths[i];
  }

  /** Ordinals from the root down to row i (inclusive). */
  pathOf(i: number): number[] {
    this.ensure(i + 1);
    const out: number[] = [];
    for (let r = i; r >= 0; r = this.parents[r]) out.push(r);
    return out.reverse();
  }

  /** The root above row i (itself when it is a root). */
  rootOf(i: number): number {
    this.ensure(i + 1);
    let r = i;
    while (this.parents[r] >= 0) r = this.parents[r];
    return r;
  }

  /** Make rows 0..n−1 known (rows are computed in order, each from the earlier ones). */
  ensure(n: number): void {
    if (n <= this.filled) return;
    if (n > this.parents.length) {
      const cap = Math.max(n, Math.min(2 ** 31 - 1, this.parents.length * 2), 16);
      const p = new Int32Array(cap);
      p.set(this.parents.subarray(0, this.filled));
      const d = new Int32Array(cap);
      d.set(this.depths.subarray(0, this.filled));
      this.parents = p;
      this.depths = d;
    }
    const { rootShare, concentration, maxDepth } = this.params;
    const parents = this.parents;
    const depths = this.depths;
    const key = this.stream;
    for (let i = this.filled; i < n; i++) {
      const root = rootShare === undefined ? i < this.rootCount : i === 0 || uniform(key, i, SLOT_ROOT) < rootShare;
      if (root || maxDepth === 0) {
        parents[i] = -1;
        depths[i] = 0;
        continue;
      }
      const j = Math.floor(uniform(key, i, SLOT_PICK) * i);
      let c = concentration > 0 && parents[j] >= 0 && uniform(key, i, SLOT_REDIRECT) < concentration ? parents[j] : j;
      if (maxDepth !== null) while (depths[c] >= maxDepth) c = parents[c];
      parents[i] = c;
      depths[i] = depths[c] + 1;
    }
    this.filled = n;
  }
}
