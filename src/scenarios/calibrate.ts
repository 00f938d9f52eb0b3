/**
 * What an anomaly event is measured on (src/scenarios/events.ts), and the calibration of a scenario that asks for
 * a detectability (`params.detectability`, a robust z: campaign events ask for one inside their difficulty's band,
 * docs/anomalies.md#difficulty-bands): the run sets the scenario's magnitude from the data so that the event's
 * measured detectability is that z.
 *
 * The event's scope: the units (entities) its selection picks, and their rows within ±28 days of the window,
 * without scenarios. Its series: the target summed per unit and bucket (a UTC day; an hour for windows under a
 * day and for mix_shift; rate_*: Σtarget / Σdenominator). A point is a bucket inside the window where the unit has
 * selected rows; its baseline the unit's buckets outside the window within ±28 days (hourly: the same hour of the
 * day); z = |observed − median| / σ, σ = 1.4826 · MAD (1.2533 · mean absolute deviation when the MAD is 0).
 *
 * Calibration: the family's change is one number s ≥ 0 away from "no change" — the multiplier 1 + s (a spike, a
 * level shift up) or 1 − s (drop, funnel_break, a level shift down), the day's target ratio M ∓ s (rate_*: M the
 * median of the points' baselines), the shift s (mix_shift) — and each candidate is applied to the selected rows
 * as the scenario applies it (the int cast, the cap of a funnel step), the points' sums recomputed, and the median z
 * over the points compared with the target. The smallest s that reaches it (bisection over [0, the family's
 * most]) is the magnitude; a family that cannot reach it (a drop keeps at least a tenth of the value) takes its most.
 * Computed once per run from values without scenarios: the same for any chunking, workers and shards.
 */
import type { ChunkContext } from '../engine/chunk.ts';
import { castColumn } from '../engine/cast.ts';
import type { ColumnData } from '../model/column-data.ts';
import { roundHalfEven } from '../model/rounding.ts';
import type { ColumnPlan, Plan, ScenarioProgram, TablePlan } from '../ir/types.ts';
import { DAY_MS } from '../plan/window.ts';
import { publishedCalibration, type RowsPiece, scenarioFreeColumns, scenarioFreeRows } from './history.ts';
import { selectionMask } from './select.ts';

const HOUR_MS = 3_600_000;
/** Comparable periods: the entity's buckets within this distance of the window. */
export const BASELINE_MS = 28 * DAY_MS;
const Z_CAP = 1000;
/** Bisection steps of the calibration (the interval shrinks 2^40 times). */
const STEPS = 40;
/** The smallest change a calibrated event makes (relative), so that it changes something even when its points already stand out. */
const MIN_CHANGE = 0.02;
/** The deepest calibrated drop (drop, level_shift down): × 0.1, so that a measure stays positive. */
const MAX_DROP = 0.9;

/** The rows an event is measured on: the units' rows within ±28 days of the window, without scenarios. */
export interface EventScope {
  pieces: RowsPiece[];
  lo: number;
  hi: number;
  bucketMs: number;
  /** The selection's key column (its values are the entities), or null. */
  key: string | null;
  /** The columns the scenario reads (time, selection inputs, target, denominator, cap). */
  selecting: string[];
}

const scopeKeys = new WeakMap<ScenarioProgram, object>();

/** The event's scope, once per run (the calibration and the event's measure share it). */
export function eventScope(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext): EventScope {
  let k = scopeKeys.get(p);
  if (!k) scopeKeys.set(p, (k = {}));
  return ctx.memo(k, () => scopeOf(p, col, ctx));
}

