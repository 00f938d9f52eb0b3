import type { AdoptionPlan, AttributionPlan, ColumnType, CurvePlan, FanoutPlan, FunnelPlan, GrainPlan, LifecyclePlan, SegmentScale, StateMachinePlan, TablePlan, VintagePlan } from '../ir/types.ts';
import { curveValue } from '../model/curves.ts';
import { lgamma, logFactorial } from '../model/dist/special.ts';
import { periodStarts } from '../model/grain.ts';
import { AdoptionCurve } from '../model/adoption.ts';
import { conversionProbability, CountDist } from '../model/attribution.ts';

const BYTES: Record<ColumnType, number> = { int: 8, float: 8, string: 16, bool: 1, datetime: 8, date: 4, decimal: 8, json: 32, 'list<float>': 80, 'list<int>': 80, 'list<string>': 96 };

/** Expected children per parent: E[clamp(X, min, max)] for the fanout distribution (no behaviour multipliers). */
function expectedFanout(f: FanoutPlan): number {
  if (f.distribution === 'uniform') return f.mean;
  const lo = f.min ?? 0;
  const hi = f.max ?? Infinity;
  const pmf = pmfFor(f);
  if (!pmf) return Math.min(hi, Math.max(lo, f.mean));
  let mean = 0;
  let mass = 0;
  const sd = f.distribution === 'geometric' ? Math.sqrt(f.mean * (1 + f.mean)) : f.k ? Math.sqrt(f.mean + (f.mean * f.mean) / f.k) : Math.sqrt(f.mean);
  const limit = Math.ceil(f.mean + 40 * sd + 30);
  if (limit > 5_000_000) return Math.min(hi, Math.max(lo, f.mean));
  for (let x = 0; x <= limit; x++) {
    const p = pmf(x);
    mass += p;
    mean += p * Math.min(hi, Math.max(lo, x));
  }
  return mean + (1 - mass) * Math.min(hi, Math.max(lo, limit));
}

function pmfFor(f: FanoutPlan): ((x: number) => number) | null {
  const m = f.mean;
  if (f.distribution === 'poisson') return (x) => Math.exp(x * Math.log(m || 1e-300) - m - logFactorial(x));
  if (f.distribution === 'geometric') {
    const p = 1 / (1 + m);
    return (x) => p * Math.pow(1 - p, x);
  }
  if (f.distribution === 'negative_binomial' && f.k) {
    const k = f.k;
    const p = k / (k + m);
    return (x) => Math.exp(lgamma(x + k) - lgamma(k) - logFactorial(x) + k * Math.log(p) + x * Math.log(1 - p || 1e-300));
  }
  return null;
}

/** Fill estimatedRows / estimatedBytes in dependency order. */
export function estimate(tables: TablePlan[]): void {
  const rows = new Map<string, number>();
  const byId = new Map(tables.map((t) => [t.id, t]));
  for (const t of tables) {
    const r = t.rows;
    const perParent = r.kind === 'fixed' ? 0 : r.kind === 'stages' ? expectedStages(r.funnel, byId) : r.kind === 'grain' ? expectedPeriods(r.grain, byId) : r.kind === 'states' ? expectedStateRows(r.machine) : r.kind === 'adoption' ? expectedAdoptionRows(r.adoption, rows.get(r.parent) ?? 0) : r.kind === 'attribution' ? expectedAttributionRows(r.attribution) : r.kind === 'lifecycle' ? expectedLifecycleRows(r.lifecycle) : expectedRowFanout(r, byId) * r.segments.reduce((a, s) => a * meanMultiplier(s, byId), 1) * (r.vintage ? (r.vintage.fanoutCurves.length ? meanVintage(r.vintage.fanoutCurves) : meanExposure(r.vintage, t, byId)) : 1) * (r.edges ? 1 + r.edges.reciprocity / (2 - r.edges.reciprocity) : 1);
    const n = r.kind === 'fixed' ? r.count : Math.round((rows.get(r.parent) ?? 0) * perParent);
    rows.set(t.id, n);
    t.estimatedRows = n;
    t.estimatedBytes = n * t.columns.reduce((a, c) => a + BYTES[c.type], 0);
  }
}

