import { didYouMean } from '../diagnostics/suggest.ts';
import { error, findColumn, isNumber, type Json, type PlanContext } from './context.ts';
import type { ColumnPlan, ScenarioType } from '../ir/types.ts';

/** Difficulty scales a magnitude's deviation from "no change": easy ×1.5, medium ×1, hard ×0.6. */
const DIFFICULTY: Record<string, number> = { easy: 1.5, medium: 1, hard: 0.6 };

const DEFAULT_MULTIPLIER: Partial<Record<ScenarioType, number>> = { spike: 2, drop: 0.5, level_shift: 1.3, cost_spike: 3, volume_spike: 2.5 };
const NIGHT = [0, 1, 2, 3, 4, 21, 22, 23];
const DAYTIME = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];

/** Column scenarios and the scenario type that adds rows. */
export type ParamsType = ScenarioType | 'cap_violation';

/** Parameter names each type accepts (time_reference everywhere). */
const ALLOWED: Record<ParamsType, string[]> = {
  spike: ['multiplier', 'magnitude', 'detectability'], drop: ['multiplier', 'magnitude', 'detectability'], level_shift: ['multiplier', 'magnitude', 'detectability'],
  cost_spike: ['multiplier', 'magnitude', 'detectability'], volume_spike: ['multiplier', 'magnitude', 'detectability'],
  rate_drop: ['denominator', 'k', 'min_shift', 'detectability'], rate_spike: ['denominator', 'k', 'min_shift', 'detectability'],
  funnel_break: ['factor', 'detectability'],
  mix_shift: ['shift', 'boost_hours', 'reduce_hours', 'detectability'],
  data_quality: ['mode', 'denominator', 'excess', 'share'],
  cap_violation: ['cap', 'exceed_by', 'period'],
};

const PERIODS = ['hour', 'day', 'week', 'month'];

export interface PlannedParams {
  params: Record<string, number | string | number[]>;
  denominator: string | null;
}

/** Largest detectability a scenario may ask for (the cap of the measured z, src/scenarios/events.ts). */
const MAX_DETECTABILITY = 1000;

/**
 * Check a scenario's params, apply defaults and the difficulty; `magnitude` is what labels report. `detectability`
 * (a robust z, docs/anomalies.md#difficulty-bands) is kept as given, not scaled by the difficulty: the run sets the
 * magnitude from the data so that the event measures that z (src/scenarios/calibrate.ts); the other parameters are
 * its fallback when the data has nothing to compare with.
 */
