/**
 * Multi-touch attribution (attribution_chain, DSL §5.8): each parent row has journeys (the fact's fanout ×
 * its exposure); a journey ends at a time drawn on the time column's grid inside the parent's lifetime, has n
 * touches (touchpoints_per_conversion) of weighted types at uniform times inside the attribution window before
 * its end (after the previous journey's end unless `overlap`; those before the window start or the birth are
 * censored), and converts at its end with p(n) = min(1, base × multiplier_per_touch^(min(n, saturation_at) − 1)
 * × segment multiplier).
 * Every draw is keyed by the parent table and a hash of the model (not by the fact), so a touchpoints fact
 * and a conversions fact with the same model tell the same story, journey ids included.
 */
import { categoricalCount } from './categorical-count.ts';
import type { AttributionPlan, FanoutPlan } from '../ir/types.ts';
import { pickIndex } from './weighted-pick.ts';
import { type CompiledDist, compileDist, DIST_SLOT_SPAN, sampleDist } from './distributions.ts';
import { mix, uniform } from './rng.ts';
import type { Store } from './store.ts';
import { gridWeights, TimeGrid, weightedIndex } from './time-grid.ts';
import { segmentMultipliers } from './vintage.ts';

const DAY = 86_400_000;
/** Slots of one journey: end time, conversion, touch count (a distribution), then two per touch. */
const TOUCH_BASE = 2 + DIST_SLOT_SPAN;

/** A count in the fanout form (poisson, uniform, negative_binomial, geometric, fixed; min/max), mean × m. */
export class CountDist {
  private readonly cache = new Map<number, CompiledDist>();

  constructor(readonly f: FanoutPlan) {}

  /** Uses slots [slot, slot + DIST_SLOT_SPAN). */
  draw(key: number, row: number, slot: number, m = 1): number {
    const f = this.f;
    const lo = f.min ?? 0;
    const hi = f.max ?? Infinity;
    if (f.distribution === 'categorical') return categoricalCount(f, key, row, slot, m);
    if (f.distribution === 'uniform') return stochasticRound((lo + Math.floor(uniform(key, row, slot) * (hi - lo + 1))) * m, uniform(key, row, slot + 1));
    if (f.distribution === 'fixed') return stochasticRound(f.mean * m, uniform(key, row, slot + 1));
    const mean = Math.max(f.mean * m, 1e-12);
    let d = this.cache.get(mean);
    if (!d) {
      if (this.cache.size > 65_536) this.cache.clear();
      d = f.distribution === 'poisson' ? compileDist('poisson', { lambda: mean })
        : f.distribution === 'negative_binomial' ? compileDist('negative_binomial', { mean, dispersion_k: f.k ?? 1 })
          : compileDist('geometric', { p: 1 / (1 + mean) });
      this.cache.set(mean, d);
    }
    const c = f.mean * m > 0 ? sampleDist(d, key, row, slot) : 0;
    return Math.min(hi, Math.max(lo, c));
  }
}

function stochasticRound(x: number, u: number): number {
  const f = Math.floor(x);
  return f + (u < x - f ? 1 : 0);
}

/** p(convert | n touches). */
export function conversionProbability(a: AttributionPlan, n: number, m = 1): number {
  if (n <= 0) return 0;
  return Math.min(1, a.base * Math.pow(a.multiplier, Math.min(n, a.saturation ?? n) - 1) * m);
}

export interface Journey {
  /** Journey end: the conversion time when it converts. */
  end: number;
  converted: boolean;
  /** Touches written (sorted by time) in the model's `times` / `types` buffers: those at or after the censoring point. */
  n: number;
  /** Touches of the journey, the censored ones included (its conversion probability uses them). */
  total: number;
}

