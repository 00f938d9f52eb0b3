/**
 * Scenarios at generation: a scenario runs right after its target column's own modifiers, so columns
 * computed from the target (binomial funnel steps, expressions) see the changed value. Every value it
 * changes is reported through `ctx.label` — the same decision that changed it.
 */
import type { ChunkContext } from '../engine/chunk.ts';
import type { ColumnData } from '../model/column-data.ts';
import { castColumn } from '../engine/cast.ts';
import { renderDescription, severityOf, type LabelRow } from '../engine/labels.ts';
import type { Store } from '../model/store.ts';
import type { ColumnPlan, Plan, ScenarioProgram, TablePlan } from '../ir/types.ts';
import { DAY_MS } from '../plan/window.ts';
import { scenarioFreeColumns, wholeTableContext } from './history.ts';
import { selectionMask } from './select.ts';
import { calibrate, largestRemainder, mixWeight } from './calibrate.ts';

const HOUR_MS = 3_600_000;

/** Per-run facts a scenario computes once from the scenario-free table. */
interface State {
  /** rate_*: multiplier of the target per day (UTC day index) inside the window. */
  dayFactor?: Map<number, number>;
  /** mix_shift: the target's new value per row ordinal. */
  rowValue?: Map<number, number>;
  /** The multiplier (factor of funnel_break) of the multiplying families: the planned one, or the calibrated one. */
  multiplier?: number;
  /** What labels report as the magnitude (after calibration). */
  magnitude: number;
  vars: Record<string, string | number>;
}

/** A scenario's magnitude as its labels and event report it (calibrated when it asks for a detectability). */
export function scenarioMagnitude(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext): number {
  return ctx.memo(p, () => buildState(p, col, ctx)).magnitude;
}

/** Apply one scenario to its target column's values of a chunk. */
export function executeScenario(p: ScenarioProgram, data: ColumnData, col: ColumnPlan, ctx: ChunkContext): ColumnData {
  const v = data.num!;
  const mask = selectionMask(p, ctx, { start: ctx.start, n: ctx.n, parentRow: ctx.parentRow, cols: ctx.cols }, { target: { name: col.name, data } });
  const st = ctx.memo(p, () => buildState(p, col, ctx));
  const t = ctx.cols.get(p.timeRef)!.num!;
  const cap = p.capColumn && p.type !== 'data_quality' ? ctx.cols.get(p.capColumn)!.num! : null;
  const den = p.denominator ? ctx.cols.get(p.denominator)!.num! : null;
  const m = st.magnitude;
  const sel = p.selection;
  const key = (sel.kind === 'random_k' || sel.kind === 'share') && sel.key ? (sel.key === col.name ? null : ctx.cols.get(sel.key)!) : null;
  for (let i = 0; i < v.length; i++) {
    if (!mask[i]) continue;
    const before = v[i];
    let after: number;
    switch (p.type) {
      case 'spike': case 'drop': case 'level_shift': case 'cost_spike': case 'volume_spike': case 'funnel_break':
        after = before * st.multiplier!;
        break;
      case 'rate_drop': case 'rate_spike': {
        const f = st.dayFactor!.get(Math.floor(t[i] / DAY_MS));
        if (f === undefined) continue;
        after = before * f;
        break;
      }
      case 'mix_shift': {
        const x = st.rowValue!.get(ctx.start + i);
        if (x === undefined) continue;
        after = x;
        break;
      }
      case 'data_quality':
        if (p.params.mode === 'null') after = NaN;
        else if (Number.isNaN(den![i])) continue;
        else after = den![i] + Math.max(1, Math.round(den![i] * Number(p.params.excess)));
        break;
    }
    if (cap && !Number.isNaN(cap[i]) && after > cap[i]) after = cap[i];
    if (after === before || (Number.isNaN(after) && Number.isNaN(before))) continue;
    v[i] = after;
    const entity = key?.key(i);
    ctx.label({ column: col.name, index: i, kind: p.type, magnitude: m, start: p.startMs, end: p.endMs, scenario: p.id, description: p.description, vars: st.vars, ...(entity !== undefined && entity !== null ? { entity: String(entity) } : {}) });
  }
  return data;
}

