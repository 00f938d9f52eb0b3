/**
 * Processes that gate each other (`starts_after`, docs/behaviours/lifetimes.md): the time parent row p reached
 * a stage of a funnel table over the same parent — the funnel's own simulation replayed (counter-based, so it is
 * the time written in that table) — or NaN when it never did.
 */
import type { GatePlan, Plan } from '../ir/types.ts';
import { FunnelModel } from './funnel.ts';
import type { Store } from './store.ts';

export class GateModel {
  private readonly funnel: FunnelModel;
  private readonly times: Float64Array;

  constructor(plan: Plan, readonly gate: GatePlan, store: Store) {
    const t = plan.tables.find((x) => x.id === gate.table);
    if (t?.rows.kind !== 'stages') throw new Error(`internal: starts_after table "${gate.table}" is not a funnel`);
    this.funnel = new FunnelModel(plan, t.rows.funnel, t.rows.parent, t.rows.stream, store);
    this.times = new Float64Array(t.rows.funnel.stages.length);
  }

  /** When parent row p reached the gate's stage (epoch ms), NaN when it never did. */
  timeOf(p: number): number {
    const reached = this.funnel.simulate(p, this.times);
    return reached > this.gate.stage ? this.times[this.gate.stage] : NaN;
  }
}
