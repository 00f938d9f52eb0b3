/**
 * Top-level `anomaly_campaigns[]` (issue 18 §1): a campaign is expanded, at compile time and from keyed
 * draws only (src/model/rng.ts: a pure function of the campaign's seed, the event number and a slot), into
 * concrete scenarios — target, family, difficulty, magnitude, window and the seed of their entity draws —
 * that are then planned exactly like hand-written `scenarios[]`. The expansion is part of the plan
 * (`plan.campaigns`), so `datagen compile` prints it and `-o plan.json` holds it. Pure: no I/O, no clock.
 *
 * Overlap rule: a campaign event never overlaps another event of its table — a hand-written scenario with a
 * window, an event of this campaign or of an earlier one — and keeps `min_gap` from each. (Hand-written scenarios
 * without a window span the timeframe and are not avoided; `_label_events.overlapping_events` names every event
 * whose window meets another's on the same table.)
 */
import { pointer } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { mix, streamKey, uniform } from '../model/rng.ts';
import { error, isNumber, type Json, type PlanContext, resolveRef } from './context.ts';
import type { TableDraft } from './tables.ts';
import type { CampaignPlan, ScenarioType } from '../ir/types.ts';
import { binomialInput } from './scenario-params.ts';
import { DAY_MS } from './window.ts';
import { parseDuration, parseInstant } from './time.ts';

const HOUR_MS = 3_600_000;
const NUMERIC = ['int', 'float', 'decimal'];
/** At most this many events per campaign (a campaign is reviewed event by event). */
const MAX_CAMPAIGN_EVENTS = 1000;
/** Start positions tried per event before the campaign is declared too crowded. */
const ATTEMPTS = 200;

/** Families a campaign can draw (the column scenario types; cap_violation adds rows and is written by hand). */
const FAMILIES: ScenarioType[] = ['spike', 'drop', 'level_shift', 'cost_spike', 'volume_spike', 'rate_drop', 'rate_spike', 'funnel_break', 'mix_shift', 'data_quality'];
/**
 * What "mixed" draws from: the level families on a column; on a funnel step (a binomial of a count column, which
 * never exceeds that count, so a spike of it is mostly capped away) a drop and the rate families instead.
 */
const MIXED_LEVEL: ScenarioType[] = ['spike', 'drop', 'level_shift'];
const MIXED_STEP: ScenarioType[] = ['rate_drop', 'rate_spike', 'funnel_break'];
const MIXED_ON_STEP: ScenarioType[] = ['drop', ...MIXED_STEP];
const RATE: string[] = ['rate_drop', 'rate_spike'];

/**
 * The magnitude a campaign draws per family (uniform in [lo, hi], two decimals) before `difficulty` scales
 * its deviation from "no change" (src/plan/scenario-params.ts: easy ×1.5, medium ×1, hard ×0.6).
 */
const MAGNITUDE: Record<ScenarioType, { param: string; lo: number; hi: number }> = {
  spike: { param: 'multiplier', lo: 1.8, hi: 3 },
  cost_spike: { param: 'multiplier', lo: 2, hi: 3.5 },
  volume_spike: { param: 'multiplier', lo: 2, hi: 3.5 },
  drop: { param: 'multiplier', lo: 0.4, hi: 0.7 },
  level_shift: { param: 'multiplier', lo: 1.4, hi: 1.9 },
  rate_drop: { param: 'k', lo: 3, hi: 5 },
  rate_spike: { param: 'k', lo: 3, hi: 5 },
  funnel_break: { param: 'factor', lo: 0.1, hi: 0.4 },
  mix_shift: { param: 'shift', lo: 0.25, hi: 0.45 },
  data_quality: { param: 'excess', lo: 0.05, hi: 0.2 },
};

const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;

/**
 * The detectability (robust z, src/scenarios/events.ts) a campaign event asks for, by difficulty: drawn uniform
 * in the range, inside the measured band (easy z ≥ 6, medium 3–6, hard below 3) with room for what rounding and
 * the event's other points move. The run sets the magnitude from the data to reach it (src/scenarios/calibrate.ts);
 * the drawn magnitude is kept for an event with nothing to compare with. data_quality breaks a rule and has no z.
 */
const TARGET_Z: Record<(typeof DIFFICULTIES)[number], [number, number]> = { easy: [7.5, 12], medium: [3.8, 5.2], hard: [1.6, 2.5] };