function buildState(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext): State {
  const vars: Record<string, string | number> = { id: p.id, type: p.type, difficulty: p.difficulty, target: `${ctx.table.id}.${col.name}` };
  for (const [k, x] of Object.entries(p.params)) vars[k] = Array.isArray(x) ? x.join(',') : x;
  if (p.denominator) vars.denominator = p.denominator;
  // a scenario that asks for a detectability: its parameter from the data (src/scenarios/calibrate.ts)
  const cal = calibrate(p, col, ctx);
  if (p.type === 'rate_drop' || p.type === 'rate_spike') {
    const dayFactor = rateFactors(p, col, ctx, vars, cal);
    return { vars, dayFactor, magnitude: Number(vars.magnitude) };
  }
  if (p.type === 'mix_shift') {
    const shift = cal ?? Number(p.params.shift);
    if (cal !== null) vars.shift = vars.magnitude = cal;
    return { vars, rowValue: mixValues(p, col, ctx, shift), magnitude: shift };
  }
  if (p.type === 'funnel_break' || p.params.multiplier !== undefined) {
    const multiplier = cal ?? Number(p.type === 'funnel_break' ? p.params.factor : p.params.multiplier);
    if (cal !== null) vars[p.type === 'funnel_break' ? 'factor' : 'multiplier'] = vars.magnitude = cal;
    return { vars, multiplier, magnitude: cal ?? Number(p.params.magnitude) };
  }
  return { vars, magnitude: Number(p.params.magnitude) };
}

/**
 * Window labels of the table's rate scenarios (`rate_drop` / `rate_spike`): one per UTC day of the window with
 * selected rows, about the day's ratio Σtarget / Σdenominator over the selected rows — `expected` without the
 * scenario, `observed` with it (the scenario applied to the table without scenarios, as the run applies it:
 * the ratio SQL computes on the data when no other scenario changes those two columns). `row_key` is null.
 */
export function windowLabels(plan: Plan, table: TablePlan, store: Store, memo: Map<object, unknown>, total: number): LabelRow[] {
  const out: LabelRow[] = [];
  for (const col of table.columns) {
    for (const p of col.modifiers) {
      if (p.kind !== 'scenario' || (p.type !== 'rate_drop' && p.type !== 'rate_spike')) continue;
      const whole = wholeTableContext(plan, table, store, memo, total);
      const h = history(p, col, whole);
      const st = whole.memo(p, () => buildState(p, col, whole));
      const ctx: ChunkContext = { ...whole, parentRow: h.parentRow, cols: h.cols };
      const inWindow = selectionMask(p, ctx, { start: 0, n: h.total, parentRow: h.parentRow, cols: h.cols });
      const after = castColumn(executeScenario(p, h.cols.get(col.name)!.clone(), col, ctx), col, 0).num!;
      const d = h.cols.get(p.denominator!)!.num!;
      const days = new Map<number, [number, number, number]>();
      for (let i = 0; i < h.total; i++) {
        if (!inWindow[i] || Number.isNaN(h.x[i]) || Number.isNaN(d[i]) || Number.isNaN(after[i])) continue;
        const day = Math.floor(h.t[i] / DAY_MS);
        const s = days.get(day) ?? [0, 0, 0];
        s[0] += h.x[i];
        s[1] += after[i];
        s[2] += d[i];
        days.set(day, s);
      }
      for (const [day, [before, now, den]] of [...days].sort((a, b) => a[0] - b[0])) {
        if (!(den > 0)) continue;
        const [expected, observed] = [before / den, now / den];
        const row: LabelRow = {
          table: table.id, column: col.name, row: total, rowKey: null, entityKey: null, kind: p.type, level: 'window', scenario: p.id, start: day * DAY_MS, end: (day + 1) * DAY_MS,
          expected, observed, delta: observed - expected, magnitude: st.magnitude, severity: severityOf(expected, observed), description: '',
        };
        row.description = renderDescription(p.windowDescription ?? p.description, row, st.vars);
        out.push(row);
      }
    }
  }
  return out;
}

/** Per-scenario keys of the run's memo for its history. */
const historyKeys = new WeakMap<ScenarioProgram, object>();

/** Scenario-free columns the type reads, over the whole table, with the selection (window ignored for history); once per run. */
function history(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext) {
  let key = historyKeys.get(p);
  if (!key) historyKeys.set(p, (key = {}));
  return ctx.memo(key, () => historyOf(p, col, ctx));
}

function historyOf(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext) {
  const names = [...new Set([col.name, p.timeRef, ...(p.denominator ? [p.denominator] : []), ...(p.capColumn ? [p.capColumn] : []), ...(p.selection.kind === 'where' ? p.selection.columns : [])])];
  const h = scenarioFreeColumns(ctx, names);
  const selected = selectionMask(p, ctx, { start: 0, n: h.total, parentRow: h.parentRow, cols: h.cols }, { anyTime: true });
  return { ...h, selected, t: h.cols.get(p.timeRef)!.num!, x: h.cols.get(col.name)!.num! };
}