export function planParams(ctx: PlanContext, type: ParamsType, raw: Json, path: string, difficulty: string, localColumn: (name: unknown, path: string) => string | undefined): PlannedParams | undefined {
  const out = planParamsOf(ctx, type, raw, path, difficulty, localColumn);
  if (!out || raw.detectability === undefined) return out;
  const z = raw.detectability;
  if (!isNumber(z) || !(z > 0) || z > MAX_DETECTABILITY) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/detectability`, `${type} detectability ${JSON.stringify(z)} is not a robust z in (0, ${MAX_DETECTABILITY}]`, 'e.g. 8 (easy: z ≥ 6), 4.5 (medium: 3–6) or 2 (hard: below 3)');
  return { ...out, params: { ...out.params, detectability: z } };
}

function planParamsOf(ctx: PlanContext, type: ParamsType, raw: Json, path: string, difficulty: string, localColumn: (name: unknown, path: string) => string | undefined): PlannedParams | undefined {
  const d = DIFFICULTY[difficulty] ?? 1;
  const tidy = (x: number) => Number(x.toPrecision(12)); // 1 − (1 − 0.2) × 1 is 0.2, not 0.19999999999999996
  const unknown = Object.keys(raw).find((k) => k !== 'time_reference' && !ALLOWED[type].includes(k));
  if (unknown) return error(ctx, 'DG_UNKNOWN_PARAM', `${path}/${unknown}`, `scenario type "${type}" has no parameter "${unknown}"`, didYouMean(unknown, [...ALLOWED[type], 'time_reference']));
  const num = (name: string, dflt: number, ok: (x: number) => boolean, what: string): number | undefined => {
    const x = raw[name] ?? dflt;
    return isNumber(x) && ok(x) ? x : error(ctx, 'DG_OUT_OF_RANGE', `${path}/${name}`, `${type} ${name} ${JSON.stringify(raw[name])} is not ${what}`, type === 'drop' ? `e.g. ${dflt}; a drop scales values down (use "spike" to raise them)` : `e.g. ${dflt}`);
  };
  switch (type) {
    case 'spike': case 'drop': case 'level_shift': case 'cost_spike': case 'volume_spike': {
      const name = raw.multiplier === undefined && raw.magnitude !== undefined ? 'magnitude' : 'multiplier';
      const m = num(name, DEFAULT_MULTIPLIER[type]!, (x) => (type === 'drop' ? x >= 0 && x < 1 : type === 'level_shift' ? x >= 0 : x > 1), type === 'drop' ? 'a multiplier in [0, 1)' : type === 'level_shift' ? 'a multiplier ≥ 0' : 'a multiplier > 1');
      if (m === undefined) return undefined;
      const eff = tidy(m >= 1 ? 1 + (m - 1) * d : Math.max(0, 1 - (1 - m) * d));
      return { params: { multiplier: eff, magnitude: eff }, denominator: null };
    }
    case 'rate_drop': case 'rate_spike': {
      const den = localColumn(raw.denominator, `${path}/denominator`);
      const k = num('k', 2.2, (x) => x > 0, 'a positive number of standard deviations');
      const floor = num('min_shift', 0, (x) => x >= 0, 'a ratio difference ≥ 0');
      if (!den || k === undefined || floor === undefined) return undefined;
      return { params: { k: tidy(k * d), min_shift: tidy(floor * d), magnitude: tidy(k * d) }, denominator: den };
    }
    case 'funnel_break': {
      const f = num('factor', 0.3, (x) => x >= 0 && x < 1, 'a share in [0, 1) of the step\'s conversions that remain');
      if (f === undefined) return undefined;
      const eff = tidy(Math.max(0, 1 - (1 - f) * d));
      return { params: { factor: eff, magnitude: eff }, denominator: null };
    }
    case 'mix_shift': {
      const s = num('shift', 0.2, (x) => x > 0 && x < 1, 'a share in (0, 1)');
      const hours = (name: string, dflt: number[]) => {
        const h = raw[name] ?? dflt;
        return Array.isArray(h) && h.every((x) => Number.isInteger(x) && x >= 0 && x < 24) ? (h as number[]) : error(ctx, 'DG_BAD_PARAM', `${path}/${name}`, `${name} must be a list of hours 0–23`, `e.g. ${JSON.stringify(dflt)}`);
      };
      const boost = hours('boost_hours', NIGHT);
      const reduce = hours('reduce_hours', DAYTIME);
      if (s === undefined || !boost || !reduce) return undefined;
      return { params: { shift: tidy(Math.min(0.95, s * d)), magnitude: tidy(Math.min(0.95, s * d)), boost_hours: boost, reduce_hours: reduce }, denominator: null };
    }
    case 'data_quality': {
      const mode = raw.mode ?? (raw.denominator !== undefined ? 'exceed' : 'null');
      if (mode !== 'exceed' && mode !== 'null' && mode !== 'duplicate') return error(ctx, 'DG_BAD_PARAM', `${path}/mode`, `data_quality mode ${JSON.stringify(mode)} is not "exceed", "null" or "duplicate"`, '"exceed": the target above its denominator (impossible counts); "null": missing values; "duplicate": rows written twice');
      const extra = Object.keys(raw).find((k) => (mode === 'duplicate' ? ['denominator', 'excess'] : ['share']).includes(k));
      if (extra) return error(ctx, 'DG_UNKNOWN_PARAM', `${path}/${extra}`, `data_quality mode "${mode}" has no parameter "${extra}"`, mode === 'duplicate' ? '"share" is the probability that a selected row is duplicated' : '"share" goes with mode "duplicate"');
      if (mode === 'null') return { params: { mode, magnitude: 1 }, denominator: null };
      if (mode === 'duplicate') {
        const f = num('share', 0.02, (x) => x > 0 && x <= 1, 'a probability in (0, 1]');
        if (f === undefined) return undefined;
        const eff = tidy(Math.min(1, f * d));
        return { params: { mode, share: eff, magnitude: eff }, denominator: null };
      }
      if (raw.denominator === undefined) return error(ctx, 'DG_MISSING_PARAM', path, 'data_quality "exceed" needs "denominator" (the count the target must not exceed)', 'e.g. {"mode": "exceed", "denominator": "app_opens"}');
      const den = localColumn(raw.denominator, `${path}/denominator`);
      const e = num('excess', 0.08, (x) => x > 0, 'a positive share of the denominator');
      if (!den || e === undefined) return undefined;
      return { params: { mode, excess: tidy(e * d), magnitude: tidy(e * d) }, denominator: den };
    }
    case 'cap_violation': {
      const cap = raw.cap === undefined ? undefined : num('cap', 1, (x) => Number.isInteger(x) && x >= 0, 'a whole number of rows ≥ 0');
      const by = num('exceed_by', 2, (x) => Number.isInteger(x) && x >= 1, 'a whole number of rows ≥ 1');
      const period = raw.period ?? 'day';
      if (!PERIODS.includes(period)) return error(ctx, 'DG_BAD_PARAM', `${path}/period`, `cap_violation period ${JSON.stringify(period)} is not one of ${PERIODS.join(', ')}`, 'the cap counts rows per entity and period, e.g. "day"');
      if ((raw.cap !== undefined && cap === undefined) || by === undefined) return undefined;
      const exceed = Math.max(1, Math.round(by * d));
      return { params: { ...(cap === undefined ? {} : { cap }), exceed_by: exceed, period, magnitude: exceed }, denominator: null };
    }
  }
}

/** A binomial step never exceeds its n: the column n names (a plain column of the row), or null. Scenarios (other than data_quality) keep the target ≤ it. */
export function binomialInput(col: ColumnPlan, node: Json): string | null {
  const g = col.generator;
  const n = g.kind === 'distribution' && g.dist === 'binomial' ? g.params.n : undefined;
  // n may be a column name or an expression: only a plain column of the row is a cap
  return typeof n === 'string' && /^[A-Za-z_]\w*$/.test(n.trim()) && findColumn(node, n.trim()) ? n.trim() : null;
}
