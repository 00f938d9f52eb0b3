/**
 * Lifecycles (lifecycle_model, DSL §5.5): one per parent row, entering stages[0] at the parent's start. A
 * stage with a duration lasts a draw of it; then, with exit_probability, the lifecycle moves to one of its
 * next stages (uniformly; an exit name that is no stage ends it), otherwise it ends. A stage without a
 * duration lasts until it churns (churn_probability_per_period, one draw per period) or the window ends.
 * Events of the stage's types happen as a Poisson process at its rate inside the stage interval. Everything
 * is keyed by (parent table + model, parent ordinal, slot), so stage and event facts agree.
 */
import type { LifecyclePlan } from '../ir/types.ts';
import { type CompiledDist, compileDist, sampleDist } from './distributions.ts';
import { DIST_SLOT_SPAN, type DistName } from './dist/types.ts';
import { mix, uniform } from './rng.ts';
import type { Store } from './store.ts';

const WEEK = 7 * 86_400_000;
/** Stage visits per lifecycle at most (cycles through next_stages end there). */
export const MAX_VISITS = 1000;
const VISIT_SLOTS = 4 + DIST_SLOT_SPAN;

export interface Visit {
  stage: number;
  start: number;
  /** End of the interval; NaN while still in the stage at the window end. */
  end: number;
}

export interface LifeEvent {
  visit: number;
  type: number;
  at: number;
}

export class LifecycleModel {
  private readonly start: Float64Array | null;
  /** The parent's lifetime end (`lifetime.to`): the lifecycle stops there. */
  private readonly end: ((p: number) => number) | null;
  private readonly durations: (CompiledDist | null)[];

  /** `endOf`: the parent's lifetime end from states (src/model/state-timeline.ts stateEndOf), instead of an end column. */
  constructor(readonly l: LifecyclePlan, parent: string, readonly stream: number, store: Store, endOf?: (p: number) => number) {
    this.start = l.startFrom ? store.column(parent, l.startFrom).num : null;
    const end = l.endFrom ? store.column(parent, l.endFrom).num : null;
    this.end = endOf ?? (end ? (p) => end[p] : null);
    this.durations = l.stages.map((s) => (s.duration ? compileDist(s.duration.dist as DistName, s.duration.params) : null));
  }

  /**
   * The stage intervals of parent row p, in order. A parent whose lifetime ends inside the window (`endFrom`)
   * ends its lifecycle then: no visit starts after it, and the visit running at that instant ends there.
   */
  visits(p: number): Visit[] {
    const l = this.l;
    let t = this.start ? this.start[p] : NaN;
    if (Number.isNaN(t)) t = l.startMs;
    const died = this.end ? this.end(p) : NaN;
    const cut = died < l.endMs ? died : NaN;
    const stop = Number.isNaN(cut) ? l.endMs : cut;
    const out: Visit[] = [];
    let s = 0;
    for (let v = 0; v < MAX_VISITS && t <= stop; v++) {
      const st = l.stages[s];
      const base = v * VISIT_SLOTS;
      let end: number;
      if (st.duration) {
        let x = sampleDist(this.durations[s]!, this.stream, p, base + 4);
        if (st.duration.clamp[0] !== null && x < st.duration.clamp[0]) x = st.duration.clamp[0];
        if (st.duration.clamp[1] !== null && x > st.duration.clamp[1]) x = st.duration.clamp[1];
        end = t + Math.max(1000, Math.round((Number.isFinite(x) && x > 0 ? x : 0) * st.duration.unitMs / 1000) * 1000);
      } else if (st.churnPerPeriod > 0) {
        // Periods survived before churning: geometric on {0, 1, …}; the stage ends at the end of the churn period.
        const u = uniform(this.stream, p, base + 1);
        const k = st.churnPerPeriod >= 1 ? 0 : Math.floor(Math.log(u) / Math.log(1 - st.churnPerPeriod));
        end = t + (k + 1) * l.periodMs;
      } else end = Infinity;
      if (end > stop) {
        out.push({ stage: s, start: t, end: cut }); // NaN: still in the stage at the window end
        break;
      }
      out.push({ stage: s, start: t, end });
      if (!st.duration || st.next.length === 0 || !(uniform(this.stream, p, base + 2) < st.exitProbability)) break;
      const n = st.next[Math.min(st.next.length - 1, Math.floor(uniform(this.stream, p, base + 3) * st.next.length))];
      if (n < 0) break;
      s = n;
      t = end;
    }
    return out;
  }

  /** The events of parent row p over its visits (times inside each visit, before the window end). */
  events(p: number, visits: Visit[]): LifeEvent[] {
    const out: LifeEvent[] = [];
    visits.forEach((v, i) => {
      const st = this.l.stages[v.stage];
      if (!st.eventTypes.length || !(st.eventsPerWeek > 0)) return;
      const end = Number.isNaN(v.end) ? this.l.endMs : v.end;
      // Poisson process: exponential gaps at rate per ms, keyed by (visit, event) on a per-visit stream.
      const key = mix(this.stream, i, 0x5eed);
      const rate = st.eventsPerWeek / WEEK;
      let t = v.start;
      for (let e = 0; e < 1_000_000; e++) {
        t += -Math.log(uniform(key, p, 2 * e)) / rate;
        if (t >= end) break;
        out.push({ visit: i, type: Math.floor(uniform(key, p, 2 * e + 1) * st.eventTypes.length), at: Math.max(v.start, Math.floor(t / 1000) * 1000) });
      }
    });
    return out;
  }

  rows(p: number): number {
    const v = this.visits(p);
    return this.l.emit === 'stages' ? v.length : this.events(p, v).length;
  }
}
