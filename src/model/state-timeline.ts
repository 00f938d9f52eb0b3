/**
 * A parent's states over time from a state machine or a lifecycle over it (`activity_by_state`, `lifetime.to`
 * with states): segment i holds state states[i] over [cuts[i], cuts[i + 1]) — the last one for ever; state −1
 * after a lifecycle's last stage ended. Replayed from the behaviour's own keyed draws, so it is the timeline its
 * table holds.
 */
import type { EndState, GatePlan, Plan } from '../ir/types.ts';
import { GateModel } from './gate.ts';
import { AdoptionModel } from './adoption.ts';
import { LifecycleModel } from './lifecycle.ts';
import { PeriodClock, StateMachineModel } from './states.ts';
import type { Store } from './store.ts';

export interface Timeline { cuts: number[]; states: number[] }

/** The state index a timeline holds at instant t: −1 before its first cut, after a lifecycle ended, or for NaN. */
export function stateAtTime(tl: Timeline, t: number): number {
  let k = -1;
  while (k + 1 < tl.cuts.length && tl.cuts[k + 1] <= t) k++;
  return k < 0 || Number.isNaN(t) ? -1 : tl.states[k];
}

export class StateTimeline {
  private readonly machine: StateMachineModel | null = null;
  private readonly lifecycle: LifecycleModel | null = null;

  constructor(plan: Plan, table: string, store: Store) {
    const st = plan.tables.find((t) => t.id === table);
    if (st?.rows.kind === 'states') this.machine = new StateMachineModel(st.rows.machine, st.rows.parent, st.rows.stream, store, gateTimeOf(plan, store, st.rows.machine.gate));
    else if (st?.rows.kind === 'lifecycle') this.lifecycle = new LifecycleModel(st.rows.lifecycle, st.rows.parent, st.rows.stream, store);
    else throw new Error(`internal: "${table}" is neither a state machine nor a lifecycle`);
  }

  of(p: number): Timeline {
    const cuts: number[] = [];
    const states: number[] = [];
    if (this.machine) {
      const tr = this.machine.trajectory(p);
      const clock = new PeriodClock(tr.t0, this.machine.m.periodUnit);
      for (let k = 0; k < tr.n; k++) {
        if (k > 0 && tr.states[k] === tr.states[k - 1]) continue;
        cuts.push(k === 0 ? tr.t0 : clock.at(k));
        states.push(tr.states[k]);
      }
      if (!Number.isNaN(tr.stop)) {
        cuts.push(tr.stop);
        states.push(-1);
      }
    } else {
      const visits = this.lifecycle!.visits(p);
      for (const v of visits) {
        cuts.push(v.start);
        states.push(v.stage);
      }
      const last = visits[visits.length - 1];
      if (last && !Number.isNaN(last.end)) {
        cuts.push(last.end);
        states.push(-1);
      }
    }
    return { cuts, states };
  }

  /** When parent p first enters one of `states` (NaN: never). */
  firstEntry(p: number, states: number[]): number {
    const t = this.of(p);
    for (let i = 0; i < t.cuts.length; i++) if (states.includes(t.states[i])) return t.cuts[i];
    return NaN;
  }
}

/**
 * A parent's lifetime end from states (`lifetime.to: {table, states}`) as a function of its row: when it first
 * enters one of the states of that state machine or lifecycle (NaN: never), replayed once per row on first use.
 * The behaviour models take it instead of an end column (they cannot import this module: it imports them).
 */
export function stateEndOf(plan: Plan, store: Store, end: EndState | undefined): ((p: number) => number) | undefined {
  if (!end) return undefined;
  const timeline = new StateTimeline(plan, end.table, store);
  const cache = new Map<number, number>();
  return (p) => {
    let t = cache.get(p);
    if (t === undefined) cache.set(p, (t = timeline.firstEntry(p, end.states)));
    return t;
  };
}

/**
 * `starts_after`: when parent p reached the trigger (NaN: never) — a stage of a funnel over it (the funnel's
 * simulation replayed), the first entry into a state of a state machine or a stage of a lifecycle over it, or its
 * adoption in an adoption table over it (the diffusion replayed).
 */
export function gateTimeOf(plan: Plan, store: Store, gate: GatePlan | undefined): ((p: number) => number) | undefined {
  if (!gate) return undefined;
  const t = plan.tables.find((x) => x.id === gate.table);
  if (t?.rows.kind === 'stages') {
    const g = new GateModel(plan, gate, store);
    return (p) => g.timeOf(p);
  }
  if (t?.rows.kind === 'adoption') {
    const a = t.rows.adoption;
    const m = new AdoptionModel(a, t.rows.parent, t.rows.stream, store, plan.scale, stateEndOf(plan, store, a.endState));
    return (p) => m.simulate(p).at;
  }
  return stateEndOf(plan, store, { table: gate.table, states: [gate.stage] });
}
