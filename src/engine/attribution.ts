/**
 * Multi-touch attribution (attribution_chain, DSL §5.8): each parent row has journeys (the fact's fanout);
 * a journey ends at a time drawn on the time column's grid, has n touches (touchpoints_per_conversion) of
 * weighted types at uniform times inside the attribution window before its end, and converts at its end
 * with p(n) = min(1, base × multiplier_per_touch^(min(n, saturation_at) − 1) × segment multiplier).
 * Every draw is keyed by the parent table and a hash of the model (not by the fact), so a touchpoints fact
 * and a conversions fact with the same model tell the same story, journey ids included.
 */
import type { AttributionPlan, FanoutPlan } from '../plan/types.ts';
import { pickIndex } from './cdf.ts';
import { type CompiledDist, compileDist, DIST_SLOT_SPAN, sampleDist } from './distributions.ts';
import { mix, uniform } from './rng.ts';
import type { Store } from './store.ts';
import { GridSampler, TimeGrid } from './time-grid.ts';
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
    if (f.distribution === 'uniform') return stochasticRound((lo + Math.floor(uniform(key, row, slot) * (hi - lo + 1))) * m, uniform(key, row, slot + 1));
    if (f.distribution === 'fixed') return stochasticRound(f.mean * m, uniform(key, row, slot + 1));
    const mean = Math.max(f.mean * m, 1e-12);
    let d = this.cache.get(mean);
    if (!d) {
      if (this.cache.size > 4096) this.cache.clear();
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
  /** Touches (sorted by time) in the model's `times` / `types` buffers. */
  n: number;
}

export class AttributionModel {
  private readonly journeyDist: CountDist;
  private readonly touchDist: CountDist;
  private readonly sampler: GridSampler;
  private readonly fanout: Float64Array | null;
  private readonly conv: Float64Array | null;
  private readonly parents: number;
  private firstJourney: Float64Array | null = null;
  /** Touches of the last simulated journey. */
  times = new Float64Array(16);
  types = new Int32Array(16);

  constructor(readonly a: AttributionPlan, readonly parent: string, readonly stream: number, store: Store) {
    this.journeyDist = new CountDist(a.journeys);
    this.touchDist = new CountDist(a.touches);
    this.sampler = new GridSampler(new TimeGrid(a.startMs, a.endMs, a.freq), a.patterns);
    this.fanout = a.segments ? segmentMultipliers(store, a.segments) : null;
    this.conv = a.conversion ? segmentMultipliers(store, a.conversion) : null;
    this.parents = store.table(parent).rows;
  }

  /** Journeys of parent row p. */
  journeys(p: number): number {
    return this.journeyDist.draw(this.stream, p, 0, this.fanout ? this.fanout[p] : 1);
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

  /** Journey j of parent p: its end, whether it converts and its touches (sorted by time). */
  journey(p: number, j: number): Journey {
    const a = this.a;
    const key = mix(this.stream ^ 0x6a09e667, p, j);
    let end = this.sampler.sample(uniform(key, p, 0));
    if (a.dateOnly) end = Math.floor(end / DAY) * DAY;
    const n = Math.min(1_000_000, this.touchDist.draw(key, p, 2));
    if (n > this.times.length) {
      this.times = new Float64Array(n * 2);
      this.types = new Int32Array(n * 2);
    }
    // Touches uniform in [end − window, end), not before the window start; whole seconds (days for dates).
    const lo = Math.max(end - a.windowMs, a.startMs);
    for (let i = 0; i < n; i++) {
      const t = lo + uniform(key, p, TOUCH_BASE + 2 * i) * (end - lo);
      this.times[i] = a.dateOnly ? Math.floor(t / DAY) * DAY : Math.max(Math.ceil(lo / 1000) * 1000, Math.floor(t / 1000) * 1000);
    }
    this.times.subarray(0, n).sort();
    // Types by position in time: the first touch, the last one (of ≥ 2) and the ones between.
    for (let i = 0; i < n; i++) {
      const cdf = i === 0 && a.firstCdf ? a.firstCdf : i === n - 1 && i > 0 && a.lastCdf ? a.lastCdf : a.cdf;
      this.types[i] = pickIndex(cdf, uniform(key, p, TOUCH_BASE + 2 * i + 1));
    }
    const m = this.conv ? this.conv[p] : 1;
    const converted = n > 0 && uniform(key, p, 1) < conversionProbability(a, n, m);
    return { end, converted, n };
  }

  /** Rows of parent p: all touches of its journeys, or its converting journeys. */
  rows(p: number): number {
    const k = this.journeys(p);
    let rows = 0;
    for (let j = 0; j < k; j++) {
      const jr = this.journey(p, j);
      rows += this.a.emit === 'touchpoints' ? jr.n : jr.converted ? 1 : 0;
    }
    return rows;
  }
}
