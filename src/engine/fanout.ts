import { assertNever, type FanoutPlan, type Plan, type RowModel, type SegmentFanout, type TablePlan } from '../ir/types.ts';
import { categoricalCount } from '../model/categorical-count.ts';
import { ScheduleModel } from '../model/schedule.ts';
import { type CompiledDist, compileDist, sampleDist } from '../model/distributions.ts';
import { joinKey } from '../model/column-data.ts';
import { EffectFunction } from '../model/effects.ts';
import { uniform } from '../model/rng.ts';
import { patternPrefix, TimeGrid } from '../model/time-grid.ts';
import type { Store } from '../model/store.ts';
import { FunnelModel } from '../model/funnel.ts';
import { GrainModel } from '../model/grain.ts';
import { AdoptionModel } from '../model/adoption.ts';
import { AttributionModel } from '../model/attribution.ts';
import { StateMachineModel } from '../model/states.ts';
import { LifecycleModel } from '../model/lifecycle.ts';
import { gateTimeOf, stateEndOf } from '../model/state-timeline.ts';
import { segmentMultipliers, VintageModel } from '../model/vintage.ts';
import { TooManyRowsError } from '../plan/estimate.ts';
import { edgeGraph } from './graph.ts';

type Fanout = Extract<RowModel, { kind: 'fanout' }>;

/**
 * Children per parent row, each a keyed draw (stream = table's fanout key, row = parent ordinal),
 * so any range of parents knows its children without looking at other parents. Table-level effects
 * scale the expected count by the time-average of the effect over the child time span.
 */
export function fanoutCounts(plan: Plan, table: TablePlan, store: Store): Int32Array {
  if (table.rows.kind === 'fanout' && table.rows.edges) {
    // An edge table: each node's rows are the edges it emits (src/engine/graph.ts), from its drawn fanout.
    const graph = edgeGraph(table, store, () => drawnDegrees(plan, table, store), () => nodeActivity(plan, table, store));
    return Int32Array.from({ length: graph.p.n }, (_, s) => checkedCount(table, s, graph.count(s)));
  }
  if (table.rows.kind !== 'fanout' && table.rows.kind !== 'fixed') {
    // Behaviour row models: rows per parent from a per-parent simulation (the same one the columns replay).
    const rowsOf = behaviourRows(plan, table.rows, store);
    const counts = countsArray(table, store.table(table.rows.parent).rows);
    for (let p = 0; p < counts.length; p++) counts[p] = checkedCount(table, p, rowsOf(p));
    return counts;
  }
  const rows = table.rows as Fanout;
  const parents = store.table(rows.parent).rows;
  const factor = behaviourFactors(plan, table, rows, store, parents, effectFactors(plan, table, rows, store, parents));
  const bySegment = rows.bySegment ? segmentFanouts(rows.bySegment, store, parents) : null;
  // Samplers by mean, per fanout (the table's, or a segment's own): the table's map is at hand, the others looked up.
  const baseCache = new Map<number, CompiledDist>();
  const caches = new Map<FanoutPlan, Map<number, CompiledDist>>([[rows.fanout, baseCache]]);
  const counts = countsArray(table, parents);
  let schedule: { model: ScheduleModel; buf: number[] } | undefined;
  for (let p = 0; p < parents; p++) {
    const m = factor ? factor[p] : 1;
    const f = bySegment?.[p] ?? rows.fanout;
    const lo = f.min ?? 0;
    const hi = f.max ?? Infinity;
    let c: number;
    if (f.distribution === 'schedule') {
      // A schedule's rows are its occurrences (src/model/schedule.ts); behaviour factors do not scale a calendar.
      schedule ??= { model: new ScheduleModel(f.schedule!, rows.parent, store), buf: [] };
      c = schedule.model.occurrences(p, schedule.buf).length;
    } else if (f.distribution === 'categorical') {
      c = categoricalCount(f, rows.stream, p, 0, m);
    } else if (f.distribution === 'uniform') {
      const x = (lo + Math.floor(uniform(rows.stream, p, 0) * (hi - lo + 1))) * m;
      c = stochasticRound(x, uniform(rows.stream, p, 1));
    } else if (f.distribution === 'fixed') {
      c = stochasticRound(f.mean * m, uniform(rows.stream, p, 1));
    } else {
      const mean = f.mean * m;
      let cache = f === rows.fanout ? baseCache : caches.get(f);
      if (!cache) caches.set(f, (cache = new Map()));
      let d = cache.get(mean);
      if (!d) {
        if (cache.size > 65_536) cache.clear();
        d = compileFanout(f.distribution, mean, f.k);
        cache.set(mean, d);
      }
      c = mean > 0 ? sampleDist(d, rows.stream, p, 0) : 0;
      c = Math.min(hi, Math.max(lo, c));
    }
    counts[p] = checkedCount(table, p, c);
  }
  return counts;
}

