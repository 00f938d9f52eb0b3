import type { Plan, RowModel, TablePlan } from '../plan/types.ts';
import { type CompiledDist, compileDist, sampleDist } from './distributions.ts';
import { joinKey } from './column-data.ts';
import { EffectFunction } from './effects.ts';
import { uniform } from './rng.ts';
import { patternPrefix, TimeGrid } from './time-grid.ts';
import type { Store } from './store.ts';

type Fanout = Extract<RowModel, { kind: 'fanout' }>;

/**
 * Children per parent row, each a keyed draw (stream = table's fanout key, row = parent ordinal),
 * so any range of parents knows its children without looking at other parents. Table-level effects
 * scale the expected count by the time-average of the effect over the child time span.
 */
export function fanoutCounts(plan: Plan, table: TablePlan, store: Store): Int32Array {
  const rows = table.rows as Fanout;
  const parents = store.table(rows.parent).rows;
  const factor = effectFactors(plan, table, rows, store, parents);
  const f = rows.fanout;
  const cache = new Map<number, CompiledDist>();
  const counts = new Int32Array(parents);
  const lo = f.min ?? 0;
  const hi = f.max ?? Infinity;
  for (let p = 0; p < parents; p++) {
    const m = factor ? factor[p] : 1;
    let c: number;
    if (f.distribution === 'uniform') {
      const x = (lo + Math.floor(uniform(rows.stream, p, 0) * (hi - lo + 1))) * m;
      c = stochasticRound(x, uniform(rows.stream, p, 1));
    } else if (f.distribution === 'fixed') {
      c = stochasticRound(f.mean * m, uniform(rows.stream, p, 1));
    } else {
      const mean = f.mean * m;
      let d = cache.get(mean);
      if (!d) {
        if (cache.size > 4096) cache.clear();
        d = compileFanout(f.distribution, mean, f.k);
        cache.set(mean, d);
      }
      c = mean > 0 ? sampleDist(d, rows.stream, p, 0) : 0;
      c = Math.min(hi, Math.max(lo, c));
    }
    counts[p] = c;
  }
  return counts;
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
