/**
 * `_label_events` (issue 18 §2–3): one row per anomaly event — a scenario, hand-written or drawn by a campaign —
 * with what it changed and how visible that is in the data. Computed once per table over the whole table (the
 * table without scenarios, the "history" every scenario shares, with the scenario applied to it exactly as the
 * run applies it), so the rows are the same whatever the chunking, the workers and the shard split (a sharded
 * run writes them in shard 0, like the window labels).
 *
 * Detectability is a robust z: the event's series is the target summed per entity (its selection's entity:
 * key value, primary-parent row, or the whole table) and time bucket (a UTC day; an hour when the window is
 * shorter than a day, and always for mix_shift) — for rate_* the ratio Σtarget / Σdenominator. Each point of the
 * event (a bucket inside the window where the entity has a changed row) is compared with the same entity's
 * buckets outside the window within ±28 days (for hourly buckets: the same hour of the day):
 * z = |observed − median| / σ, σ = 1.4826 · MAD (1.2533 · mean absolute deviation when the MAD is 0). The event's
 * detectability is the median z over its points, capped at 1000; its measured difficulty is easy (z ≥ 6),
 * medium (3 ≤ z < 6) or hard (z < 3).
 */
import type { ChunkContext } from '../engine/chunk.ts';
import { castColumn } from '../engine/cast.ts';
import { RATE_SEVERITY_THRESHOLDS, SEVERITY_THRESHOLDS, severityOf, type Severity } from '../engine/labels.ts';
import { columnDeps } from '../plan/deps.ts';
import type { Store } from '../model/store.ts';
import type { ColumnPlan, Plan, RowScenarioProgram, ScenarioProgram, TablePlan } from '../ir/types.ts';
import { executeScenario, scenarioMagnitude } from './execute.ts';
import { wholeTableContext } from './history.ts';
import { periodCounts, rowsAdded } from './add-rows.ts';
import { BASELINE_MS, comparable, entityOf, eventScope, median, robustZ } from './calibrate.ts';

/** Measured difficulty bands of the detectability z. */
const BANDS = { easy: 6, medium: 3 };

export interface EventRow {
  eventId: string;
  scenario: string;
  campaign: string | null;
  family: string;
  difficulty: string;
  table: string;
  targetColumn: string | null;
  /** The target and the columns computed from it (they follow it where their value depends on it); [] for added rows. */
  columns: string[];
  entities: string[];
  start: number;
  end: number;
  magnitude: number;
  /** Target cells the event changes (column scenarios) or rows it adds. */
  cells: number;
  /** Sums over the event's points of the series without / with the event (rate_*: the mean of the ratios). */
  expected: number | null;
  observed: number | null;
  severity: Severity;
  /** Median robust z over the event's points (null: nothing to compare with, or a null-making data_quality). */
  detectability: number | null;
  measuredDifficulty: 'easy' | 'medium' | 'hard' | null;
  /** Other events on the same table whose windows meet this one's (filled by `markOverlaps`). */
  overlaps: string[];
  /** The output column of the rows' time (the scenario's time reference), null when it is not written. */
  timeColumn: string | null;
  /** The output column whose values are the entities (selection key, own key, the parent's key), or null. */
  entityColumn: string | null;
}

/** The events of one table's scenarios (column scenarios in column order, then the ones that add rows). */
export function eventRows(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, total: number): EventRow[] {
  const programs = table.columns.flatMap((c) => c.modifiers.filter((m): m is ScenarioProgram => m.kind === 'scenario').map((p) => ({ c, p })));
  if (programs.length === 0 && !table.addRows?.length) return [];
  const t0 = performance.now();
  const whole = wholeTableContext(plan, table, store, memo, total);
  const out: EventRow[] = [];
  for (const { c, p } of programs) out.push(columnEvent(plan, table, whole, c, p));
  for (const p of table.addRows ?? []) out.push(rowEvent(plan, table, whole, p));
  if (process.env.DATAGEN_PROFILE) process.stderr.write(`[profile] ${table.id}: ${out.length} anomaly events measured in ${(performance.now() - t0).toFixed(0)} ms\n`);
  return out;
}

