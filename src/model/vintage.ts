/**
 * Vintage (DSL §5.2): an entity's age curves are an activity intensity over its age. A child's time is a
 * grid point t ≥ the parent's created_at, drawn with probability ∝ w(t) × m(age) where w are the time
 * column's own weights (patterns, seasonality, keyless effects) and m the product of the fanout curves,
 * each a step function over whole age units. The expected child count is scaled by
 * I(c) / I_full = Σ_{t ≥ c} w(t)·m(t − c) / Σ_t w(t): a parent alive over the whole window at
 * multiplier 1 keeps the base fanout, so children per parent at age k (over parents observable at k)
 * follow the curve whatever the creation date.
 */
import { curveValue } from './curves.ts';
import type { CurvePlan, Plan, TablePlan, VintagePlan } from '../ir/types.ts';
import type { ColumnData } from './column-data.ts';
import { segmentMultipliers } from './segments.ts';

export { segmentMultipliers };
import { EffectFunction } from './effects.ts';
import type { Store } from './store.ts';
import { gridWeights, TimeGrid, weightedIndex } from './time-grid.ts';
import { gateTimeOf, StateTimeline, stateAtTime } from './state-timeline.ts';

/** Product of the curves at age `ageMs` for a segment decay rate d (d scales age: 2 = ages twice as fast). */
export function curvesAt(curves: CurvePlan[], ageMs: number, d: number): number {
  let m = 1;
  const a = Math.max(0, ageMs) * d;
  for (const c of curves) m *= curveValue(c, Math.floor(a / c.unitMs + 1e-9));
  return m;
}

interface Pieces {
  lo: Int32Array;
  hi: Int32Array;
  /** Cumulative weight of pieces 0..j. */
  cum: Float64Array;
}

export class VintageModel {
  readonly grid: TimeGrid;
  /** prefix[i] = Σ_{j<i} w_j. */
  private readonly prefix: Float64Array;
  /** Every grid point weighs the same (no patterns or effects): a point is drawn in O(1). */
  private readonly flat: boolean;
  private readonly simple: boolean;
  private readonly cache = new Map<string, Pieces>();
  readonly created: ColumnData | null;
  /** The state machine or lifecycle whose states scale the activity (`activity_by_state`), and the rate per state. */
  private readonly timeline: StateTimeline | null = null;
  private readonly rates: number[] = [];
  /** `lifetime.to` with states: the parent's end is when it first enters one of them. */
  private readonly endTimeline: StateTimeline | null = null;
  /** `starts_after`: children only from the time the parent reached a funnel stage. */
  private readonly gate: ((p: number) => number) | null = null;
  /** The parent's lifetime end (`lifetime.to`), when it has one. */
  readonly ended: ColumnData | null;
  readonly decay: Float64Array | null;

  constructor(plan: Plan, table: TablePlan, store: Store, readonly v: VintagePlan) {
    const col = v.timeColumn ? table.columns.find((c) => c.name === v.timeColumn) : undefined;
    const g = col?.generator.kind === 'datetime' ? col.generator : null;
    this.grid = g ? new TimeGrid(g.startMs, g.endMs, g.freq) : new TimeGrid(plan.timeframe.startMs, plan.timeframe.endMs, plan.timeframe.freq);
    const fns = g ? g.effects.map((e) => new EffectFunction(e, store, [])) : [];
    const w = gridWeights(this.grid, g ? g.patterns : [], fns.length ? (t) => fns.reduce((acc, f) => acc * f.at('', t), 1) : undefined);
    this.prefix = new Float64Array(w.length + 1);
    for (let i = 0; i < w.length; i++) this.prefix[i + 1] = this.prefix[i] + w[i];
    this.flat = w.every((x) => x === w[0]) && w[0] > 0;
    this.created = v.createdAt ? store.column(v.table, v.createdAt) : null;
    if (v.activity) {
      this.timeline = new StateTimeline(plan, v.activity.table, store);
      this.rates = v.activity.rates;
    }
    if (v.gate) this.gate = gateTimeOf(plan, store, v.gate) ?? null;
    if (v.endState) this.endTimeline = new StateTimeline(plan, v.endState.table, store);
    /** Without curves or states, one piece per parent: the fast paths. */
    this.simple = v.fanoutCurves.length === 0 && !v.activity;
    this.ended = v.endAt ? store.column(v.table, v.endAt) : null;
    this.decay = v.decay ? segmentMultipliers(store, v.decay) : null;
  }

  /** Creation time of parent row p (a null created_at counts as the window start). */
  createdOf(p: number): number {
    let c = this.created ? this.created.num![p] : NaN;
    if (Number.isNaN(c)) c = this.grid.point(0);
    if (this.gate) {
      // Gated: from the trigger's time; a parent that never reached it has no children (a birth after every point).
      const g = this.gate(p);
      return Number.isNaN(g) ? Infinity : Math.max(c, g);
    }
    return c;
  }

  /** End of parent row p's lifetime (+∞ when it has none or it is null). */
  endOf(p: number): number {
    const e = this.endTimeline ? this.endTimeline.firstEntry(p, this.v.endState!.states) : this.ended ? this.ended.num![p] : NaN;
    return Number.isNaN(e) ? Infinity : e;
  }

  decayOf(p: number): number {
    return this.decay ? this.decay[p] : 1;
  }

  /** Lifetime bounds [first, stop) of parent row p on the grid (no curves: one piece). */
  private span(p: number): [number, number] {
    const g = this.grid;
    const e = this.endOf(p);
    return [g.firstAfter(this.createdOf(p), false), e === Infinity ? g.count : Math.min(g.count, g.firstAfter(e, true))];
  }

