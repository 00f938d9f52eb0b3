import type { Freq, PatternPlan, TimeDimension } from '../ir/types.ts';
import { buildCdf, pickIndex } from './weighted-pick.ts';
import { dayOf, dowOf, hourOf, monthOf } from './calendar.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const MAX_GRID_POINTS = 20_000_000;

/** Hour of day, day of week (0 = Monday), month (1–12) and day of month (1–31) of an epoch-ms instant, UTC. */
export function timePart(ms: number, dim: TimeDimension): number {
  return dim === 'hour' ? hourOf(ms) : dim === 'dow' ? dowOf(ms) : dim === 'month' ? monthOf(ms) : dayOf(ms);
}

/** Points of a grid (`freq`) inside [startMs, endMs]; a range shorter than one step has its start as only point. */
export class TimeGrid {
  readonly count: number;
  private readonly t0: number;
  private readonly step: number;
  private readonly explicit: Float64Array | null;

  constructor(startMs: number, endMs: number, readonly freq: Freq) {
    if (freq === 'M' || freq === 'MS') {
      this.explicit = monthPoints(startMs, endMs, freq === 'M');
      if (this.explicit.length === 0) this.explicit = Float64Array.of(startMs);
      this.t0 = this.explicit[0];
      this.step = 30 * DAY;
      this.count = this.explicit.length;
      return;
    }
    this.explicit = null;
    this.step = freq === 'T' ? MIN : freq === 'H' ? HOUR : freq === 'D' ? DAY : 7 * DAY;
    // Weekly points fall on Sundays (pandas "W"); 1970-01-04 was a Sunday.
    const anchor = freq === 'W' ? 3 * DAY : 0;
    this.t0 = Math.ceil((startMs - anchor) / this.step) * this.step + anchor;
    const n = Math.floor((endMs - this.t0) / this.step) + 1;
    if (n > MAX_GRID_POINTS) throw new RangeError(`grid has ${n} points (more than ${MAX_GRID_POINTS})`);
    this.count = Math.max(1, n);
    if (n <= 0) this.t0 = startMs;
  }

  point(i: number): number {
    return this.explicit ? this.explicit[i] : this.t0 + i * this.step;
  }

  /** The first point of the grid continued past the window that is after t (strict) or at/after t. */
  nextPointAfter(t: number, strict: boolean): number {
    if (!this.explicit) {
      const k = strict ? Math.floor((t - this.t0) / this.step) + 1 : Math.ceil((t - this.t0) / this.step);
      return this.t0 + k * this.step;
    }
    const d = new Date(t);
    const monthEnd = this.freq === 'M';
    for (let m = 0; ; m++) {
      const p = monthEnd ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + m + 1, 0) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + m, 1);
      if (strict ? p > t : p >= t) return p;
    }
  }

  /** Index of the first point > t (strict) or ≥ t. */
  firstAfter(t: number, strict: boolean): number {
    if (!this.explicit) {
      const k = strict ? Math.floor((t - this.t0) / this.step) + 1 : Math.ceil((t - this.t0) / this.step);
      return Math.min(this.count, Math.max(0, k));
    }
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? this.explicit[mid] <= t : this.explicit[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get stepMs(): number {
    return this.step;
  }
}

function monthPoints(startMs: number, endMs: number, monthEnd: boolean): Float64Array {
  const out: number[] = [];
  const s = new Date(startMs);
  let y = s.getUTCFullYear();
  let m = s.getUTCMonth();
  for (;;) {
    const t = monthEnd ? Date.UTC(y, m + 1, 0) : Date.UTC(y, m, 1);
    if (t > endMs) break;
    if (t >= startMs) out.push(t);
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
  return Float64Array.from(out);
}

/** Weight of instant t under one calendar pattern (hour 0–23, dow 0 = Monday, month 1–12, day of month 1–31). */
export function patternWeight(t: number, p: PatternPlan): number {
  return p.weights[timePart(t, p.dimension) - (p.dimension === 'month' || p.dimension === 'day_of_month' ? 1 : 0)];
}

/** prefix[i] = Σ_{j<i} Π pattern weights of point j (length count + 1). */
export function patternPrefix(grid: TimeGrid, patterns: PatternPlan[]): Float64Array {
  const prefix = new Float64Array(grid.count + 1);
  for (let i = 0; i < grid.count; i++) {
    const t = grid.point(i);
    let x = 1;
    for (const p of patterns) x *= patternWeight(t, p);
    prefix[i + 1] = prefix[i] + x;
  }
  return prefix;
}

/** Weight of every grid point: Π pattern weights × extra(t) (effects). */
export function gridWeights(grid: TimeGrid, patterns: PatternPlan[], extra?: (t: number) => number): Float64Array {
  const w = new Float64Array(grid.count);
  for (let i = 0; i < grid.count; i++) {
    const t = grid.point(i);
    let x = 1;
    for (const p of patterns) x *= patternWeight(t, p);
    w[i] = extra ? x * extra(t) : x;
  }
  return w;
}

/** Draws grid points with probability ∝ Π pattern weights × extra weights (effects). */
export class GridSampler {
  private readonly cdf: Float64Array | null;
  private readonly alias: AliasTable | null = null;

  constructor(readonly grid: TimeGrid, patterns: PatternPlan[], extra?: (t: number) => number) {
    if (patterns.length === 0 && !extra) {
      this.cdf = null;
      return;
    }
    const w = gridWeights(grid, patterns, extra);
    let total = 0;
    for (let i = 0; i < w.length; i++) total += w[i];
    this.cdf = total > 0 ? buildCdf(w) : null;
    if (total > 0) this.alias = new AliasTable(w, total);
  }

  /** Point for uniform u, optionally restricted to points after index `from`. */
  sample(u: number, from = 0): number {
    const g = this.grid;
    if (from === 0 && this.alias) return g.point(this.alias.pick(u));
    if (!this.cdf) return g.point(from + Math.floor(u * (g.count - from)));
    const lo = from > 0 ? this.cdf[from - 1] : 0;
    if (lo >= 1) return g.point(from + Math.floor(u * (g.count - from)));
    return g.point(pickIndex(this.cdf, lo + u * (1 - lo)));
  }
}

/** Walker/Vose alias table: an index ∝ weights from one uniform in O(1). */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: Float64Array, total: number) {
    const n = weights.length;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = Float64Array.from(weights, (w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = n - 1; i >= 0; i--) (scaled[i] < 1 ? small : large).push(i);
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) (this.prob[i] = 1), (this.alias[i] = i);
    for (const i of small) (this.prob[i] = 1), (this.alias[i] = i);
  }

  pick(u: number): number {
    const x = u * this.prob.length;
    const i = Math.min(this.prob.length - 1, Math.floor(x));
    return x - i < this.prob[i] ? i : this.alias[i];
  }
}

/**
 * Index in [lo, hi) of the grid point a uniform u picks ∝ the weights whose prefix sums are `prefix`
 * (prefix[i] = Σ_{j<i} w_j): one binary search, never a point of weight 0.
 */
export function weightedIndex(prefix: Float64Array, lo: number, hi: number, u: number): number {
  const a = prefix[lo];
  const target = a + u * (prefix[hi] - a);
  let l = lo;
  let h = hi - 1;
  while (l < h) {
    const mid = (l + h + 1) >>> 1;
    if (prefix[mid] <= target) l = mid;
    else h = mid - 1;
  }
  while (l < hi - 1 && prefix[l + 1] === prefix[l]) l++;
  return l;
}