/** Mean of a segment multiplier over the segment column's choice weights (1 when they are unknown). */
/** Expected children per parent of a fanout table: with fanouts per segment, their mean over the segment shares. */
function expectedRowFanout(r: Extract<TablePlan['rows'], { kind: 'fanout' }>, tables: Map<string, TablePlan>): number {
  const s = r.bySegment;
  const g = s && tables.get(s.table)?.columns.find((c) => c.name === s.column)?.generator;
  if (!s || g?.kind !== 'choice') return expectedFanout(r.fanout);
  let mean = 0;
  g.values.forEach((v, i) => (mean += (g.cdf[i] - (i ? g.cdf[i - 1] : 0)) * expectedFanout(s.fanouts[String(v)] ?? r.fanout)));
  return mean;
}

function meanMultiplier(s: SegmentScale, tables: Map<string, TablePlan>): number {
  const g = tables.get(s.table)?.columns.find((c) => c.name === s.column)?.generator;
  if (g?.kind !== 'choice') return 1;
  let mean = 0;
  g.values.forEach((v, i) => (mean += (g.cdf[i] - (i ? g.cdf[i - 1] : 0)) * (s.multipliers[String(v)] ?? 1)));
  return mean;
}

/** Expected stages per parent: Σ_k Π_{j≤k} min(1, rate_j × mean multiplier) (censoring ignored). */
function expectedStages(f: FunnelPlan, tables: Map<string, TablePlan>): number {
  const m = f.segments ? meanMultiplier(f.segments, tables) : 1;
  let reach = 1;
  let total = 1;
  for (let k = 1; k < f.stages.length; k++) total += reach *= Math.min(1, f.stages[k].rate * m);
  return total;
}

/**
 * Mean exposure of a parent with a birth (a lifetime without age curves): the share of the child's time window
 * after the birth, averaged over births uniform in the birth column's range. Births before the window give 1
 * (every parent alive all along), births uniform over the window ½. Patterns of either column are ignored. Half
 * when either column is not a drawn datetime (faker dates, expressions): the earlier rule.
 */
function meanExposure(v: VintagePlan, child: TablePlan, tables: Map<string, TablePlan>): number {
  const birth = tables.get(v.table)?.columns.find((c) => c.name === v.createdAt)?.generator;
  const time = v.timeColumn ? child.columns.find((c) => c.name === v.timeColumn)?.generator : undefined;
  if (birth?.kind !== 'datetime' || time?.kind !== 'datetime' || !(time.endMs > time.startMs) || !(birth.endMs >= birth.startMs)) return 0.5;
  const steps = 256;
  let sum = 0;
  for (let i = 0; i < steps; i++) {
    const t = birth.startMs + ((i + 0.5) / steps) * (birth.endMs - birth.startMs);
    sum += Math.min(1, Math.max(0, (time.endMs - Math.max(t, time.startMs)) / (time.endMs - time.startMs)));
  }
  return sum / steps;
}

/** Rough share of the base fanout a parent created uniformly over a one-year window keeps under the curves (its exposure: half without curves). */
function meanVintage(curves: CurvePlan[]): number {
  if (curves.length === 0) return 0.5;
  const YEAR = 365.25 * 86_400_000;
  const steps = 240;
  let sum = 0;
  for (let i = 0; i < steps; i++) {
    const age = ((i + 0.5) / steps) * YEAR;
    const m = curves.reduce((a, c) => a * curveValue(c, Math.floor(age / c.unitMs)), 1);
    sum += m * (1 - (i + 0.5) / steps);
  }
  return sum / steps;
}

/**
 * Expected active periods per parent: periods in the window × the share a parent's lifetime covers (half when
 * parents start uniformly inside it; with vintage activity curves, their mean over the remaining window) ×
 * active probability × mean segment multiplier.
 */
function expectedPeriods(g: GrainPlan, tables: Map<string, TablePlan>): number {
  const curves = g.vintage?.fanoutCurves ?? [];
  const n = periodStarts(g).length * (curves.length ? meanVintage(curves) : g.lifetimeFrom ? 0.5 : 1);
  return g.activeProbability === null ? n : n * Math.min(1, g.activeProbability * g.segments.reduce((a, s) => a * meanMultiplier(s, tables), 1));
}