/** A campaign event as the scenario spec it expands to (planned like a hand-written one), and where it came from. */
export interface CampaignScenario {
  spec: Json;
  campaign: string;
  /** JSON pointer of the campaign (diagnostics of its events point there). */
  path: string;
}

/** Families a target column supports (explicitly named, and the ones "mixed" draws from). */
function familiesOf(ctx: PlanContext, drafts: Map<string, TableDraft>, table: string, column: string): { all: ScenarioType[]; mixed: ScenarioType[]; denominator: string | null } {
  const n = binomialInput(drafts.get(table)!.columns.find((c) => c.name === column)!, ctx.nodes.get(table)!.node);
  const all = FAMILIES.filter((f) => n !== null || !(MIXED_STEP as string[]).includes(f));
  return { all, mixed: n !== null ? MIXED_ON_STEP : MIXED_LEVEL, denominator: n };
}

/**
 * Expand every campaign into scenario specs. `taken` holds the scenario ids already used (hand-written);
 * event ids are `<campaign id>_<n>` (n from 1, zero-padded to the width of the count).
 */
export function expandCampaigns(ctx: PlanContext, doc: Json, drafts: Map<string, TableDraft>, aliases: Record<string, ScenarioType>, taken: Set<string>): { plans: CampaignPlan[]; scenarios: CampaignScenario[] } {
  const list: Json[] = Array.isArray(doc.anomaly_campaigns) ? doc.anomaly_campaigns : [];
  const plans: CampaignPlan[] = [];
  const scenarios: CampaignScenario[] = [];
  /** Windows already taken, per table: hand-written scenarios with a window, then campaign events. */
  const busy = handWrittenWindows(doc);
  const ids = new Set<string>();
  list.forEach((c, index) => {
    const path = pointer('anomaly_campaigns', index);
    if (typeof c?.id !== 'string' || !Array.isArray(c.families) || !Array.isArray(c.targets)) return; // the schema reports it
    if (ids.has(c.id)) return void error(ctx, 'DG_DUPLICATE_SCENARIO', `${path}/id`, `campaign id "${c.id}" is used twice`, 'campaign ids prefix the ids of their events and must be unique');
    ids.add(c.id);
    const planned = expandOne(ctx, c, path, drafts, aliases, taken, busy);
    if (!planned) return;
    plans.push(planned);
    for (const e of planned.events) scenarios.push({ spec: { ...e, seed: e.seed }, campaign: c.id, path });
  });
  return { plans, scenarios };
}

