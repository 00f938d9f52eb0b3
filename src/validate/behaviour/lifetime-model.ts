/**
 * Lifetimes (docs/behaviours/lifetimes.md) as validate models them, from the file: a plain fact whose primary
 * parent has a lifetime places its rows on its time grid inside [birth, end] of their parent, with probability ∝
 * the grid's pattern weights, and has exposure × the base fanout rows per parent, where the exposure is the
 * share of the grid's weight inside the lifetime. The parents' births and ends are read by SQL (grouped: one
 * entry per distinct pair), the grid weights are the declared patterns; nothing comes from the engine's model.
 */
import { calendarGrid, patternWeightAt, type CalendarGrid } from '../calendar.ts';
import type { Freq, PatternPlan, TablePlan } from '../../ir/types.ts';
import { ident, n } from '../sql.ts';
import type { ValidateContext } from '../types.ts';

export interface LifetimeModel {
  parent: TablePlan;
  /** The child's time grid, its points' weights and the number of parents alive at each point. */
  grid: CalendarGrid;
  weights: Float64Array;
  alive: Float64Array;
  /** Distinct exposures (share of the grid weight inside a lifetime) with their numbers of parents. */
  groups: { exposure: number; parents: number }[];
  parents: number;
}

/** At most this many grid points (the alive counts are one array of that size). */
const MAX_POINTS = 2_000_000;

/**
 * The lifetime model of table `t`, or null when it has none that validate models: a fanout child of a parent
 * with a lifetime, without activity curves or segment decay (vintage), without effects on its time column.
 */
export async function lifetimeModel(ctx: ValidateContext, t: TablePlan): Promise<LifetimeModel | null> {
  if (t.rows.kind !== 'fanout' || !t.rows.vintage) return null;
  const v = t.rows.vintage;
  if (v.fanoutCurves.length || v.decay || v.activity || v.endState || v.gate || !v.createdAt) return null;
  const parent = ctx.table(v.table);
  if (!parent || !ctx.present.has(parent.id)) return null;
  const col = v.timeColumn ? t.columns.find((c) => c.name === v.timeColumn) : undefined;
  const g: { startMs: number; endMs: number; freq: Freq; patterns: PatternPlan[] } | null = col?.generator.kind === 'datetime' ? col.generator : { ...ctx.plan.timeframe, patterns: [] };
  if (col?.generator.kind === 'datetime' && col.generator.effects.length) return null;
  const grid = calendarGrid(g.startMs, g.endMs, g.freq);
  if (grid.count > MAX_POINTS) return null;
  const weights = new Float64Array(grid.count);
  let total = 0;
  for (let i = 0; i < grid.count; i++) {
    const x = patternWeightAt(grid.point(i), g.patterns);
    weights[i] = x;
    total += x;
  }
  if (!(total > 0)) {
    weights.fill(1);
    total = grid.count;
  }
  const prefix = new Float64Array(grid.count + 1);
  for (let i = 0; i < grid.count; i++) prefix[i + 1] = prefix[i] + weights[i];
  const ms = (c: string) => `epoch_ms(${ident(c)}::TIMESTAMP)`;
  const rows = await ctx.db.all(`SELECT ${ms(v.createdAt)} AS b, ${v.endAt ? ms(v.endAt) : 'NULL'} AS e, count(*) AS c FROM ${ident(parent.id)} GROUP BY ALL`);
  const diff = new Float64Array(grid.count + 1);
  const byExposure = new Map<number, number>();
  let parents = 0;
  for (const r of rows) {
    const c = n(r.c);
    parents += c;
    // A null birth is the start of the grid; a null end never comes. Points at or after the birth, at or before the end.
    const b = r.b === null ? -Infinity : n(r.b);
    const e = r.e === null ? Infinity : n(r.e);
    const first = b === -Infinity ? 0 : grid.firstAfter(b, false);
    const stop = e === Infinity ? grid.count : Math.min(grid.count, grid.firstAfter(e, true));
    const exposure = stop > first ? (prefix[stop] - prefix[first]) / total : 0;
    byExposure.set(exposure, (byExposure.get(exposure) ?? 0) + c);
    if (stop > first) {
      diff[first] += c;
      diff[stop] -= c;
    }
  }
  const alive = new Float64Array(grid.count);
  let acc = 0;
  for (let i = 0; i < grid.count; i++) alive[i] = acc += diff[i];
  return { parent, grid, weights, alive, groups: [...byExposure].map(([exposure, p]) => ({ exposure, parents: p })), parents };
}

/** The number of parents alive at each grid instant, as a function of time (for the calendar expectations). */
export function aliveAt(m: LifetimeModel): (t: number) => number {
  const byTime = new Map<number, number>();
  for (let i = 0; i < m.grid.count; i++) byTime.set(m.grid.point(i), m.alive[i]);
  return (t) => byTime.get(t) ?? 0;
}
