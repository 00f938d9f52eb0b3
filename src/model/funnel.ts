/**
 * Stage funnels (DSL §5.3): one funnel per parent row, simulated from keyed draws of that parent only
 * (stream = the table's stage key, row = parent ordinal), so counting rows and filling a chunk give the
 * same stages. Stage 0 is always reached at the parent's start time; stage k is reached with
 * p = min(1, rate_k × segment multiplier), `delay_k` after stage k − 1; a stage whose time would fall
 * after the window end is not reached (censoring) and ends the funnel.
 */
import type { FunnelPlan, Plan } from '../ir/types.ts';
import { type CompiledDist, compileDist } from './distributions.ts';
import type { DistName } from './dist/types.ts';
import { DIST_SLOT_SPAN } from './dist/types.ts';
import { sampleDist } from './distributions.ts';
import { uniform } from './rng.ts';
import type { Store } from './store.ts';
import { GridSampler, TimeGrid } from './time-grid.ts';
import { segmentMultipliers } from './segments.ts';

const DAY = 86_400_000;
/** Slots per stage: one for the conversion draw, the rest for its delay. */
const STAGE_SLOTS = 1 + DIST_SLOT_SPAN;

export class FunnelModel {
  private readonly mult: Float64Array | null;
  private readonly start: Float64Array | null;
  private readonly sampler: GridSampler;
  private readonly delays: (CompiledDist | null)[];

  constructor(_plan: Plan, readonly f: FunnelPlan, readonly parent: string, readonly stream: number, store: Store) {
    this.mult = f.segments ? segmentMultipliers(store, f.segments) : null;
    this.start = f.startFrom ? store.column(parent, f.startFrom).num : null;
    this.sampler = new GridSampler(new TimeGrid(f.startMs, f.endMs, f.freq), f.patterns);
    this.delays = f.stages.map((s) => (s.delay.kind === 'dist' ? compileDist(s.delay.dist as DistName, s.delay.params) : null));
  }

  /** Stage times of parent row p into `out` (length ≥ stages); returns the number of stages reached. */
  simulate(p: number, out: Float64Array): number {
    const f = this.f;
    let t = this.start ? this.start[p] : NaN;
    if (Number.isNaN(t)) t = this.sampler.sample(uniform(this.stream, p, 0));
    if (f.dateOnly) t = Math.floor(t / DAY) * DAY;
    out[0] = t;
    const m = this.mult ? this.mult[p] : 1;
    for (let k = 1; k < f.stages.length; k++) {
      const s = f.stages[k];
      const base = k * STAGE_SLOTS;
      if (!(uniform(this.stream, p, base) < Math.min(1, s.rate * m))) return k;
      const d = s.delay;
      let ms: number;
      if (d.kind === 'fixed') ms = d.ms;
      else {
        let x = sampleDist(this.delays[k]!, this.stream, p, base + 1);
        if (d.clamp[0] !== null && x < d.clamp[0]) x = d.clamp[0];
        if (d.clamp[1] !== null && x > d.clamp[1]) x = d.clamp[1];
        ms = Number.isFinite(x) && x > 0 ? x * d.unitMs : 0;
      }
      // Strictly increasing timestamps at the column's resolution: whole days for dates, seconds otherwise.
      let next: number;
      if (f.dateOnly) next = Math.max(Math.floor((t + ms) / DAY) * DAY, t + DAY);
      else next = Math.max(Math.round((t + ms) / 1000) * 1000, Math.floor(t / 1000) * 1000 + 1000);
      if (next > f.endMs) return k;
      out[k] = t = next;
    }
    return f.stages.length;
  }
}