/** Expected rows per parent of a state machine: the expected number of periods (or state changes) before absorption or the window end, for a parent starting mid-window. */
function expectedStateRows(m: StateMachinePlan): number {
  const unit = { day: 1, week: 7, month: 30.4375, year: 365.25 }[m.periodUnit] * 86_400_000;
  const periods = Math.max(1, Math.floor((m.endMs - m.startMs) / unit / 2));
  let dist: number[] = m.states.map((_, i) => (i === m.initial ? 1 : 0));
  let rows = 0;
  for (let k = 0; k < periods; k++) {
    const next = m.states.map(() => 0);
    dist.forEach((pr, s) => {
      if (pr === 0) return;
      if (m.terminal[s]) return;
      const total = m.next[s].reduce((a, b) => a + b, 0) || 1;
      next[s] += pr * (1 - m.leave[s]);
      m.next[s].forEach((w, t) => (next[t] += (pr * m.leave[s] * w) / total));
      if (m.emit === 'episodes') rows += pr * m.leave[s];
    });
    if (m.emit === 'periods') rows += dist.reduce((a, b) => a + b, 0);
    dist = next;
  }
  return m.emit === 'episodes' ? 1 + rows : rows;
}

/** Rough rows per parent of a lifecycle: each stage visited once at most; events at their rate over a mean duration (capped by half the window). */
function expectedLifecycleRows(l: LifecyclePlan): number {
  if (l.emit === 'stages') return Math.min(l.stages.length, 1 + l.stages.filter((s) => s.next.length).length);
  const half = (l.endMs - l.startMs) / 2;
  let events = 0;
  for (const s of l.stages) {
    const mean = s.duration ? Math.min(half, 7 * 86_400_000) : s.churnPerPeriod > 0 ? Math.min(half, l.periodMs / s.churnPerPeriod) : half;
    events += (s.eventsPerWeek * mean) / (7 * 86_400_000);
  }
  return events;
}

/** Expected rows per parent of an adoption fact: Σ over adoption times of P(adopt then) × (1 + mean events until the end). */
function expectedAdoptionRows(a: AdoptionPlan, parents: number): number {
  const curve = new AdoptionCurve(a.curve, parents);
  const days = (a.endMs - a.launchMs) / 86_400_000;
  if (!(days > 0)) return 0;
  const perWeek = a.tiers.reduce((s, t) => s + t.share * t.perWeek, 0);
  const steps = 200;
  let rows = 0;
  for (let i = 0; i < steps; i++) {
    const p = curve.cdf(((i + 1) / steps) * days) - curve.cdf((i / steps) * days);
    rows += p * (1 + (perWeek * days * (1 - (i + 0.5) / steps)) / 7);
  }
  return rows;
}

/**
 * Expected rows per parent of an attribution fact: journeys × touches, or journeys × E[p(convert | n)] (n from
 * 2,000 keyed draws); journeys × ½ when the parent has a lifetime with a birth (its exposure, as plain facts).
 */
function expectedAttributionRows(a: AttributionPlan): number {
  const journeys = expectedFanout(a.journeys) * (a.lifetimeFrom ? meanVintage([]) : 1);
  if (a.emit === 'touchpoints') return journeys * expectedFanout(a.touches);
  const d = new CountDist(a.touches);
  let p = 0;
  for (let i = 0; i < 2000; i++) p += conversionProbability(a, d.draw(0x5eed, i, 0));
  return (journeys * p) / 2000;
}

/** Rows a run may write unless `--max-rows` (RunOptions.maxRows) sets another ceiling. */
export const DEFAULT_MAX_ROWS = 2_000_000_000;
/**
 * Bytes per row a generated table needs on disk at the least, for the free-disk ceiling: DuckDB and Parquet
 * compress, and real tables take ~10 bytes per row or more (the 100 M-row bench: 12), so a plan refused at 1 byte
 * per row surely does not fit.
 */
const MIN_DISK_BYTES_PER_ROW = 1;

/** The ceiling a run's rows are checked against: `--max-rows` when given, else 2 billion or the free disk, the lower. */
export interface RowCeiling {
  rows: number;
  /** What set it: `--max-rows`, the default, or the free disk (bytes free where the output goes). */
  source: 'max-rows' | 'default' | 'disk';
  freeBytes?: number;
}

export function rowCeiling(maxRows: number | undefined, freeBytes: number | null): RowCeiling {
  if (maxRows !== undefined) return { rows: maxRows, source: 'max-rows' };
  if (freeBytes !== null && Number.isFinite(freeBytes) && freeBytes / MIN_DISK_BYTES_PER_ROW < DEFAULT_MAX_ROWS) {
    return { rows: Math.floor(freeBytes / MIN_DISK_BYTES_PER_ROW), source: 'disk', freeBytes };
  }
  return { rows: DEFAULT_MAX_ROWS, source: 'default' };
}