/**
 * A parent's journeys live inside its lifetime [birth, end] (src/plan/lifetime.ts): their ends are grid points
 * in it (∝ the grid's weights) and their number follows the exposure (the declared journeys per parent × the
 * share of the grid's weight inside the lifetime, as VintageModel.fanoutFactor). Journeys are ordered by their
 * ends (ids in that order); unless `overlap`, journey j's touches fall in [max(end_{j−1}, end_j − window),
 * end_j). Touches before max(grid start, birth) are censored — not written, still counted for the conversion.
 */
export class AttributionModel {
  private readonly journeyDist: CountDist;
  private readonly touchDist: CountDist;
  private readonly grid: TimeGrid;
  /** prefix[i] = Σ_{k<i} w_k over the grid's pattern weights. */
  private readonly prefix: Float64Array;
  private readonly flat: boolean;
  private readonly born: Float64Array | null;
  private readonly died: ((p: number) => number) | null;
  private readonly fanout: Float64Array | null;
  private readonly conv: Float64Array | null;
  private readonly parents: number;
  private firstJourney: Float64Array | null = null;
  /** Ends of the last parent's journeys in draw order, and their order by end. */
  private lastParent = -1;
  private ends = new Float64Array(8);
  private order: number[] = [];
  /** Touches of the last simulated journey. */
  times = new Float64Array(16);
  types = new Int32Array(16);

  /** `endOf`: the parent's lifetime end from states (src/model/state-timeline.ts stateEndOf), instead of an end column. */
  constructor(readonly a: AttributionPlan, readonly parent: string, readonly stream: number, store: Store, endOf?: (p: number) => number) {
    this.journeyDist = new CountDist(a.journeys);
    this.touchDist = new CountDist(a.touches);
    this.grid = new TimeGrid(a.startMs, a.endMs, a.freq);
    const w = gridWeights(this.grid, a.patterns);
    this.prefix = new Float64Array(w.length + 1);
    for (let i = 0; i < w.length; i++) this.prefix[i + 1] = this.prefix[i] + w[i];
    this.flat = w.every((x) => x === w[0]) && w[0] > 0;
    const num = (c: string | null | undefined) => (c ? store.column(parent, c).num ?? null : null);
    this.born = num(a.lifetimeFrom);
    const died = num(a.lifetimeTo);
    this.died = endOf ?? (died ? (p) => died[p] : null);
    this.fanout = a.segments ? segmentMultipliers(store, a.segments) : null;
    this.conv = a.conversion ? segmentMultipliers(store, a.conversion) : null;
    this.parents = store.table(parent).rows;
  }

  /** Birth of parent row p (a null birth, or none: the grid start). */
  birthOf(p: number): number {
    const b = this.born ? this.born[p] : NaN;
    return Number.isNaN(b) ? this.a.startMs : b;
  }

  /** Grid points [first, stop) inside parent p's lifetime. */
  private span(p: number): [number, number] {
    const g = this.grid;
    const e = this.died ? this.died(p) : NaN;
    const first = this.born && !Number.isNaN(this.born[p]) ? g.firstAfter(this.born[p], false) : 0;
    return [first, Number.isNaN(e) ? g.count : Math.min(g.count, g.firstAfter(e, true))];
  }

  /** Parent p's exposure: the share of the grid's weight inside its lifetime (1 without one). */
  exposure(p: number): number {
    if (!this.born && !this.died) return 1;
    const [first, stop] = this.span(p);
    const total = this.prefix[this.prefix.length - 1];
    return stop > first && total > 0 ? (this.prefix[stop] - this.prefix[first]) / total : 0;
  }

  /** Journeys of parent row p. */
  journeys(p: number): number {
    const m = (this.fanout ? this.fanout[p] : 1) * this.exposure(p);
    return m > 0 ? this.journeyDist.draw(this.stream, p, 0, m) : 0;
  }