/**
 * rate_drop / rate_spike: the daily ratio target/denominator of the selected rows has median M and
 * spread S (root mean square distance from M) over the table's days; inside the window the target is
 * scaled per day so that the day's ratio becomes M − max(k·S, min_shift) (drop, at least 0) or M + that (spike).
 */
function rateFactors(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext, vars: State['vars'], calibrated: number | null): Map<number, number> {
  const h = history(p, col, ctx);
  const d = h.cols.get(p.denominator!)!.num!;
  const [lo, hi] = [p.startMs, p.endMs];
  // Sums per UTC day (typed arrays indexed from the first day: the hot loops run over every row of the table).
  const [t, x, selected, total] = [h.t, h.x, h.selected, h.total];
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < total; i++) {
    if (!selected[i] || Number.isNaN(t[i])) continue;
    const day = Math.floor(t[i] / DAY_MS);
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const out = new Map<number, number>();
  if (first > last) return out;
  const span = last - first + 1;
  const [num, den, wnum, wden] = [new Float64Array(span), new Float64Array(span), new Float64Array(span), new Float64Array(span)];
  const seen = new Uint8Array(span);
  for (let i = 0; i < total; i++) {
    const ti = t[i];
    if (!selected[i] || Number.isNaN(ti) || Number.isNaN(x[i]) || Number.isNaN(d[i])) continue;
    const k = Math.floor(ti / DAY_MS) - first;
    num[k] += x[i];
    den[k] += d[i];
    seen[k] = 1;
    if (ti >= lo && ti < hi) {
      wnum[k] += x[i];
      wden[k] += d[i];
    }
  }
  const ratios: number[] = [];
  for (let k = 0; k < span; k++) if (seen[k] && den[k] > 0) ratios.push(num[k] / den[k]);
  ratios.sort((a, b) => a - b);
  if (ratios.length === 0) return out;
  const mid = ratios.length >> 1;
  const median = ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
  const spread = Math.sqrt(ratios.reduce((a, r) => a + (r - median) ** 2, 0) / ratios.length);
  const k = Number(p.params.k);
  const shift = Math.max(k * spread, Number(p.params.min_shift ?? 0));
  // calibrated: the target ratio itself; its magnitude (k) the shift in units of the spread
  const target = calibrated ?? (p.type === 'rate_drop' ? Math.max(0, median - shift) : median + shift);
  if (calibrated !== null) vars.k = vars.magnitude = spread > 0 ? Math.round((Math.abs(target - median) / spread) * 100) / 100 : 0;
  Object.assign(vars, { baseline: round4(median), std: round4(spread), target_rate: round4(target), sign: p.type === 'rate_drop' ? '−' : '+' });
  for (let j = 0; j < span; j++) if (wnum[j] > 0) out.set(first + j, (target * wden[j]) / wnum[j]);
  return out;
}

function mixValues(p: ScenarioProgram, col: ColumnPlan, ctx: ChunkContext, shift: number): Map<number, number> {
  const h = history(p, col, ctx);
  const boost = new Set(p.params.boost_hours as number[]);
  const reduce = new Set(p.params.reduce_hours as number[]);
  const days = new Map<number, number[]>();
  for (let i = 0; i < h.total; i++) {
    if (!h.selected[i] || !(h.t[i] >= p.startMs && h.t[i] < p.endMs) || Number.isNaN(h.x[i])) continue;
    const day = Math.floor(h.t[i] / DAY_MS);
    let rows = days.get(day);
    if (!rows) days.set(day, (rows = []));
    rows.push(i);
  }
  const out = new Map<number, number>();
  const integral = col.type === 'int';
  for (const rows of days.values()) {
    const total = rows.reduce((a, i) => a + h.x[i], 0);
    const w = rows.map((i) => {
      return mixWeight(h.x[i], Math.floor((((h.t[i] % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS), shift, boost, reduce);
    });
    const sw = w.reduce((a, b) => a + b, 0);
    if (!(sw > 0)) continue;
    const raw = w.map((x) => (total * x) / sw);
    if (!integral) rows.forEach((i, j) => out.set(i, raw[j]));
    else largestRemainder(Math.round(total), raw).forEach((x, j) => out.set(rows[j], x));
  }
  return out;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