/** Every event's `overlaps`: the events of the same table whose [start, end) meets its own. */
export function markOverlaps(events: EventRow[]): void {
  for (const e of events) e.overlaps = events.filter((o) => o !== e && o.table === e.table && o.start < e.end && e.start < o.end).map((o) => o.eventId);
}

function base(plan: Plan, table: TablePlan, p: ScenarioProgram | RowScenarioProgram): Pick<EventRow, 'eventId' | 'scenario' | 'campaign' | 'family' | 'difficulty' | 'table' | 'start' | 'end' | 'overlaps' | 'timeColumn' | 'entityColumn'> {
  const written = (name: string | null | undefined) => (name && table.columns.some((c) => c.name === name && !c.hidden) ? name : null);
  const sel = p.selection;
  const parent = 'parent' in table.rows ? table.rows.parent : null;
  const ppk = parent ? plan.tables.find((t) => t.id === parent)?.pk : null;
  // the column holding the entity: the selection's key, the row's own key (entity tables), the primary parent's key
  const entity = sel.kind === 'all' || sel.kind === 'where' ? null
    : sel.key ? sel.key
      : table.kind === 'entity' ? table.pk
        : table.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === 'parent' && c.generator.table === parent && c.generator.column === ppk && c.modifiers.length === 0)?.name;
  return {
    eventId: p.id, scenario: p.id, campaign: p.campaign ?? null, family: p.type, difficulty: p.difficulty, table: table.id, start: p.startMs, end: p.endMs, overlaps: [],
    timeColumn: written(p.timeRef), entityColumn: written(entity),
  };
}

/** The columns computed from `name` (transitively), in evaluation order. */
function followers(table: TablePlan, name: string): string[] {
  const out = new Set([name]);
  for (const n of table.evalOrder) {
    const c = table.columns.find((x) => x.name === n)!;
    if (!out.has(n) && columnDeps(c, null).columns.some((d) => out.has(d))) out.add(n);
  }
  return [...out];
}

function columnEvent(plan: Plan, table: TablePlan, whole: ChunkContext, col: ColumnPlan, p: ScenarioProgram): EventRow {
  // The target (and what the scenario reads) without scenarios on the units' rows within ±28 days (shared with the
  // calibration of a scenario that asks for a detectability), then with the event applied.
  const { pieces, lo, hi, bucketMs, key } = eventScope(p, col, whole);
  const magnitude = scenarioMagnitude(p, col, whole);
  const rate = p.type === 'rate_drop' || p.type === 'rate_spike';
  const entities = new Set<string>();
  let cells = 0;
  const changedBuckets = new Map<string, Set<number>>();
  /** Per unit and bucket: Σ without, Σ with, Σ denominator (rows inside [lo, hi)). */
  const sums = new Map<string, Map<number, [number, number, number]>>();
  for (const piece of pieces) {
    const ctx: ChunkContext = { ...whole, start: piece.start, n: piece.n, parentRow: piece.parentRow, cols: piece.cols };
    const before = castColumn(piece.cols.get(col.name)!, col, piece.start).num!;
    const after = castColumn(executeScenario(p, piece.cols.get(col.name)!.clone(), col, ctx), col, piece.start).num!;
    const pt = piece.cols.get(p.timeRef)!.num!;
    const den = p.denominator ? piece.cols.get(p.denominator)!.num! : null;
    const entity = entityOf(plan, table, whole, piece.cols, piece.parentRow, key);
    for (let i = 0; i < piece.n; i++) {
      const ti = pt[i];
      if (!(ti >= lo && ti < hi)) continue;
      const e = entity(i);
      const u = e ?? '';
      const [x, y] = [before[i], after[i]];
      const changed = !(x === y || (Number.isNaN(x) && Number.isNaN(y)));
      let m = sums.get(u);
      if (!m) sums.set(u, (m = new Map()));
      const b = Math.floor(ti / bucketMs);
      const s = m.get(b) ?? [0, 0, 0];
      if (!Number.isNaN(x)) s[0] += x;
      if (!Number.isNaN(y)) s[1] += y;
      if (den && !Number.isNaN(den[i])) s[2] += den[i];
      m.set(b, s);
      if (!changed) continue;
      cells++;
      if (e !== null) entities.add(e);
      let cb = changedBuckets.get(u);
      if (!cb) changedBuckets.set(u, (cb = new Set()));
      cb.add(b);
    }
  }
  const value = (s: [number, number, number], k: 0 | 1) => (rate ? (s[2] > 0 ? s[k] / s[2] : NaN) : s[k]);
  const zs: number[] = [];
  let [sumExp, sumObs, points] = [0, 0, 0];
  for (const [u, buckets] of changedBuckets) {
    const m = sums.get(u)!;
    for (const b of [...buckets].sort((x, y) => x - y)) {
      const s = m.get(b)!;
      const [exp, obs] = [value(s, 0), value(s, 1)];
      if (Number.isNaN(exp) || Number.isNaN(obs)) continue;
      sumExp += exp;
      sumObs += obs;
      points++;
      const baseline: number[] = [];
      for (const [k, v] of m) {
        if (!comparable(k, b, bucketMs, p)) continue; // inside the window, or (hourly) another hour of the day
        const x = value(v, 0);
        if (!Number.isNaN(x)) baseline.push(x);
      }
      const z = robustZ(obs, baseline);
      if (z !== null) zs.push(z);
    }
  }
  const nulls = p.type === 'data_quality' && p.params.mode === 'null';
  // data_quality breaks a rule (nulls, a step above its input): rule checks find it, a z says nothing about it
  const ruled = p.type === 'data_quality';
  const [expected, observed] = points === 0 ? [null, null] : rate ? [sumExp / points, sumObs / points] : [sumExp, sumObs];
  const detectability = ruled || zs.length === 0 ? null : round2(median(zs));
  return {
    ...base(plan, table, p), targetColumn: col.name, columns: followers(table, col.name), entities: [...entities].sort(), magnitude, cells,
    expected, observed, severity: nulls ? 'high' : severityOf(expected, observed, p.severity ?? (rate ? RATE_SEVERITY_THRESHOLDS : SEVERITY_THRESHOLDS)), detectability, measuredDifficulty: band(detectability),
  };
}

