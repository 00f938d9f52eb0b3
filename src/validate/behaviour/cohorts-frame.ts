/**
 * The vintage frame of a fanout child (src/model/vintage.ts): per parent row p its creation time c, decay d,
 * bucket length s = unit / d and, per age bucket k (the parent's age in curve units × d, whole buckets), the
 * grid mass B_pk = m_k · Σ_{grid points t in [c + k·s, c + (k+1)·s)} w(t) a child time is drawn from. A child's
 * time is a grid point t ≥ c with probability ∝ w(t)·m(age), so given its count N_p a parent's children fall in
 * bucket k with probability B_pk / Σ_j B_pj, and the expected count is the base fanout × Σ_j B_pj / Σ_t w(t).
 */
import type { ColumnPlan, CurvePlan, TablePlan, VintagePlan } from '../../ir/types.ts';
import { dbl, ident, n, one } from '../sql.ts';
import type { ValidateContext } from '../types.ts';
import { curveSql, gridSql, ms, ownRows, sampleOf, segKey, segmentCase, type DatetimeGen, type GridSql } from './cohorts-common.ts';

interface VintageFrame {
  v: VintagePlan;
  parent: TablePlan;
  /** The child's datetime column the vintage places (null: none, the timeframe's grid weighs the count). */
  timeCol: ColumnPlan | null;
  gen: DatetimeGen;
  grid: GridSql;
  unitMs: number;
  curves: CurvePlan[];
  /** CTE definitions: `prefix(i, cum)`, `par(pkey, c, d, s, kmin, kmax, <extra>)`, `bk(pkey, k, m, b, full)`, `mass(pkey, mass)`. */
  ctes: string;
  /** Total grid weight Σ_t w(t) (SQL scalar). */
  total: string;
  /** Parents kept: all, or a deterministic subset (1 in `modulus`) when the buckets exceed the work budget. */
  modulus: number;
}

export type FrameResult = { frame: VintageFrame } | { skip: string };

/**
 * Build the frame for the fanout child `t` of its vintage parent. `extra` adds columns of the parent row (alias p)
 * to `par` (e.g. segment keys and multipliers).
 */
export async function vintageFrame(ctx: ValidateContext, t: TablePlan, v: VintagePlan, extra: string[] = []): Promise<FrameResult> {
  const parent = ctx.table(v.table);
  if (!parent?.pk || !ctx.present.has(parent.id)) return { skip: 'the parent has no primary key' };
  const timeCol = v.timeColumn ? t.columns.find((c) => c.name === v.timeColumn) ?? null : null;
  let gen = timeCol?.generator.kind === 'datetime' ? timeCol.generator : null;
  if (timeCol && (!gen || !gen.vintage)) return { skip: `${timeCol.name} is not placed by the vintage` };
  if (gen?.after) return { skip: `${timeCol!.name} must also follow ${gen.after.column} (an inequality moves it)` };
  // Without a datetime column the engine weighs the timeframe's grid (no patterns) for the expected count.
  if (!gen) {
    const tf = ctx.plan.timeframe;
    gen = { kind: 'datetime', startMs: tf.startMs, endMs: tf.endMs, freq: tf.freq, patterns: [], effects: [], after: null, vintage: v };
  }
  const grid = gridSql(gen);
  if (!grid) return { skip: `the grid of ${timeCol?.name ?? 'the timeframe'} is a month grid, has effects or more than 2,000,000 points` };
  const curves = v.fanoutCurves;
  const unitMs = curves.length ? curves[0].unitMs : 2_629_800_000;
  if (curves.some((c) => c.unitMs !== unitMs)) return { skip: 'its activity curves have different time units' };
  if (v.decay && Object.values(v.decay.multipliers).some((d) => !(d >= 0))) return { skip: 'a decay_rate is negative' };
  const created = parent.columns.find((c) => c.name === v.createdAt);
  if (!created) return { skip: `the parent has no column ${v.createdAt}` };
  const P = await ownRows(ctx, parent);
  if (!P) return { skip: 'the parent has rows added by scenarios and no key' };
  const c = `coalesce(${ms(`p.${ident(v.createdAt)}`)}, ${dbl(grid.t0)})`;
  const d = v.decay ? segmentCase(segKey(ctx, v.decay, 'p'), v.decay.multipliers) : '1.0';
  const parBase = `SELECT p.${ident(parent.pk)} AS pkey, ${c} AS c, ${d} AS d${extra.length ? ', ' + extra.join(', ') : ''} FROM ${P} p`;
  const par1 = `SELECT *, CASE WHEN d > 0 THEN ${dbl(unitMs)} / d ELSE 'inf'::DOUBLE END AS s FROM (${parBase})`;
  const par2 = `SELECT *, CASE WHEN c > ${dbl(grid.last)} THEN -1 WHEN d > 0 THEN CAST(floor((${dbl(grid.last)} - c) / s) AS BIGINT) ELSE 0 END AS kmax,
      CASE WHEN d > 0 AND c < ${dbl(grid.t0)} THEN CAST(floor((${dbl(grid.t0)} - c) / s) AS BIGINT) ELSE 0 END AS kmin FROM (${par1})`;
  // How many buckets: a deterministic subset of parents when they exceed the budget.
  const cells = n((await one(ctx, `SELECT coalesce(sum(kmax - kmin + 1) FILTER (WHERE kmax >= kmin), 0) AS n FROM (${par2})`)).n);
  const sample = sampleOf('pkey', cells);
  const m = curves.length ? curves.map((cv) => curveSql(cv, 'k')).join(' * ') : '1.0';
  const ctes = `prefix AS (${grid.prefix}),
    par AS (SELECT * FROM (${par2}) WHERE ${sample.cond}),
    bk0 AS (SELECT pkey, k, ${m} AS m,
        CASE WHEN k = 0 THEN ${grid.idx('c')} ELSE ${grid.idx('c + k * s')} END AS lo,
        CASE WHEN k = kmax THEN ${grid.count} ELSE ${grid.idx('c + (k + 1) * s')} END AS hi,
        (c + k * s >= ${dbl(gen.startMs)} AND c + (k + 1) * s <= ${dbl(gen.endMs)}) AS full
      FROM (SELECT pkey, c, s, kmax, unnest(range(kmin, kmax + 1)) AS k FROM par WHERE kmax >= kmin)),
    bk AS (SELECT bk0.pkey, bk0.k, bk0.m, bk0.m * (ph.cum - pl.cum) AS b, bk0.full FROM bk0 JOIN prefix pl ON pl.i = bk0.lo JOIN prefix ph ON ph.i = bk0.hi),
    mass AS (SELECT pkey, sum(b) AS mass FROM bk GROUP BY 1)`;
  return { frame: { v, parent, timeCol, gen, grid, unitMs, curves, ctes, total: `(SELECT cum FROM prefix WHERE i = ${grid.count})`, modulus: sample.modulus } };
}

/** SQL of a child's age bucket given its time t and its parent's row in `par` (alias q). */
export function childBucket(t: string): string {
  return `greatest(q.kmin, least(q.kmax, CAST(floor((${t} - q.c) / q.s) AS BIGINT)))`;
}