function scopeOf(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext): EventScope {
  const table = ctx.table;
  const sel = p.selection;
  const key = (sel.kind === 'random_k' || sel.kind === 'share') && sel.key ? sel.key : null;
  const entityPk = table.kind === 'entity' && table.pk ? table.pk : null;
  // The whole table's time, selection inputs and entity (cheap columns, shared with the scenarios' history).
  const selecting = [p.timeRef, ...(key ? [key] : []), ...(sel.kind === 'where' ? sel.columns : []), ...(entityPk ? [entityPk] : [])];
  const h = scenarioFreeColumns(ctx, selecting);
  const t = h.cols.get(p.timeRef)!.num!;
  const mask = selectionMask(p, { ...ctx, parentRow: h.parentRow, cols: h.cols }, { start: 0, n: h.total, parentRow: h.parentRow, cols: h.cols });
  // A unit is the series an entity's rows make: its key value, its primary-parent row, its own row, or the whole table.
  const keyCol = key ? h.cols.get(key)! : null;
  const unit = keyCol ? (i: number) => (keyCol.num ? keyCol.num[i] : keyCol.str![i]) : entityPk ? (i: number) => i : h.parentRow && table.kind !== 'entity' ? (i: number) => h.parentRow![i] : () => 0;
  const lo = p.startMs - BASELINE_MS;
  const hi = p.endMs + BASELINE_MS;
  // the selected rows' units (selected rows lie in the window), then their rows within ±28 days
  const units = new Set<unknown>();
  for (let i = 0; i < h.total; i++) if (mask[i]) units.add(unit(i));
  const rows: number[] = [];
  if (units.size) for (let i = 0; i < h.total; i++) if (t[i] >= lo && t[i] < hi && units.has(unit(i))) rows.push(i);
  const names = [...new Set([col.name, ...selecting, ...(p.denominator ? [p.denominator] : []), ...(p.capColumn ? [p.capColumn] : [])])];
  const bucketMs = p.endMs - p.startMs < DAY_MS || p.type === 'mix_shift' ? HOUR_MS : DAY_MS;
  return { pieces: scenarioFreeRows(ctx, names, rows), lo, hi, bucketMs, key, selecting };
}

/** Each row's entity as labels name it: the selection's key value, the row's own key (entity tables), the primary parent's key. */
export function entityOf(plan: Plan, table: TablePlan, ctx: ChunkContext, cols: Map<string, ColumnData>, parentRow: Float64Array | null, key: string | null): (i: number) => string | null {
  const str = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
  if (key) return (i) => str(cols.get(key)!.key(i));
  if (table.kind === 'entity' && table.pk) return (i) => str(cols.get(table.pk!)!.key(i));
  const parent = 'parent' in table.rows ? table.rows.parent : null;
  const pk = parent ? plan.tables.find((t) => t.id === parent)?.pk : null;
  const keys = parent && pk ? ctx.store.table(parent).columns.get(pk) : undefined;
  if (!keys || !parentRow) return () => null;
  return (i) => str(keys.key(parentRow[i]));
}

/** Whether bucket `k` lies outside the window and is comparable with bucket `b` (hourly: the same hour of the day). */
export function comparable(k: number, b: number, bucketMs: number, p: { startMs: number; endMs: number }): boolean {
  if (k * bucketMs >= p.startMs - bucketMs + 1 && k * bucketMs < p.endMs) return false; // inside the window
  return bucketMs !== HOUR_MS || (((k - b) % 24) + 24) % 24 === 0;
}

/** Median and robust σ of a baseline (null with fewer than 3 points). */
function baselineOf(xs: number[]): { med: number; sigma: number } | null {
  if (xs.length < 3) return null;
  const med = median(xs);
  const dev = xs.map((v) => Math.abs(v - med));
  let sigma = 1.4826 * median(dev);
  if (!(sigma > 0)) sigma = 1.2533 * (dev.reduce((a, b) => a + b, 0) / dev.length);
  return { med, sigma };
}

/** |x − median| / σ of a baseline, capped at Z_CAP. */
function zOf(x: number, b: { med: number; sigma: number }): number {
  const d = Math.abs(x - b.med);
  if (!(b.sigma > 0)) return d === 0 ? 0 : Z_CAP;
  return Math.min(Z_CAP, d / b.sigma);
}

/** |x − median| / σ (robust), null with fewer than 3 comparable points. */
export function robustZ(x: number, baseline: number[]): number | null {
  const b = baselineOf(baseline);
  return b === null ? null : zOf(x, b);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Integers summing to `total`, each the floor of `raw` plus one for the largest remainders (ties: first row). */
export function largestRemainder(total: number, raw: number[]): number[] {
  const ints = raw.map(Math.floor);
  let rest = total - ints.reduce((a, b) => a + b, 0);
  const order = raw.map((x, j) => [x - ints[j], j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let o = 0; rest > 0 && o < order.length; o++, rest--) ints[order[o][1]]++;
  return ints;
}

/** mix_shift's weight of a row at hour `hour` (boosted hours gain the shift, reduced ones lose it, down to 0.2). */
export function mixWeight(x: number, hour: number, shift: number, boost: Set<number>, reduce: Set<number>): number {
  return Math.max(0, x) * (boost.has(hour) ? 1 + shift : reduce.has(hour) ? Math.max(0.2, 1 - shift) : 1);
}

const MULTIPLY = new Set(['spike', 'drop', 'level_shift', 'cost_spike', 'volume_spike', 'funnel_break']);

/** The calibrated parameters of a table's scenarios that ask for a detectability, by scenario id (for the workers). */
export function calibrations(ctx: ChunkContext): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const c of ctx.table.columns) for (const m of c.modifiers) if (m.kind === 'scenario' && m.params.detectability !== undefined) out.set(m.id, calibrate(m, c, ctx));
  return out;
}