/** The fanout of each parent row whose segment has one of its own (undefined: the table's fanout). */
function segmentFanouts(s: SegmentFanout, store: Store, parents: number): (FanoutPlan | undefined)[] {
  const col = store.column(s.table, s.column);
  const out: (FanoutPlan | undefined)[] = new Array(parents);
  for (let p = 0; p < parents; p++) {
    const k = col.key(p);
    out[p] = k === null ? undefined : s.fanouts[String(k)];
  }
  return out;
}

/** An edge table's targets drawn per node: its fanout counts before the edge rules. */
export function drawnDegrees(plan: Plan, table: TablePlan, store: Store): Int32Array {
  return fanoutCounts(plan, { ...table, rows: { ...(table.rows as Fanout), edges: undefined } }, store);
}

/**
 * An edge table's node activity: the multiplier of each node's expected fanout (effects, segment multipliers,
 * vintage exposure and age curves), null when there is none. Targets are drawn ∝ it too, so a node active half
 * the window both draws and receives about half the edges.
 */
export function nodeActivity(plan: Plan, table: TablePlan, store: Store): Float64Array | null {
  const rows = table.rows as Fanout;
  const parents = store.table(rows.parent).rows;
  return behaviourFactors(plan, table, rows, store, parents, effectFactors(plan, table, rows, store, parents));
}

/** The most children one parent row can have, and the most rows a parent table of a fact can have (Int32Array counts). */
export const MAX_PER_PARENT = 2 ** 31 - 1;

function countsArray(table: TablePlan, parents: number): Int32Array {
  if (parents <= MAX_PER_PARENT) return new Int32Array(parents);
  const parent = (table.rows as { parent: string }).parent;
  throw new TooManyRowsError(table.id, parents, `"${parent}" has ${parents.toLocaleString('en-US')} rows, more than the ${MAX_PER_PARENT.toLocaleString('en-US')} a parent of a fact ("${table.id}") can have; nothing was written`, `lower the rows of "${parent}" or --scale`);
}

function checkedCount(table: TablePlan, p: number, c: number): number {
  if (!(c > MAX_PER_PARENT)) return c; // NaN (a null effect value) stays what it was: no children
  throw new TooManyRowsError(table.id, c, `parent row ${p} of "${table.id}" draws ${Number.isFinite(c) ? c.toLocaleString('en-US') : String(c)} children, more than the ${MAX_PER_PARENT.toLocaleString('en-US')} one parent row can have; nothing was written`, "lower the table's fanout (or the effects and segment multipliers that scale it), or set its max", true);
}

type BehaviourRows = Exclude<RowModel, { kind: 'fanout' } | { kind: 'fixed' }>;