function expandOne(ctx: PlanContext, c: Json, path: string, drafts: Map<string, TableDraft>, aliases: Record<string, ScenarioType>, taken: Set<string>, busy: Map<string, [number, number][]>): CampaignPlan | undefined {
  // Families: scenario types (or their aliases) and "mixed".
  const named: (ScenarioType | 'mixed')[] = [];
  for (const [i, f] of (c.families as unknown[]).entries()) {
    const type = f === 'mixed' ? 'mixed' : (FAMILIES as unknown[]).includes(f) ? (f as ScenarioType) : aliases[String(f)];
    if (f === 'cap_violation' || f === 'cap_spike') return error(ctx, 'DG_BAD_CAMPAIGN', `${path}/families/${i}`, `campaign "${c.id}": family "${f}" adds rows to a table and cannot be drawn by a campaign`, 'write a cap_violation as a hand-written scenario in "scenarios"');
    if (!type) return error(ctx, 'DG_UNKNOWN_SCENARIO_TYPE', `${path}/families/${i}`, `unknown anomaly family ${JSON.stringify(f)}`, didYouMean(String(f), [...FAMILIES, 'mixed', ...Object.keys(aliases)]));
    if (!named.includes(type)) named.push(type);
  }
  if (named.length === 0) return error(ctx, 'DG_BAD_CAMPAIGN', `${path}/families`, `campaign "${c.id}" names no family`, 'e.g. ["spike", "drop"] or ["mixed"]');
  // Targets: numeric measure columns; each supports some of the families.
  const targets: { table: string; column: string; families: ScenarioType[]; text: string }[] = [];
  for (const [i, t] of (c.targets as unknown[]).entries()) {
    const at = `${path}/targets/${i}`;
    const ref = resolveRef(ctx, t, at, 'campaign target');
    if (!ref) return undefined;
    const draft = drafts.get(ref.table);
    const col = draft?.columns.find((x) => x.name === ref.column);
    if (!draft || !col) return undefined;
    if (!NUMERIC.includes(col.type)) return error(ctx, 'DG_TYPE_MISMATCH', at, `campaign "${c.id}" targets "${t}", which is ${col.type}; anomalies change numeric columns`, 'target an int, float or decimal column');
    if (ref.column === draft.pk) return error(ctx, 'DG_BAD_PARAM', at, `campaign "${c.id}" targets "${t}", the primary key of "${ref.table}"`, 'keys must stay unique: target a measure column');
    const f = familiesOf(ctx, drafts, ref.table, ref.column);
    const fams = [...new Set(named.flatMap((x) => (x === 'mixed' ? f.mixed : f.all.includes(x) ? [x] : [])))];
    if (fams.length === 0) {
      const step = named.find((x) => x !== 'mixed' && (MIXED_STEP as string[]).includes(x));
      return error(ctx, 'DG_BAD_CAMPAIGN', at, `campaign "${c.id}": no family of ${JSON.stringify(named)} applies to "${t}"`, step ? `${step} needs a funnel step: a column generated by binomial{n: "<count column>"}` : 'add "mixed" or a family the column supports');
    }
    targets.push({ table: ref.table, column: ref.column, families: FAMILIES.filter((x) => fams.includes(x)), text: `${ref.table}.${ref.column}` });
  }
  if (targets.length === 0) return error(ctx, 'DG_BAD_CAMPAIGN', `${path}/targets`, `campaign "${c.id}" names no target`, 'e.g. ["orders.amount"]');
  // Where events may lie.
  const tf = ctx.timeframe;
  const wStart = c.window?.start === undefined ? tf.startMs : parseInstant(c.window.start);
  const wEndRaw = c.window?.end === undefined ? tf.endMs + 1 : parseInstant(c.window.end);
  if (wStart === undefined) return error(ctx, 'DG_BAD_DATETIME', `${path}/window/start`, `campaign window start ${JSON.stringify(c.window.start)} is not an ISO-8601 date or instant`, 'e.g. "2025-03-01"');
  if (wEndRaw === undefined) return error(ctx, 'DG_BAD_DATETIME', `${path}/window/end`, `campaign window end ${JSON.stringify(c.window.end)} is not an ISO-8601 date or instant`, 'e.g. "2025-03-31" (a date includes that whole day)');
  const wEnd = typeof c.window?.end === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(c.window.end.trim()) ? wEndRaw + DAY_MS : wEndRaw;
  // Durations: a fixed one or a range {min, max}, drawn in whole days (hours when a bound is not whole days).
  const dur = c.duration ?? '1d';
  const dPath = `${path}/duration`;
  const minD = parseDuration(typeof dur === 'object' && dur !== null ? dur.min : dur);
  const maxD = parseDuration(typeof dur === 'object' && dur !== null ? dur.max : dur);
  if (minD === undefined || maxD === undefined || !(minD > 0) || maxD < minD) return error(ctx, 'DG_BAD_PARAM', dPath, `campaign duration ${JSON.stringify(dur)} is not a positive duration (or a range {min, max} with min ≤ max)`, 'e.g. "1d" or {"min": "1d", "max": "3d"}');
  const unit = minD % DAY_MS === 0 && maxD % DAY_MS === 0 ? DAY_MS : HOUR_MS;
  if (minD % unit !== 0 || maxD % unit !== 0) return error(ctx, 'DG_BAD_PARAM', dPath, `campaign duration ${JSON.stringify(dur)} is not a whole number of hours`, 'durations are drawn in whole days, or whole hours: e.g. "6h"');
  const gap = c.min_gap === undefined ? 0 : parseDuration(c.min_gap);
  if (gap === undefined || gap < 0) return error(ctx, 'DG_BAD_PARAM', `${path}/min_gap`, `min_gap ${JSON.stringify(c.min_gap)} is not a duration ≥ 0`, 'e.g. "2d": at least two days between two events of a table');
  if (Math.ceil(wStart / unit) * unit + minD > wEnd) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/window`, `campaign "${c.id}": its window holds no event of ${fmtDuration(minD)}`, 'widen the window or shorten the duration');
  // How many events.
  let count: number;
  if (c.count !== undefined && c.density !== undefined) return error(ctx, 'DG_BAD_CAMPAIGN', `${path}/density`, `campaign "${c.id}" has both "count" and "density"`, 'keep one: count (events in all) or density (events per table-day or table-week)');
  if (c.count !== undefined) {
    if (!Number.isInteger(c.count) || c.count < 1 || c.count > MAX_CAMPAIGN_EVENTS) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/count`, `campaign count ${JSON.stringify(c.count)} is not a whole number in [1, ${MAX_CAMPAIGN_EVENTS}]`, 'e.g. 12');
    count = c.count;
  } else if (c.density !== undefined) {
    const per = c.density?.per ?? 'table_day';
    const rate = c.density?.rate;
    if (per !== 'table_day' && per !== 'table_week') return error(ctx, 'DG_BAD_PARAM', `${path}/density/per`, `density per ${JSON.stringify(per)} is not "table_day" or "table_week"`, 'events per day (or week) of the window and target table');
    if (!isNumber(rate) || rate <= 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/density/rate`, `density rate ${JSON.stringify(rate)} is not a positive number`, 'e.g. {"per": "table_week", "rate": 1}');
    const periods = (wEnd - wStart) / (per === 'table_day' ? DAY_MS : 7 * DAY_MS);
    count = Math.max(1, Math.round(rate * periods * new Set(targets.map((t) => t.table)).size));
    if (count > MAX_CAMPAIGN_EVENTS) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/density/rate`, `campaign "${c.id}": density ${rate} per ${per} gives ${count} events, more than ${MAX_CAMPAIGN_EVENTS}`, 'lower the rate or narrow the window');
  } else return error(ctx, 'DG_MISSING_PARAM', path, `campaign "${c.id}" needs "count" or "density"`, 'e.g. "count": 10');
  // Difficulty mix.
  const mixRaw = c.difficulty ?? { medium: 1 };
  const weights = DIFFICULTIES.map((d) => mixRaw[d] ?? 0);
  const badMix = Object.keys(mixRaw).find((k) => !(DIFFICULTIES as readonly string[]).includes(k) || !isNumber(mixRaw[k]) || mixRaw[k] < 0);
  if (badMix) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/difficulty/${badMix}`, `difficulty weight ${JSON.stringify(badMix)}: ${JSON.stringify(mixRaw[badMix])} is not a weight ≥ 0 of easy, medium or hard`, 'e.g. {"easy": 0.3, "medium": 0.5, "hard": 0.2}');
  const wsum = weights.reduce((a, b) => a + b, 0);
  if (!(wsum > 0)) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/difficulty`, `campaign "${c.id}": the difficulty weights add up to 0`, 'give at least one of easy, medium, hard a positive weight');
  const seed = Number.isInteger(c.seed) ? c.seed : ctx.seed;
  const stream = streamKey(seed, '__campaign', c.id);
  const width = Math.max(2, String(count).length);
  const events: Json[] = [];
  for (let j = 0; j < count; j++) {
    const id = `${c.id}_${String(j + 1).padStart(width, '0')}`;
    if (taken.has(id)) return error(ctx, 'DG_DUPLICATE_SCENARIO', `${path}/id`, `campaign "${c.id}" names its event ${j + 1} "${id}", which is already a scenario id`, 'rename the campaign or the scenario');
    taken.add(id);
    const target = targets[Math.floor(uniform(stream, j, 0) * targets.length)];
    const family = target.families[Math.floor(uniform(stream, j, 1) * target.families.length)];
    const du = uniform(stream, j, 2) * wsum;
    let di = 0;
    for (let acc = weights[0]; di < 2 && du >= acc; acc += weights[++di]);
    const m = MAGNITUDE[family];
    const u3 = uniform(stream, j, 3);
    const magnitude = Math.round((m.lo + u3 * (m.hi - m.lo)) * 100) / 100;
    const units = Math.floor(uniform(stream, j, 4) * (Math.round((maxD - minD) / unit) + 1));
    // A rate family compares daily ratios (Σtarget / Σdenominator per UTC day): its events are whole UTC days.
    const step = RATE.includes(family) ? DAY_MS : unit;
    const length = RATE.includes(family) ? Math.max(DAY_MS, Math.ceil((minD + units * unit) / DAY_MS) * DAY_MS) : minD + units * unit;
    const first = Math.ceil(wStart / step) * step;
    const slots = Math.floor((wEnd - length - first) / step) + 1;
    if (slots < 1) return error(ctx, 'DG_CAMPAIGN_CROWDED', `${path}/duration`, `campaign "${c.id}": event ${id} of ${fmtDuration(length)} does not fit in the window`, 'shorten the duration or widen the window');
    const taken2 = busy.get(target.table) ?? [];
    let start = -1;
    const free = (s: number) => taken2.every(([lo, hi]) => s >= hi + gap || s + length + gap <= lo);
    for (let a = 0; a < ATTEMPTS && start < 0; a++) {
      const s = first + Math.floor(uniform(stream, j, 10 + a) * slots) * step;
      if (free(s)) start = s;
    }
    // A crowded window: the first free slot after a drawn one (so "crowded" means no room at all).
    const from = Math.floor(uniform(stream, j, 8) * slots);
    for (let a = 0; start < 0 && a < slots; a++) {
      const s = first + ((from + a) % slots) * step;
      if (free(s)) start = s;
    }
    if (start < 0) return error(ctx, 'DG_CAMPAIGN_CROWDED', count === c.count ? `${path}/count` : `${path}/density`, `campaign "${c.id}": no room for event ${j + 1} of ${count} on table "${target.table}" (events of ${minD === maxD ? fmtDuration(minD) : `${fmtDuration(minD)}–${fmtDuration(maxD)}`} at least ${fmtDuration(gap)} apart in ${fmtDuration(wEnd - first)})`, 'lower count or min_gap, shorten the duration, or widen the window');
    taken2.push([start, start + length]);
    busy.set(target.table, taken2);
    const den = familiesOf(ctx, drafts, target.table, target.column).denominator;
    const params: Json = family !== 'data_quality' ? { [m.param]: magnitude } : den ? { mode: 'exceed', denominator: den, excess: magnitude } : { mode: 'null' };
    if (family === 'rate_drop' || family === 'rate_spike') params.denominator = den;
    if (family !== 'data_quality') {
      const [zlo, zhi] = TARGET_Z[DIFFICULTIES[di]];
      params.detectability = Math.round((zlo + u3 * (zhi - zlo)) * 100) / 100;
    }
    const event: Json = {
      id, type: family, target: target.text,
      window: { start: iso(start), end: iso(start + length) },
      params, difficulty: DIFFICULTIES[di], seed: mix(stream, j, 9) >>> 1,
    };
    if (c.selection !== undefined) event.selection = c.selection;
    else if (c.entities !== undefined) event.selection = { random_k: c.entities };
    else {
      const parent = 'parent' in drafts.get(target.table)!.rows ? (drafts.get(target.table)!.rows as { parent: string }).parent : null;
      if (parent) event.selection = { random_k: 1 };
    }
    if (typeof c.description_template === 'string') event.description_template = c.description_template;
    events.push(event);
  }
  return { id: c.id, index: Number(path.split('/').pop()), seed, events };
}

/** The windows of the hand-written scenarios that have one (those without span the timeframe and are not avoided). */
function handWrittenWindows(doc: Json): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const s of Array.isArray(doc.scenarios) ? doc.scenarios : []) {
    const w = s?.window;
    if (typeof s?.target !== 'string' || w === undefined) continue;
    const start = parseInstant(w.start);
    const end = w.end !== undefined ? (parseInstant(w.end) ?? NaN) + (typeof w.end === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(w.end.trim()) ? DAY_MS : 0) : start !== undefined && w.duration !== undefined ? start + (parseDuration(w.duration) ?? NaN) : NaN;
    if (start === undefined || !(end > start)) continue; // no window, or a bad one (diagnosed with the scenario)
    const table = s.target.includes('.') ? s.target.slice(0, s.target.indexOf('.')) : s.target;
    (out.get(table) ?? out.set(table, []).get(table)!).push([start, end]);
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function fmtDuration(ms: number): string {
  return ms % DAY_MS === 0 ? `${ms / DAY_MS}d` : ms % HOUR_MS === 0 ? `${ms / HOUR_MS}h` : `${Math.round((ms / DAY_MS) * 10) / 10}d`;
}
