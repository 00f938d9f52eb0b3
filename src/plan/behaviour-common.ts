/**
 * What the behaviour planners share (behaviours.ts and the behaviour-*.ts planners): the segment information of
 * an entity, segment variations, where a parent's relationship starts, the columns a behaviour writes and random
 * durations. A leaf of the behaviour planners, so that they import it and not each other.
 */
import { didYouMean } from '../diagnostics/suggest.ts';
import { normalizeDist } from '../model/dist/normalize.ts';
import { streamKey } from '../model/rng.ts';
import { PROBLEM_CODES } from './programs/generators/distribution.ts';
import { error, type Json, type PlanContext, warning } from './context.ts';
import { AGE_UNIT_MS } from '../model/curves.ts';
import { endStateOf, resolveLifetime } from './lifetime.ts';
import type { TableDraft } from './tables.ts';
import type { ColumnPlan, ColumnType, EndState, FanoutPlan, GeneratorProgram, SegmentScale } from '../ir/types.ts';

const DAY = 86_400_000;
const DURATION_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: DAY, week: 7 * DAY, month: AGE_UNIT_MS.month };
const NUMERIC: ColumnType[] = ['int', 'float', 'decimal'];

/** What an entity's segment_behavior says per segment, for the behaviours of its children. */
export interface SegmentInfo {
  column: string;
  fanout: Record<string, number>;
  value: Record<string, number>;
  decay: Record<string, number>;
  transition: Record<string, number>;
  churn: Record<string, number>;
  /** Per child table, per segment: `behaviors.<segment>.tables.<child>` (a fanout_multiplier and/or a fanout of its own). */
  tables: Record<string, Record<string, ChildSegmentEffect>>;
}

/** A segment's effect on one child table; `path`: where the spec wrote it. */
export interface ChildSegmentEffect { multiplier?: number; fanout?: FanoutPlan; path: string }

/**
 * A behaviour's `segment_variation{seg: {<key>_multiplier}}` over the parent's segments, merged over the parent's
 * segment_behavior multipliers; it reads the parent's segment_column, or else a choice column drawing those
 * segment names. null: no variation; undefined: an error was reported.
 */
export function segmentVariation(ctx: PlanContext, path: string, parent: string, pdraft: TableDraft, info: SegmentInfo | undefined, raw: Json, key: 'transition' | 'churn'): SegmentScale | null | undefined {
  const variation = raw && typeof raw === 'object' ? raw : null;
  const base = info?.[key] ?? {};
  if (variation && Object.keys(variation).length) {
    const keys = Object.keys(variation);
    const column = info?.column ?? pdraft.columns.find((c) => c.generator.kind === 'choice' && keys.every((k) => c.generator.kind === 'choice' && c.generator.values.map(String).includes(k)))?.name;
    if (!column) return error(ctx, 'DG_NO_SEGMENT_COLUMN', path, `"${parent}" has no segment column with the values ${keys.join(', ')}`, `declare segment_behavior {"segment_column": …} on "${parent}", or give it a choice column drawing these segments`);
    const multipliers: Record<string, number> = { ...base };
    for (const k of keys) multipliers[k] = Number(variation[k]?.[`${key}_multiplier`] ?? 1);
    return { table: parent, column, multipliers };
  }
  if (info && Object.values(base).some((m) => m !== 1)) return { table: parent, column: info.column, multipliers: base };
  return null;
}

/** Where a parent's relationship starts: the birth of its lifetime (src/plan/lifetime.ts; null: the window start). */
export function parentStart(ctx: PlanContext, parent: string, _pdraft: TableDraft): string | null {
  return resolveLifetime(ctx, ctx.nodes.get(parent)!.node).from;
}

/**
 * A column a behaviour writes: an existing column of the right type is taken over (its generator replaced,
 * its modifiers and null_rate dropped with a warning), a missing one is added with `type`.
 */