/** Rows of parent row p under a behaviour row model. */
function behaviourRows(plan: Plan, r: BehaviourRows, store: Store): (p: number) => number {
  switch (r.kind) {
    case 'stages': {
      const model = new FunnelModel(plan, r.funnel, r.parent, r.stream, store);
      const times = new Float64Array(r.funnel.stages.length);
      return (p) => model.simulate(p, times);
    }
    case 'grain': {
      const model = new GrainModel(r.grain, r.parent, store, stateEndOf(plan, store, r.grain.endState));
      const idx = new Int32Array(model.periods.length);
      return (p) => model.active(p, idx);
    }
    case 'states': {
      const model = new StateMachineModel(r.machine, r.parent, r.stream, store, gateTimeOf(plan, store, r.machine.gate), stateEndOf(plan, store, r.machine.endState));
      return (p) => model.rows(p);
    }
    case 'lifecycle': {
      const model = new LifecycleModel(r.lifecycle, r.parent, r.stream, store, stateEndOf(plan, store, r.lifecycle.endState));
      return (p) => model.rows(p);
    }
    case 'adoption': {
      const model = new AdoptionModel(r.adoption, r.parent, r.stream, store, plan.scale, stateEndOf(plan, store, r.adoption.endState));
      return (p) => model.rows(p);
    }
    case 'attribution': {
      const model = new AttributionModel(r.attribution, r.parent, r.stream, store, stateEndOf(plan, store, r.attribution.endState));
      return (p) => model.rows(p);
    }
    default:
      return assertNever(r);
  }
}

/** Segment fanout multipliers of the parent and its vintage factor (age curves over its observable lifetime). */
function behaviourFactors(plan: Plan, table: TablePlan, rows: Fanout, store: Store, parents: number, factor: Float64Array | null): Float64Array | null {
  if (rows.segments.length === 0 && !rows.vintage) return factor;
  const out = factor ?? new Float64Array(parents).fill(1);
  for (const s of rows.segments) {
    const m = segmentMultipliers(store, s);
    for (let p = 0; p < parents; p++) out[p] *= m[p];
  }
  if (rows.vintage) {
    const model = new VintageModel(plan, table, store, rows.vintage);
    for (let p = 0; p < parents; p++) out[p] *= model.fanoutFactor(p);
  }
  return out;
}

function compileFanout(d: 'poisson' | 'negative_binomial' | 'geometric', mean: number, k: number | null): CompiledDist {
  const m = Math.max(mean, 1e-12);
  if (d === 'poisson') return compileDist('poisson', { lambda: m });
  if (d === 'negative_binomial') return compileDist('negative_binomial', { mean: m, dispersion_k: k ?? 1 });
  return compileDist('geometric', { p: 1 / (1 + m) });
}

function stochasticRound(x: number, u: number): number {
  const f = Math.floor(x);
  return f + (u < x - f ? 1 : 0);
}

function effectFactors(plan: Plan, table: TablePlan, rows: Fanout, store: Store, parents: number): Float64Array | null {
  if (rows.effects.length === 0) return null;
  const out = new Float64Array(parents).fill(1);
  for (const e of rows.effects) {
    const col = table.columns.find((c) => c.name === e.timeRef);
    const g = col?.generator.kind === 'datetime' ? col.generator : null;
    const span = g ? [g.startMs, g.endMs] : [plan.timeframe.startMs, plan.timeframe.endMs];
    // Children's times are drawn on this grid with these pattern weights: average the effect the same way.
    const grid = g ? new TimeGrid(g.startMs, g.endMs, g.freq) : null;
    const prefix = g && grid ? patternPrefix(grid, g.patterns) : null;
    const fn = new EffectFunction(e, store, e.on.map((k) => k.remote));
    const keys = e.on.map((k) => store.column(rows.parent, k.local));
    const cache = new Map<string, number>();
    for (let p = 0; p < parents; p++) {
      const group = joinKey(keys, p);
      let v = cache.get(group);
      if (v === undefined) {
        v = !(e.startCol || e.endCol) ? fn.at(group, span[0]) : grid && prefix ? fn.weightedAverage(group, grid, prefix) : fn.average(group, span[0], span[1]);
        cache.set(group, v);
      }
      out[p] = e.op === 'mul' ? out[p] * v : out[p] + v;
    }
  }
  for (let p = 0; p < parents; p++) out[p] = Math.max(0, out[p]);
  return out;
}
