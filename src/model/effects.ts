import type { EffectPlan } from '../ir/types.ts';
import { joinKey } from './column-data.ts';
import type { Store } from './store.ts';
import type { TimeGrid } from './time-grid.ts';

/**
 * An effect table compiled to one piecewise-constant function of time per join-key group:
 * value(t) = mean of `field` over the effect rows whose window [start, end] contains t,
 * or `default` where none does. Lookups are binary searches (a vectorised join, never a scan).
 */
export class EffectFunction {
  private readonly groups = new Map<string, Segments>();

  constructor(readonly effect: EffectPlan, store: Store, keyColumns: readonly string[]) {
    const t = store.table(effect.table);
    const keys = keyColumns.map((k) => store.column(effect.table, k));
    const start = effect.startCol ? store.column(effect.table, effect.startCol).num : null;
    const end = effect.endCol ? store.column(effect.table, effect.endCol).num : null;
    const field = effect.field ? store.column(effect.table, effect.field) : null;
    const identity = effect.op === 'mul' ? 1 : 0;
    const acc = new Map<string, { s: number; e: number; v: number }[]>();
    for (let r = 0; r < t.rows; r++) {
      const k = joinKey(keys, r);
      const s = start && !Number.isNaN(start[r]) ? start[r] : -Infinity;
      const e = end && !Number.isNaN(end[r]) ? end[r] + 1 : Infinity;
      const v = field ? Number(field.key(r)) : identity;
      if (!(e > s) || !Number.isFinite(v)) continue;
      let list = acc.get(k);
      if (!list) acc.set(k, (list = []));
      list.push({ s, e, v });
    }
    for (const [k, list] of acc) this.groups.set(k, new Segments(list, effect.default));
  }

  at(group: string, t: number): number {
    const g = this.groups.get(group);
    return g ? g.at(t) : this.effect.default;
  }

  /**
   * Average over the points of a time grid weighted by `prefix` (prefix[i] = total weight of points < i):
   * the factor by which the effect scales a count whose times are drawn from that weighted grid.
   */
  weightedAverage(group: string, grid: TimeGrid, prefix: Float64Array): number {
    const g = this.groups.get(group);
    return g ? g.weightedAverage(grid, prefix) : this.effect.default;
  }

  /** Time average over [a, b]. */
  average(group: string, a: number, b: number): number {
    const g = this.groups.get(group);
    return g ? g.average(a, b) : this.effect.default;
  }
}

class Segments {
  private readonly bp: Float64Array;
  private readonly val: Float64Array;

  constructor(list: { s: number; e: number; v: number }[], private readonly dflt: number) {
    const points = [...new Set(list.flatMap((x) => [x.s, x.e]))].sort((a, b) => a - b);
    this.bp = Float64Array.from(points);
    this.val = new Float64Array(points.length);
    // Sweep over the breakpoints: a window [s, e) is active from its start until its end.
    const starts = [...list].sort((a, b) => a.s - b.s);
    const ends = [...list].sort((a, b) => a.e - b.e);
    let si = 0;
    let ei = 0;
    let sum = 0;
    let count = 0;
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      for (; ei < ends.length && ends[ei].e <= p; ei++) (sum -= ends[ei].v), count--;
      for (; si < starts.length && starts[si].s <= p; si++) (sum += starts[si].v), count++;
      if (count === 0) sum = 0; // no drift carried across gaps
      this.val[i] = count > 0 ? sum / count : dflt;
    }
  }

  /** Index of the last breakpoint ≤ t, or -1. */
  private segment(t: number): number {
    let lo = -1;
    let hi = this.bp.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bp[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  at(t: number): number {
    const k = this.segment(t);
    return k < 0 ? this.dflt : this.val[k];
  }

  weightedAverage(grid: TimeGrid, prefix: Float64Array): number {
    const total = prefix[grid.count];
    if (!(total > 0)) return this.dflt;
    const idx = (t: number) => grid.firstAfter(t, false);
    let acc = this.dflt * prefix[idx(this.bp[0])];
    for (let k = 0; k < this.bp.length; k++) {
      const lo = idx(this.bp[k]);
      const hi = k + 1 < this.bp.length ? idx(this.bp[k + 1]) : grid.count;
      acc += this.val[k] * (prefix[hi] - prefix[lo]);
    }
    return acc / total;
  }

  /** Exact time average of the step function over [a, b]. */
  average(a: number, b: number): number {
    if (!(b > a)) return this.at(a);
    let k = this.segment(a);
    let t = a;
    let total = 0;
    while (t < b) {
      const next = k + 1 < this.bp.length ? Math.min(b, this.bp[k + 1]) : b;
      total += (next - t) * (k < 0 ? this.dflt : this.val[k]);
      t = next;
      k++;
    }
    return total / (b - a);
  }
}