  /** Global ordinal of parent p's first journey (prefix sums over every parent, built once). */
  firstJourneyOf(p: number): number {
    if (!this.firstJourney) {
      const first = new Float64Array(this.parents + 1);
      for (let i = 0; i < this.parents; i++) first[i + 1] = first[i] + this.journeys(i);
      this.firstJourney = first;
    }
    return this.firstJourney[p];
  }

  /** A grid point of [first, stop) ∝ its weight. */
  private point(first: number, stop: number, u: number): number {
    if (this.flat) return this.grid.point(first + Math.min(stop - first - 1, Math.floor(u * (stop - first))));
    return this.grid.point(weightedIndex(this.prefix, first, stop, u));
  }

  /** The ends of parent p's k journeys (keyed by parent and journey) and their order by end. */
  private prepare(p: number, k: number): void {
    if (p === this.lastParent && this.order.length === k) return;
    this.lastParent = p;
    if (k > this.ends.length) this.ends = new Float64Array(k * 2);
    const [first, stop] = this.span(p);
    for (let j = 0; j < k; j++) {
      const key = mix(this.stream ^ 0x6a09e667, p, j);
      let end = this.point(first, stop, uniform(key, p, 0));
      if (this.a.dateOnly) end = Math.floor(end / DAY) * DAY;
      this.ends[j] = end;
    }
    this.order = Array.from({ length: k }, (_, j) => j);
    this.order.sort((x, y) => this.ends[x] - this.ends[y] || x - y);
  }

  /** Journey i (in the order of the ends) of parent p: its end, whether it converts and its written touches (sorted by time). */
  journey(p: number, i: number, k = this.journeys(p)): Journey {
    const a = this.a;
    this.prepare(p, k);
    const j = this.order[i];
    const key = mix(this.stream ^ 0x6a09e667, p, j);
    const end = this.ends[j];
    const total = Math.min(1_000_000, this.touchDist.draw(key, p, 2));
    if (total > this.times.length) {
      this.times = new Float64Array(total * 2);
      this.types = new Int32Array(total * 2);
    }
    // Touches uniform in [lo, end): the attribution window before the end, after the previous journey's end.
    const prev = i > 0 && !a.overlap ? this.ends[this.order[i - 1]] : -Infinity;
    const lo = Math.max(end - a.windowMs, prev);
    for (let t = 0; t < total; t++) {
      const x = lo + uniform(key, p, TOUCH_BASE + 2 * t) * (end - lo);
      this.times[t] = a.dateOnly ? Math.floor(x / DAY) * DAY : Math.max(Math.ceil(lo / 1000) * 1000, Math.floor(x / 1000) * 1000);
    }
    this.times.subarray(0, total).sort();
    // Types by position in the whole journey: the first touch, the last one (of ≥ 2) and the ones between.
    for (let t = 0; t < total; t++) {
      const cdf = t === 0 && a.firstCdf ? a.firstCdf : t === total - 1 && t > 0 && a.lastCdf ? a.lastCdf : a.cdf;
      this.types[t] = pickIndex(cdf, uniform(key, p, TOUCH_BASE + 2 * t + 1));
    }
    // Censored by the observation window: touches before max(grid start, birth) are not written.
    const from = Math.max(a.startMs, this.birthOf(p));
    let c = 0;
    while (c < total && this.times[c] < from) c++;
    if (c > 0) {
      this.times.copyWithin(0, c, total);
      this.types.copyWithin(0, c, total);
    }
    const m = this.conv ? this.conv[p] : 1;
    const converted = total > 0 && uniform(key, p, 1) < conversionProbability(a, total, m);
    return { end, converted, n: total - c, total };
  }

  /** Rows of parent p: all written touches of its journeys, or its converting journeys. */
  rows(p: number): number {
    const k = this.journeys(p);
    let rows = 0;
    for (let i = 0; i < k; i++) {
      const jr = this.journey(p, i, k);
      rows += this.a.emit === 'touchpoints' ? jr.n : jr.converted ? 1 : 0;
    }
    return rows;
  }
}