function rowEvent(plan: Plan, table: TablePlan, whole: ChunkContext, p: RowScenarioProgram): EventRow {
  const added = rowsAdded(p, whole);
  const entities = [...new Set(added.map((a) => a.entity).filter((e): e is string => e !== null))].sort();
  // cap_violation: the points are the (entity, period) groups; the series, rows per entity and period without scenarios.
  const zs: number[] = [];
  let [sumExp, sumObs, groups] = [0, 0, 0];
  if (p.type === 'cap_violation') {
    const seen = new Map<string, { e: string; start: number; expected: number; observed: number }>();
    for (const a of added) seen.set(`${a.entity}\u0001${a.start}`, { e: String(a.entity), start: a.start, expected: a.expected, observed: a.observed });
    const counts = periodCounts(p, whole, new Set([...seen.values()].map((g) => g.e)), p.startMs - BASELINE_MS, p.endMs + BASELINE_MS);
    for (const g of seen.values()) {
      sumExp += g.expected;
      sumObs += g.observed;
      groups++;
      const baseline = [...(counts.get(g.e) ?? new Map<number, number>())].filter(([k]) => k !== g.start && Math.abs(k - g.start) <= BASELINE_MS).map(([, v]) => v);
      const z = robustZ(g.observed, baseline);
      if (z !== null) zs.push(z);
    }
  }
  const detectability = zs.length ? round2(median(zs)) : null;
  const [expected, observed] = groups ? [sumExp, sumObs] : [null, null];
  return {
    ...base(plan, table, p), targetColumn: null, columns: [], entities, magnitude: p.type === 'cap_violation' ? p.exceedBy : p.share, cells: added.length,
    expected, observed, severity: expected === null ? 'high' : severityOf(expected, observed, p.severity), detectability, measuredDifficulty: band(detectability),
  };
}

function band(z: number | null): EventRow['measuredDifficulty'] {
  return z === null ? null : z >= BANDS.easy ? 'easy' : z >= BANDS.medium ? 'medium' : 'hard';
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