/**
 * The calibrated parameter of a scenario with `params.detectability`: the multiplier (spike, drop, level_shift,
 * cost_spike, volume_spike, funnel_break), the target ratio of the window's days (rate_*) or the shift (mix_shift);
 * null when it asks for none, or when no point of the event has a baseline (the planned parameters apply).
 */
export function calibrate(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext): number | null {
  if (p.params.detectability === undefined) return null;
  // a worker takes what the main thread computed (src/scenarios/history.ts sharedHistory)
  const published = publishedCalibration(ctx, p.id);
  if (published !== undefined) return published;
  const t0 = performance.now();
  const out = calibrated(p, col, ctx);
  if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] ${ctx.table.id}: ${p.id} calibrated in ${(performance.now() - t0).toFixed(0)} ms (${out === null ? 'nothing to compare with' : `${p.type === 'rate_drop' || p.type === 'rate_spike' ? 'target ratio' : p.type === 'mix_shift' ? 'shift' : 'multiplier'} ${out}`})\n`);
  return out;
}

function calibrated(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext): number | null {
  const target = Number(p.params.detectability);
  const sc = eventScope(p, col, ctx);
  const rate = p.type === 'rate_drop' || p.type === 'rate_spike';
  const mix = p.type === 'mix_shift';
  if (!rate && !mix && !MULTIPLY.has(p.type)) return null;
  const integral = col.type === 'int';
  // Per unit and bucket: Σ target, Σ denominator over the scope; the selected rows (inside the window).
  const sums = new Map<string, Map<number, [number, number]>>();
  const sel: { point: string; x: number; d: number; cap: number; t: number }[] = [];
  const points = new Map<string, { u: string; b: number; rows: number[]; other: number; den: number; base: { med: number; sigma: number } | null }>();
  for (const piece of sc.pieces) {
    const pctx: ChunkContext = { ...ctx, start: piece.start, n: piece.n, parentRow: piece.parentRow, cols: piece.cols };
    const data = piece.cols.get(col.name)!;
    const x = castColumn(data, col, piece.start).num!;
    const mask = selectionMask(p, pctx, { start: piece.start, n: piece.n, parentRow: piece.parentRow, cols: piece.cols }, { target: { name: col.name, data } });
    const t = piece.cols.get(p.timeRef)!.num!;
    const den = p.denominator ? piece.cols.get(p.denominator)!.num! : null;
    const cap = p.capColumn && p.type !== 'data_quality' ? piece.cols.get(p.capColumn)!.num! : null;
    const entity = entityOf(ctx.plan, ctx.table, ctx, piece.cols, piece.parentRow, sc.key);
    for (let i = 0; i < piece.n; i++) {
      const ti = t[i];
      if (!(ti >= sc.lo && ti < sc.hi)) continue;
      const u = entity(i) ?? '';
      const b = Math.floor(ti / sc.bucketMs);
      let m = sums.get(u);
      if (!m) sums.set(u, (m = new Map()));
      const s = m.get(b) ?? [0, 0];
      if (!Number.isNaN(x[i])) s[0] += x[i];
      if (den && !Number.isNaN(den[i])) s[1] += den[i];
      m.set(b, s);
      if (!mask[i] || Number.isNaN(x[i])) continue;
      const pk = `${u}\u0001${b}`;
      let pt = points.get(pk);
      if (!pt) points.set(pk, (pt = { u, b, rows: [], other: 0, den: 0, base: null }));
      pt.rows.push(sel.length);
      sel.push({ point: pk, x: x[i], d: den ? den[i] : NaN, cap: cap ? cap[i] : NaN, t: ti });
    }
  }
  const value = (s: [number, number]) => (rate ? (s[1] > 0 ? s[0] / s[1] : NaN) : s[0]);
  for (const pt of points.values()) {
    const m = sums.get(pt.u)!;
    const s = m.get(pt.b)!;
    pt.other = s[0] - pt.rows.reduce((a, r) => a + sel[r].x, 0);
    pt.den = s[1];
    const baseline: number[] = [];
    for (const [k, v] of m) {
      if (!comparable(k, pt.b, sc.bucketMs, p)) continue;
      const y = value(v);
      if (!Number.isNaN(y)) baseline.push(y);
    }
    pt.base = baselineOf(baseline);
  }
  // the points that count: a baseline, something to change
  const live = [...points.values()].filter((pt) => pt.base !== null && pt.rows.some((r) => sel[r].x !== 0) && (!rate || pt.den > 0));
  if (live.length === 0) return null;
  const after = new Float64Array(sel.length);
  const finish = (r: number, a: number) => {
    let y = integral ? roundHalfEven(a) : a;
    const c = sel[r].cap;
    if (!Number.isNaN(c) && y > c) y = c;
    return y;
  };
  // rate_*: the selected rows' sums per UTC day of the window (the scenario scales each day to the target ratio)
  const dayNum = new Map<number, number>();
  const dayDen = new Map<number, number>();
  let M = 0;
  if (rate) {
    for (const r of sel) {
      if (Number.isNaN(r.d)) continue;
      const day = Math.floor(r.t / DAY_MS);
      dayNum.set(day, (dayNum.get(day) ?? 0) + r.x);
      dayDen.set(day, (dayDen.get(day) ?? 0) + r.d);
    }
    M = median(live.map((pt) => pt.base!.med));
  }
  const boost = mix ? new Set(p.params.boost_hours as number[]) : null;
  const reduce = mix ? new Set(p.params.reduce_hours as number[]) : null;
  const byDay = new Map<number, number[]>();
  if (mix) sel.forEach((r, j) => (byDay.get(Math.floor(r.t / DAY_MS)) ?? byDay.set(Math.floor(r.t / DAY_MS), []).get(Math.floor(r.t / DAY_MS))!).push(j));
  const down = p.type === 'drop' || p.type === 'funnel_break' || (p.type === 'level_shift' && Number(p.params.multiplier) < 1);
  const param = (s: number) => (rate ? (p.type === 'rate_drop' ? Math.max(0, M - s) : M + s) : mix ? s : down ? 1 - s : 1 + s);
  const zMedian = (s: number): number => {
    const v = param(s);
    if (mix) {
      for (const rows of byDay.values()) {
        const total = rows.reduce((a, j) => a + sel[j].x, 0);
        const w = rows.map((j) => mixWeight(sel[j].x, Math.floor((((sel[j].t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS), v, boost!, reduce!));
        const sw = w.reduce((a, b) => a + b, 0);
        if (!(sw > 0)) rows.forEach((j) => (after[j] = sel[j].x));
        else if (!integral) rows.forEach((j, q) => (after[j] = (total * w[q]) / sw));
        else largestRemainder(Math.round(total), w.map((q) => (total * q) / sw)).forEach((y, q) => (after[rows[q]] = y));
      }
    } else {
      for (let r = 0; r < sel.length; r++) {
        let f = v;
        if (rate) {
          const day = Math.floor(sel[r].t / DAY_MS);
          const num = dayNum.get(day) ?? 0;
          f = num > 0 ? (v * dayDen.get(day)!) / num : 1;
        }
        after[r] = finish(r, sel[r].x * f);
      }
    }
    const zs = live.map((pt) => {
      const obs = pt.other + pt.rows.reduce((a, r) => a + after[r], 0);
      return zOf(rate ? obs / pt.den : obs, pt.base!);
    });
    return median(zs);
  };
  // the most each family changes: a drop keeps a tenth of the value (funnel_break may break the step), ×100 up
  const most = rate ? (p.type === 'rate_drop' ? M : 20 * M + 1) : mix ? 0.95 : down ? (p.type === 'funnel_break' ? 1 : MAX_DROP) : 99;
  const least = rate ? MIN_CHANGE * M : MIN_CHANGE;
  let s: number;
  if (zMedian(most) < target) s = most;
  else {
    let [a, b] = [0, most];
    for (let k = 0; k < STEPS; k++) {
      const mid = (a + b) / 2;
      if (zMedian(mid) >= target) b = mid;
      else a = mid;
    }
    s = Math.max(least, b);
  }
  const v = param(s);
  return rate ? Number(v.toPrecision(6)) : Math.round(v * 10_000) / 10_000;
}

