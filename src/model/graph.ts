import { fmix32, uniform } from './rng.ts';
import { buildCdf, pickIndex } from './weighted-pick.ts';

/**
 * Edges between the rows of one table (friendships, follows): each node s DRAWS `degree(s)` targets, a pure
 * function of (stream, s) and of per-node data (weights, groups) known before the edge table is generated, so
 * every node's edges are known without looking at any other node's rows — except to ask "did t draw s?", which
 * is again a pure function of t. The rows a node EMITS follow from its draws by exact rules
 * (docs/behaviours/relations.md, *Edge tables*):
 *
 * - targets: never s itself unless `allowSelfLoops`; distinct when `uniquePairs` (sampling without
 *   replacement: each draw ∝ the weights among the candidates not yet drawn); ∝ `weights` (a popularity column,
 *   or the nodes' own degrees for preferential attachment), else uniform;
 * - homophily {groups, h}: each draw is, with probability h, among the nodes of s's group (its value of the
 *   column), else among the other nodes; a side without candidates left gives its draw to the other side, and
 *   a node with no candidate left on either side draws fewer targets;
 * - directed: s emits s→t for each drawn t, then (reciprocity) t→s with probability ρ — unless, with unique
 *   pairs, t drew s itself (then t emits it). ρ = r/(2 − r) makes r the share of edges whose reverse exists;
 * - undirected: s emits {min, max} for each drawn t, except when t < s also drew s (that pair is t's): each
 *   pair once with unique pairs.
 */
export interface GraphParams {
  stream: number;
  /** Nodes (rows of the node table). */
  n: number;
  /** Targets drawn per node. */
  degrees: Int32Array;
  /** Target weights (≥ 0; null: uniform). Nodes of weight 0 are never drawn. */
  weights: Float64Array | null;
  /** Homophily: a group id per node and the probability of a draw within the node's own group. */
  groups: Int32Array | null;
  homophily: number;
  /** Share of directed edges whose reverse edge exists (0: none added). */
  reciprocity: number;
  undirected: boolean;
  allowSelfLoops: boolean;
  uniquePairs: boolean;
}

/** Sampling over a set of nodes: uniform or by cumulative weights. */
interface Pool { nodes: Int32Array | null; cdf: Float64Array | null; size: number; positive: number }

const MAX_REJECTIONS = 64;

export class GraphModel {
  /** Drawn targets of every node (CSR: targets of s are at [offsets[s], offsets[s+1])). */
  readonly offsets: Float64Array;
  readonly targets: Int32Array;
  private readonly all: Pool;
  private readonly byGroup: Pool[] = [];
  private readonly groupOf: Int32Array | null;
  private readonly sideKey: number;
  private readonly pickKey: number;
  private readonly answerKey: number;
  private readonly rho: number;

  constructor(readonly p: GraphParams) {
    if (!(p.homophily >= 0 && p.homophily <= 1)) throw new RangeError(`homophily probability must be in [0, 1], got ${p.homophily}`);
    if (!(p.reciprocity >= 0 && p.reciprocity <= 1)) throw new RangeError(`reciprocity must be in [0, 1], got ${p.reciprocity}`);
    this.sideKey = fmix32(p.stream ^ 0x2545f491);
    this.pickKey = fmix32(p.stream ^ 0x68e31da4);
    this.answerKey = fmix32(p.stream ^ 0x1b873593);
    this.rho = p.reciprocity / (2 - p.reciprocity);
    this.groupOf = p.groups;
    this.all = pool(null, p.weights, p.n);
    if (p.groups) {
      const members = new Map<number, number[]>();
      for (let s = 0; s < p.n; s++) {
        const g = p.groups[s];
        if (g < 0) continue;
        let m = members.get(g);
        if (!m) members.set(g, (m = []));
        m.push(s);
      }
      for (const [g, m] of members) this.byGroup[g] = pool(Int32Array.from(m), p.weights, m.length);
    }
    // Draw every node's targets once (CSR): a node's rows need the draws of the nodes it drew.
    const offsets = new Float64Array(p.n + 1);
    let cap = 0;
    for (let s = 0; s < p.n; s++) cap += Math.max(0, Math.min(p.degrees[s] | 0, p.allowSelfLoops || !p.uniquePairs ? p.degrees[s] | 0 : p.n - 1));
    let targets = new Int32Array(cap);
    let total = 0;
    for (let s = 0; s < p.n; s++) {
      total += this.draw(s, targets, total);
      offsets[s + 1] = total;
    }
    if (total < cap) targets = targets.slice(0, total);
    this.offsets = offsets;
    this.targets = targets;
  }

  /** The targets node s drew, in draw order. */
  drawn(s: number): Int32Array {
    return this.targets.subarray(this.offsets[s], this.offsets[s + 1]);
  }

  /** Whether node t drew node s. */
  drew(t: number, s: number): boolean {
    for (let k = this.offsets[t]; k < this.offsets[t + 1]; k++) if (this.targets[k] === s) return true;
    return false;
  }

  /** The edges node s emits (its rows in the edge table, in order): [source, target] pairs. */
  edges(s: number): { source: Int32Array; target: Int32Array } {
    const drawn = this.drawn(s);
    const src: number[] = [];
    const dst: number[] = [];
    const { undirected, uniquePairs } = this.p;
    for (let k = 0; k < drawn.length; k++) {
      const t = drawn[k];
      if (undirected) {
        if (uniquePairs && t < s && this.drew(t, s)) continue;
        src.push(Math.min(s, t));
        dst.push(Math.max(s, t));
        continue;
      }
      src.push(s);
      dst.push(t);
      if (this.rho > 0 && t !== s && uniform(this.answerKey, s, k) < this.rho && !(uniquePairs && this.drew(t, s))) {
        src.push(t);
        dst.push(s);
      }
    }
    return { source: Int32Array.from(src), target: Int32Array.from(dst) };
  }