  /**
   * Expected-count multiplier of parent row p: its exposure — the weight of the child's time grid inside its
   * lifetime, × the activity curves — over the weight of the whole grid. A parent alive over the whole window
   * at multiplier 1 keeps the base fanout; one born half-way through has half of it.
   */
  fanoutFactor(p: number): number {
    if (this.simple) {
      // A lifetime alone: the weight of the grid inside it, without building pieces.
      const [first, stop] = this.span(p);
      const total = this.prefix[this.prefix.length - 1];
      return stop > first && total > 0 ? (this.prefix[stop] - this.prefix[first]) / total : 0;
    }
    const pieces = this.piecesOf(p);
    const total = this.prefix[this.prefix.length - 1];
    const mass = pieces.cum.length ? pieces.cum[pieces.cum.length - 1] : 0;
    return total > 0 ? mass / total : 0;
  }

  /** A child time of parent row p from two uniforms; NaN when no grid point lies after its creation. */
  sample(p: number, u1: number, u2: number): number {
    if (this.simple) return this.sampleSpan(p, u1);
    const pieces = this.piecesOf(p);
    const n = pieces.cum.length;
    if (n === 0 || !(pieces.cum[n - 1] > 0)) return NaN;
    const x = u1 * pieces.cum[n - 1];
    let j = 0;
    let top = n - 1;
    while (j < top) {
      const mid = (j + top) >>> 1;
      if (pieces.cum[mid] <= x) j = mid + 1;
      else top = mid;
    }
    return this.grid.point(weightedIndex(this.prefix, pieces.lo[j], pieces.hi[j], u2));
  }

  /** A lifetime alone: a point of [first, stop) ∝ its weight — O(1) on a flat grid, one binary search otherwise. */
  private sampleSpan(p: number, u: number): number {
    if (p !== this.spanParent) {
      this.spanParent = p;
      this.lastSpan = this.span(p);
    }
    const [first, stop] = this.lastSpan;
    if (stop <= first) return NaN;
    if (this.flat) return this.grid.point(first + Math.min(stop - first - 1, Math.floor(u * (stop - first))));
    if (!(this.prefix[stop] - this.prefix[first] > 0)) return NaN;
    return this.grid.point(weightedIndex(this.prefix, first, stop, u));
  }

  private spanParent = -1;
  private lastSpan: [number, number] = [0, 0];
  private lastParent = -1;
  private lastPieces: Pieces | null = null;

  /** Pieces of parent row p (children of one parent are consecutive rows: the last one is kept). */
  private piecesOf(p: number): Pieces {
    if (p !== this.lastParent || !this.lastPieces) {
      this.lastPieces = this.timeline ? this.statePieces(p) : this.pieces(this.createdOf(p), this.decayOf(p), this.endOf(p));
      this.lastParent = p;
    }
    return this.lastPieces;
  }

  /**
   * Pieces of parent row p under activity_by_state: its lifetime pieces cut again where its state changes, each
   * × the rate of the state it is in (0 before its relationship starts). Not cached by key: states are per parent.
   */
  private statePieces(p: number): Pieces {
    const tl = this.timeline!.of(p);
    const rateAt = (t: number): number => {
      const st = stateAtTime(tl, t);
      return st < 0 ? 0 : this.rates[st];
    };
    return this.pieces(this.createdOf(p), this.decayOf(p), this.endOf(p), tl.cuts, rateAt);
  }

  /** Grid-index ranges of the constant pieces of m(age) between creation time c and end e, with their weights. */
  private pieces(c: number, d: number, e: number, cuts: number[] = [], rateAt: ((t: number) => number) | null = null): Pieces {
    const key = `${c}|${d}|${e}`;
    let hit = rateAt ? undefined : this.cache.get(key);
    if (hit) return hit;
    if (this.cache.size > 65_536) this.cache.clear();
    const g = this.grid;
    const first = g.firstAfter(c, false);
    // Grid points after the end are outside the lifetime: the pieces stop at the first point past it.
    const stop = e === Infinity ? g.count : Math.min(g.count, g.firstAfter(e, true));
    const lastT = g.point(g.count - 1);
    const bounds: number[] = [];
    if (first < g.count && d > 0) {
      const amin = Math.max(0, g.point(first) - c);
      const amax = lastT - c;
      for (const cv of this.v.fanoutCurves) {
        const step = cv.unitMs / d;
        const kMax = cv.kind === 'array' ? cv.values.length - 1 : Infinity;
        for (let k = Math.max(1, Math.floor(amin / step) + 1); k <= kMax && k * step <= amax; k++) bounds.push(c + k * step);
      }
    }
    for (const t of cuts) if (t > c) bounds.push(t);
    bounds.sort((x, y) => x - y);
    const lo: number[] = [];
    const hi: number[] = [];
    const cum: number[] = [];
    let acc = 0;
    let from = first;
    const push = (to: number) => {
      if (to <= from) return;
      const m = curvesAt(this.v.fanoutCurves, g.point(from) - c, d) * (rateAt ? rateAt(g.point(from)) : 1);
      acc += m * (this.prefix[to] - this.prefix[from]);
      lo.push(from);
      hi.push(to);
      cum.push(acc);
      from = to;
    };
    if (first < stop) {
      for (const b of bounds) push(Math.min(stop, g.firstAfter(b, false)));
      push(stop);
    }
    hit = { lo: Int32Array.from(lo), hi: Int32Array.from(hi), cum: Float64Array.from(cum) };
    if (!rateAt) this.cache.set(key, hit);
    return hit;
  }
}