/** A plan (or a table as laid out) with more rows than the ceiling: refused before anything is written (DG_TOO_MANY_ROWS). */
export class TooManyRowsError extends Error {
  readonly code = 'DG_TOO_MANY_ROWS';
  /** `perParent`: one parent row's count (its fanout), not the table's size. */
  constructor(readonly table: string, readonly rows: number, what: string, readonly hint: string, readonly perParent = false) {
    super(`DG_TOO_MANY_ROWS: ${what} (hint: ${hint})`);
    this.name = 'TooManyRowsError';
  }
}

const fmt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'more than 10^308');

function ceilingText(c: RowCeiling): string {
  if (c.source === 'max-rows') return `--max-rows ${fmt(c.rows)}`;
  if (c.source === 'disk') return `what the free disk space where the output goes (${fmt(c.freeBytes!)} bytes) holds at ${MIN_DISK_BYTES_PER_ROW} byte per row at the least (${fmt(c.rows)} rows)`;
  return `the default ceiling of ${fmt(c.rows)} rows`;
}

function hintFor(c: RowCeiling, rows: number): string {
  const raise = `--max-rows ${Number.isFinite(rows) ? Math.ceil(rows) : 'N'}`;
  if (c.source === 'max-rows') return `lower --scale or the table's rows/fanout, or raise ${raise}`;
  if (c.source === 'disk') return `free disk space, write elsewhere (-o), lower --scale or the table's rows/fanout, or pass ${raise} if the data compresses that well`;
  return `lower --scale or the table's rows/fanout, or raise the ceiling with ${raise}`;
}

/**
 * Refuse a plan whose estimated rows exceed the ceiling, before anything is generated: the table with the most
 * estimated rows is named. `shards`: the run writes one shard of that many, so about 1/shards of the rows.
 */
export function checkEstimatedRows(tables: readonly Pick<TablePlan, 'id' | 'estimatedRows'>[], ceiling: RowCeiling, shards = 1): void {
  // An unknown (NaN) estimate counts as 0: the rows as laid out are checked again (`checkLaidOutRows`).
  const est = (t: Pick<TablePlan, 'estimatedRows'>) => (Number.isNaN(t.estimatedRows) ? 0 : t.estimatedRows);
  let total = 0;
  let biggest: Pick<TablePlan, 'id' | 'estimatedRows'> | null = null;
  for (const t of tables) {
    total += est(t);
    if (!biggest || est(t) > est(biggest)) biggest = t;
  }
  const rows = total / shards;
  if (!biggest || rows <= ceiling.rows) return;
  const share = shards > 1 ? ` (its share of ${shards} shards)` : '';
  throw new TooManyRowsError(biggest.id, rows, `the plan estimates ${fmt(rows)} rows${share}, more than ${ceilingText(ceiling)}; nothing was generated (table "${biggest.id}" estimates ${fmt(est(biggest) / shards)} of them)`, hintFor(ceiling, rows));
}

/** How far the rows as laid out may pass the ceiling: an estimate is an expectation, the draws vary around it. */
const LAID_OUT_SLACK = { share: 0.1, rows: 1000 };

/**
 * Refuse a table whose rows as laid out (children drawn per parent) take the run well past the ceiling: more than
 * LAID_OUT_SLACK over it, which the randomness of the draws does not explain (the estimate missed an effect, a
 * behaviour model's detail). A plan estimated just under the ceiling still runs.
 */
export function checkLaidOutRows(table: Pick<TablePlan, 'id' | 'estimatedRows'>, tableRows: number, runRows: number, ceiling: RowCeiling): void {
  if (runRows <= ceiling.rows * (1 + LAID_OUT_SLACK.share) + LAID_OUT_SLACK.rows) return;
  throw new TooManyRowsError(table.id, runRows, `table "${table.id}" has ${fmt(tableRows)} rows once its children are drawn (estimated ${fmt(table.estimatedRows)}), which takes the run to ${fmt(runRows)} rows, more than ${ceilingText(ceiling)} (by more than the ${LAID_OUT_SLACK.share * 100} % + ${fmt(LAID_OUT_SLACK.rows)} rows left for the randomness of the draws); the run stopped before generating it and wrote nothing`, hintFor(ceiling, runRows));
}