  /** Rows node s emits (`edges(s)` without building them). */
  count(s: number): number {
    const drawn = this.drawn(s);
    const { undirected, uniquePairs } = this.p;
    let c = 0;
    for (let k = 0; k < drawn.length; k++) {
      const t = drawn[k];
      if (undirected) {
        if (!(uniquePairs && t < s && this.drew(t, s))) c++;
        continue;
      }
      c++;
      if (this.rho > 0 && t !== s && uniform(this.answerKey, s, k) < this.rho && !(uniquePairs && this.drew(t, s))) c++;
    }
    return c;
  }

  /** Node s's draws into out[at…]: `degrees[s]` targets (fewer when it runs out of candidates); returns how many. */
  private draw(s: number, out: Int32Array, at: number): number {
    const want = this.p.degrees[s];
    if (!(want > 0)) return 0;
    const { uniquePairs, allowSelfLoops, homophily } = this.p;
    const g = this.groupOf ? this.groupOf[s] : -1;
    const own = g >= 0 ? this.byGroup[g] : undefined;
    // Candidates on each side (own group / the rest), the node itself excluded unless self-loops are allowed.
    const sameCount = own ? own.positive : 0;
    let sameLeft = sameCount;
    let otherLeft = this.all.positive - sameCount;
    if (!allowSelfLoops && this.isCandidate(s)) {
      if (own) sameLeft--;
      else otherLeft--;
    }
    // Targets drawn so far: a scan of out[at…] for a few, a set beyond.
    const chosen = new Chosen(out, at, uniquePairs && want > 32);
    let attempt = 0;
    for (let k = 0; k < want; k++) {
      let same = this.groupOf !== null && uniform(this.sideKey, s, k) < homophily;
      if (uniquePairs) {
        if (same && sameLeft <= 0) same = false;
        else if (!same && otherLeft <= 0) same = true;
        if ((same ? sameLeft : otherLeft) <= 0) break;
      } else if ((same ? sameLeft : otherLeft) <= 0) {
        same = !same;
        if ((same ? sameLeft : otherLeft) <= 0) break;
      }
      const side = this.groupOf === null ? this.all : same ? own! : this.all;
      let t = -1;
      for (let a = 0; a < MAX_REJECTIONS; a++) {
        const c = sample(side, uniform(this.pickKey, s, attempt++));
        if (this.acceptable(c, s, g, same, chosen)) {
          t = c;
          break;
        }
      }
      if (t < 0) t = this.scan(side, s, g, same, chosen, uniform(this.pickKey, s, attempt++));
      if (t < 0) break; // cannot happen while the counts say candidates are left
      chosen.add(t);
      if (uniquePairs) {
        if (same) sameLeft--;
        else otherLeft--;
      }
    }
    return chosen.size;
  }

  private isCandidate(t: number): boolean {
    return !this.p.weights || this.p.weights[t] > 0;
  }

  private acceptable(c: number, s: number, g: number, same: boolean, chosen: Chosen): boolean {
    if (!this.isCandidate(c)) return false;
    if (c === s && !this.p.allowSelfLoops) return false;
    if (this.groupOf && !same && this.groupOf[c] === g && g >= 0) return false;
    return !this.p.uniquePairs || !chosen.has(c);
  }

  /** Exact draw among the acceptable candidates of a side (∝ weights), after too many rejections. */
  private scan(side: Pool, s: number, g: number, same: boolean, chosen: Chosen, u: number): number {
    const cand: number[] = [];
    const w: number[] = [];
    for (let i = 0; i < side.size; i++) {
      const c = side.nodes ? side.nodes[i] : i;
      if (!this.acceptable(c, s, g, same, chosen)) continue;
      cand.push(c);
      w.push(this.p.weights ? this.p.weights[c] : 1);
    }
    if (cand.length === 0) return -1;
    return cand[pickIndex(buildCdf(w), u)];
  }
}

/** The targets a node has drawn so far (written into the CSR array as they come). */
class Chosen {
  size = 0;
  private readonly set: Set<number> | null;

  constructor(private readonly out: Int32Array, private readonly at: number, big: boolean) {
    this.set = big ? new Set() : null;
  }

  add(t: number): void {
    this.out[this.at + this.size++] = t;
    this.set?.add(t);
  }

  has(t: number): boolean {
    if (this.set) return this.set.has(t);
    for (let i = this.at; i < this.at + this.size; i++) if (this.out[i] === t) return true;
    return false;
  }
}

function pool(nodes: Int32Array | null, weights: Float64Array | null, size: number): Pool {
  let positive = size;
  let cdf: Float64Array | null = null;
  if (weights) {
    const w = new Float64Array(size);
    positive = 0;
    let max = 0;
    for (let i = 0; i < size; i++) {
      const x = weights[nodes ? nodes[i] : i];
      w[i] = Number.isFinite(x) && x > 0 ? x : 0;
      if (w[i] > 0) positive++;
      max = Math.max(max, w[i]);
    }
    if (max > 0) for (let i = 0; i < size; i++) w[i] /= max;
    cdf = positive > 0 ? buildCdf(w) : null;
  }
  return { nodes, cdf, size, positive };
}

function sample(p: Pool, u: number): number {
  const i = p.cdf ? pickIndex(p.cdf, u) : Math.min(p.size - 1, Math.floor(u * p.size));
  return p.nodes ? p.nodes[i] : i;
}
