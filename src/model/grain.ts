/**
 * Panel facts (`grain`, DSL §5.9): one row per parent (or per single series) per active period. Periods
 * are whole hours, days, ISO weeks (Monday 00:00 UTC) or calendar months. Without active_probability every
 * period of the lifetime has a row; with it, a period is active with probability
 * min(1, active_probability × calendar weight × segment multiplier × vintage curve), each a
 * keyed draw (stream, row = parent ordinal, slot = period index), so counting and filling agree and any
 * range of parents is independent of the others.
 */
import type { GrainPlan } from '../ir/types.ts';
import type { Store } from './store.ts';
import { patternWeight } from './time-grid.ts';
import { trendFactor } from './trend.ts';
import { uniform } from './rng.ts';
import { curvesAt, segmentMultipliers } from './vintage.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
/** 1970-01-05 was a Monday. */
const MONDAY = 4 * DAY;

/** Start of the period containing t. */
export function floorPeriod(t: number, every: GrainPlan['every']): number {
  if (every === 'hour') return Math.floor(t / HOUR) * HOUR;
  if (every === 'day') return Math.floor(t / DAY) * DAY;
  if (every === 'week') return Math.floor((t - MONDAY) / (7 * DAY)) * 7 * DAY + MONDAY;
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Starts of the periods from the one containing startMs up to endMs. */
export function periodStarts(g: Pick<GrainPlan, 'every' | 'startMs' | 'endMs'>): Float64Array {
  const out: number[] = [];
  let t = floorPeriod(g.startMs, g.every);
  while (t <= g.endMs) {
    out.push(t);
    if (g.every === 'month') {
      const d = new Date(t);
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    } else t += g.every === 'hour' ? HOUR : g.every === 'day' ? DAY : 7 * DAY;
    if (out.length > 20_000_000) throw new RangeError('more than 20,000,000 periods');
  }
  return Float64Array.from(out);
}

export class GrainModel {
  readonly periods: Float64Array;
  /** Calendar weight of each period, normalised to mean 1 (null: all 1). */
  private readonly weight: Float64Array | null;
  private readonly lifetime: Float64Array | null;
  private readonly ends: ((p: number) => number) | null;
  private readonly mult: Float64Array | null;
  private readonly created: Float64Array | null;
  private readonly decay: Float64Array | null;
  private readonly always: boolean;

  /** `endOf`: the parent's lifetime end from states (src/model/state-timeline.ts stateEndOf), instead of an end column. */
  constructor(readonly g: GrainPlan, parent: string | null, store: Store | null, endOf?: (p: number) => number) {
    this.periods = periodStarts(g);
    if ((g.patterns.length || g.trend) && this.periods.length) {
      const tr = g.trend;
      const w = this.periods.map((t) => g.patterns.reduce((a, p) => a * patternWeight(t, p), 1) * (tr ? Math.max(0, trendFactor(tr.type, tr.growthRate, tr.a, tr.b, (t - tr.originMs) / YEAR)) : 1));
      const mean = w.reduce((a, b) => a + b, 0) / w.length;
      this.weight = mean > 0 ? w.map((x) => x / mean) : w;
    } else this.weight = null;
    const col = (c: string) => store!.column(parent!, c).num!;
    this.lifetime = parent && g.lifetimeFrom ? col(g.lifetimeFrom) : null;
    const ends = parent && g.lifetimeTo ? col(g.lifetimeTo) : null;
    this.ends = endOf ?? (ends ? (p) => ends[p] : null);
    this.mult = null;
    if (parent && g.segments.length) {
      const m = new Float64Array(store!.table(parent).rows).fill(1);
      for (const s of g.segments) {
        const x = segmentMultipliers(store!, s);
        for (let i = 0; i < m.length; i++) m[i] *= x[i];
      }
      this.mult = m;
    }
    const v = parent && g.vintage && g.vintage.fanoutCurves.length ? g.vintage : null;
    this.created = v ? col(v.createdAt) : null;
    this.decay = v?.decay ? segmentMultipliers(store!, v.decay) : null;
    this.always = g.activeProbability === null;
  }

  /** Indexes of the active periods of parent row p (row 0 for a parentless series) into `out`; returns how many. */
  active(p: number, out: Int32Array): number {
    let n = this.periods.length;
    let from = 0;
    if (this.lifetime) {
      const c = this.lifetime[p];
      if (!Number.isNaN(c)) from = lowerBound(this.periods, floorPeriod(c, this.g.every));
    }
    if (this.ends) {
      // the period containing the lifetime's end is its last
      const e = this.ends(p);
      if (!Number.isNaN(e)) n = Math.min(n, lowerBound(this.periods, floorPeriod(e, this.g.every) + 1));
    }
    let k = 0;
    if (this.always) {
      for (let j = from; j < n; j++) out[k++] = j;
      return k;
    }
    const base = this.g.activeProbability! * (this.mult ? this.mult[p] : 1);
    const created = this.created ? this.created[p] : NaN;
    const curves = this.g.vintage?.fanoutCurves ?? [];
    const d = this.decay ? this.decay[p] : 1;
    for (let j = from; j < n; j++) {
      let prob = base * (this.weight ? this.weight[j] : 1);
      if (this.created && !Number.isNaN(created)) prob *= this.periods[j] + periodLength(this.periods, j, this.g) <= created ? 0 : curvesAt(curves, this.periods[j] - created, d);
      if (prob >= 1 || uniform(this.g.stream, p, j) < prob) out[k++] = j;
    }
    return k;
  }
}

function periodLength(periods: Float64Array, j: number, g: GrainPlan): number {
  if (j + 1 < periods.length) return periods[j + 1] - periods[j];
  return g.every === 'hour' ? HOUR : g.every === 'day' ? DAY : g.every === 'week' ? 7 * DAY : 28 * DAY;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