export function behaviourColumn(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, name: string, type: ColumnType, program: GeneratorProgram, what: string): ColumnPlan | undefined {
  let col = draft.columns.find((c) => c.name === name);
  if (!col) col = addColumn(ctx, node, draft, name, type);
  const i = node.columns.findIndex((c: Json) => c?.name === name);
  const isTime = (t: ColumnType) => t === 'datetime' || t === 'date';
  const ok = type === 'string' ? col.type === 'string' : NUMERIC.includes(type) ? NUMERIC.includes(col.type) : isTime(col.type);
  if (!ok) return error(ctx, 'DG_TYPE_MISMATCH', `${nodePath}/columns/${i}/type`, `"${name}" receives ${what} but is ${col.type}`, `make it ${type === 'string' ? 'string' : NUMERIC.includes(type) ? 'int' : 'datetime or date'}`);
  if (col.modifiers.length) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/columns/${i}/modifiers`, `"${name}" receives ${what}; its modifiers are not applied`, 'remove the modifiers');
  if (col.nullRate > 0) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/columns/${i}/null_rate`, `"${name}" receives ${what}, which has no random nulls`, 'remove null_rate');
  col.generator = program;
  col.modifiers = [];
  col.nullRate = 0;
  return col;
}

export function addColumn(ctx: PlanContext, node: Json, draft: TableDraft, name: string, type: ColumnType): ColumnPlan {
  const col: ColumnPlan = {
    name, type, sqlType: type === 'int' ? 'BIGINT' : type === 'datetime' ? 'TIMESTAMP' : type === 'date' ? 'DATE' : 'VARCHAR', nullable: false, nullRate: 0, enumValues: null,
    stream: streamKey(ctx.seed, String(node.id), name, 'value'), generator: { kind: 'stage', field: 'name' }, modifiers: [],
  };
  draft.columns.push(col);
  draft.evalOrder.push(name);
  return col;
}

/**
 * A random duration `{distribution, params, clamp?, unit}` (funnel delays, lifecycle stage durations): unit
 * minute/hour/day (default)/week/month; parameters must be numbers (there is no row to read columns from).
 */
export function planDurationDist(ctx: PlanContext, d: Json, path: string, what: string): { dist: string; params: Record<string, number | string>; clamp: [number | null, number | null]; unitMs: number } | undefined {
  const unitMs = DURATION_UNITS[d.unit ?? 'day'];
  if (!unitMs) return error(ctx, 'DG_BAD_PARAM', `${path}/unit`, `unknown ${what} unit ${JSON.stringify(d.unit)}`, didYouMean(String(d.unit), Object.keys(DURATION_UNITS)));
  const norm = normalizeDist(String(d.distribution), d.params ?? {});
  if ('unknownType' in norm) return error(ctx, 'DG_UNKNOWN_DISTRIBUTION', `${path}/distribution`, `unknown distribution ${JSON.stringify(d.distribution)}`, norm.suggestions.length ? `did you mean "${norm.suggestions[0]}"?` : 'e.g. "exponential", "lognormal", "gamma"');
  if (norm.problems.length) {
    const p = norm.problems[0];
    return error(ctx, PROBLEM_CODES[p.kind], p.param ? `${path}/params/${p.param}` : `${path}/params`, p.message, p.hint);
  }
  const str = Object.keys(norm.params).find((k) => typeof norm.params[k] === 'string');
  if (str) return error(ctx, 'DG_BAD_PARAM', `${path}/params/${str}`, `a ${what} parameter must be a number (there is no row to read columns from)`, 'give a number');
  const clamp: [number | null, number | null] = Array.isArray(d.clamp) ? [d.clamp[0] ?? null, d.clamp[1] ?? null] : [null, null];
  return { dist: norm.type, params: norm.params, clamp, unitMs };
}

/**
 * The end of the parent's lifetime, for a behaviour table `draft` over it: its `to` column, or the first entry into
 * states of a state machine or lifecycle over the parent (`to: {table, states}`; that table is generated first —
 * it is not cut by its own states).
 */
export function lifetimeEnd(ctx: PlanContext, parent: string, draft: TableDraft): { column: string | null; state?: EndState } {
  const life = resolveLifetime(ctx, ctx.nodes.get(parent)!.node);
  const state = life.toState && life.toState.table !== draft.id ? endStateOf(ctx, life) : undefined;
  if (state && !draft.dependsOn.includes(state.table)) draft.dependsOn = [...draft.dependsOn, state.table].sort();
  return { column: life.to, ...(state ? { state } : {}) };
}

/** The parent's lifetime end as state machines and lifecycles hold it (`endFrom` column, `endState`). */
export function endFromOf(ctx: PlanContext, parent: string, draft: TableDraft): { endFrom?: string; endState?: EndState } {
  const e = lifetimeEnd(ctx, parent, draft);
  return { ...(e.column ? { endFrom: e.column } : {}), ...(e.state ? { endState: e.state } : {}) };
}
