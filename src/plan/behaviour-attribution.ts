/**
 * DSL §5.8 multi-touch attribution (`attribution_chain` on a fact): journeys per parent row (the fact's
 * fanout, × the parent's exposure), ends inside the parent's lifetime, touches inside the attribution window
 * before the journey's end (after the previous journey's end unless `overlap`), conversion rising with the
 * touches. Written as touchpoints (default) or as conversions (`emit`, extension). See docs/behaviours.md.
 */
import { pointer } from '../diagnostics/diagnostic.ts';
import { streamKey } from '../model/rng.ts';
import { cumulative } from './programs/generators/choice.ts';
import { addColumn, behaviourColumn, lifetimeEnd, type SegmentInfo } from './behaviour-common.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import { error, isNumber, type Json, type PlanContext, warning } from './context.ts';
import { resolveLifetime } from './lifetime.ts';
import { planFanout, type TableDraft } from './tables.ts';
import type { AttributionPlan, ColumnPlan, GeneratorProgram, SegmentScale } from '../ir/types.ts';

const DAY = 86_400_000;
const OTHERS = ['stage_config', 'grain', 'state_transition_model', 'lifecycle_model', 'adoption_model'];

export function planAttributions(ctx: PlanContext, drafts: Map<string, TableDraft>, segments: Map<string, SegmentInfo>): void {
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.attribution_chain !== undefined) planAttribution(ctx, node, pointer('nodes', index), draft, drafts, segments);
  }
}

function planAttribution(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, drafts: Map<string, TableDraft>, segments: Map<string, SegmentInfo>): void {
  const path = `${nodePath}/attribution_chain`;
  const ac = node.attribution_chain;
  const parent: string | undefined = Array.isArray(node.parents) ? node.parents[0] : undefined;
  for (const other of OTHERS) if (node[other] !== undefined) return void error(ctx, 'DG_BAD_PARAM', path, `"${node.id}" cannot have both attribution_chain and ${other}`, 'keep one of them (use two facts over the same parent)');
  if (node.kind !== 'fact' || !parent || !drafts.has(parent) || draft.rows.kind !== 'fanout') return void error(ctx, 'DG_NO_PARENT', path, `attribution_chain on "${node.id}" needs a fact with a parent (journeys per parent row)`, 'make the node a fact and list the entity whose journeys these are first in "parents"');
  if (Array.isArray(node.modifiers) && node.modifiers.length) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/modifiers`, 'table-level effects of an attribution fact are not applied to its journeys', 'remove the table-level modifiers');
  if (ctx.nodes.get(parent)?.node.vintage_behavior?.age_based_multipliers !== undefined) warning(ctx, 'DG_IGNORED_OPTION', path, `the age curves of "${parent}" (vintage_behavior) do not apply to its journeys: their ends follow the time column's grid inside the parent's lifetime`, 'restrict the time column\'s window (within) instead');
  const types: string[] = Array.isArray(ac?.touchpoint_types) ? ac.touchpoint_types.map(String) : [];
  if (new Set(types).size !== types.length) return void error(ctx, 'DG_BAD_PARAM', `${path}/touchpoint_types`, 'touchpoint types must be unique', 'remove the repeated type (use touchpoint_weights to make a type more likely)');
  const weights = typeWeights(ctx, ac.touchpoint_weights, `${path}/touchpoint_weights`, types);
  const first = typeWeights(ctx, ac.first_touch_weights, `${path}/first_touch_weights`, types);
  const last = typeWeights(ctx, ac.last_touch_weights, `${path}/last_touch_weights`, types);
  if (weights === undefined || first === undefined || last === undefined) return;
  const touches = planFanout(ctx, ac.touchpoints_per_conversion, `${path}/touchpoints_per_conversion`);
  if (!touches) return;
  const cp = ac.conversion_probability ?? {};
  const emit: AttributionPlan['emit'] = ac.emit ?? 'touchpoints';
  const skip = emit === 'touchpoints' ? 'converted_at' : '';
  const timeCol = draft.columns.find((c) => c.generator.kind === 'datetime' && c.name !== skip) ?? draft.columns.find((c) => (c.type === 'datetime' || c.type === 'date') && c.name !== skip);
  const g = timeCol?.generator.kind === 'datetime' ? timeCol.generator : null;
  if (timeCol && !g) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/columns/${node.columns.findIndex((c: Json) => c?.name === timeCol!.name)}/generator`, `"${timeCol.name}" holds the ${emit === 'touchpoints' ? 'touch' : 'conversion'} times; its own generator is not used`, 'give it a datetime_series generator (its window, freq and patterns place the journeys\' ends)');
  const grid = { startMs: g?.startMs ?? ctx.timeframe.startMs, endMs: g?.endMs ?? ctx.timeframe.endMs, freq: g?.freq ?? ctx.timeframe.freq, patterns: g?.patterns ?? [] };
  const time = attributionColumns(ctx, node, nodePath, draft, emit, timeCol?.name ?? (emit === 'touchpoints' ? 'touch_at' : 'converted_at'), timeCol?.type ?? 'datetime', types);
  if (!time) return;
  const dateOnly = time.type === 'date';
  const life = resolveLifetime(ctx, ctx.nodes.get(parent)!.node);
  const info = segments.get(parent);
  const scale = (m: Record<string, number> | undefined): SegmentScale | null => (info && m && Object.values(m).some((x) => x !== 1) ? { table: parent, column: info.column, multipliers: m } : null);
  const attribution: AttributionPlan = {
    emit, journeys: draft.rows.fanout, touches, types, cdf: cumulative(weights ?? types.map(() => 1)), firstCdf: first && cumulative(first), lastCdf: last && cumulative(last), windowMs: Number(ac.attribution_window_days) * DAY,
    base: Number(cp.base), multiplier: isNumber(cp.multiplier_per_touch) ? cp.multiplier_per_touch : 1, saturation: isNumber(cp.saturation_at) ? cp.saturation_at : null,
    ...grid, dateOnly, segments: scale(info?.fanout), conversion: scale(info?.transition),
    // Journeys happen while the parent exists (docs/behaviours/lifetimes.md); they do not overlap unless allowed.
    lifetimeFrom: life.from, lifetimeTo: life.to, ...withEndState(lifetimeEnd(ctx, parent, draft).state), overlap: ac.overlap === true,
  };
  // Keyed by the parent and the model, not the fact: a touchpoints fact and a conversions fact agree.
  const { emit: _emit, ...model } = attribution;
  const stream = streamKey(ctx.seed, parent, '__attribution', sha256(canonicalJson(model)).slice(0, 16));
  draft.rows = { kind: 'attribution', parent, stream, attribution };
}

/** The columns an attribution fact writes (taken over or added); returns its time column, or undefined after an error. */
function attributionColumns(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, emit: AttributionPlan['emit'], timeName: string, timeType: ColumnPlan['type'], types: string[]): ColumnPlan | undefined {
  const what = (f: string) => `the attribution chain's ${f}`;
  const col = (name: string, type: ColumnPlan['type'], field: Extract<GeneratorProgram, { kind: 'attribution' }>['field'], f: string) => behaviourColumn(ctx, node, nodePath, draft, name, type, { kind: 'attribution', field }, what(f));
  const time = () => col(timeName, timeType, 'time', emit === 'touchpoints' ? 'touch time' : 'conversion time');
  const cols = emit === 'touchpoints'
    ? [col('journey_id', 'int', 'journey', 'journey id'), col('touch_index', 'int', 'index', 'touch index'), col('touchpoint_type', 'string', 'type', 'touchpoint type'), time(),
      boolColumn(ctx, node, nodePath, draft, 'converted'), col('converted_at', 'datetime', 'converted_at', 'conversion time')]
    : [col('journey_id', 'int', 'journey', 'journey id'), time(), col('touch_count', 'int', 'touches', 'touch count')];
  if (cols.some((c) => !c)) return undefined;
  if (emit === 'touchpoints') {
    const [, , typeCol, , , convertedAt] = cols as ColumnPlan[];
    typeCol.enumValues = types;
    typeCol.sqlType = 'ENUM';
    convertedAt.nullable = true;
    return cols[3];
  }
  return cols[1];
}

/** The converted flag: an existing bool column is taken over, a missing one added. */
function boolColumn(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, name: string): ColumnPlan | undefined {
  let col = draft.columns.find((c) => c.name === name);
  const i = node.columns.findIndex((c: Json) => c?.name === name);
  if (col && col.type !== 'bool') return error(ctx, 'DG_TYPE_MISMATCH', `${nodePath}/columns/${i}/type`, `"${name}" receives the attribution chain's converted flag but is ${col.type}`, 'make it bool');
  if (col?.modifiers.length) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/columns/${i}/modifiers`, `"${name}" receives the attribution chain's converted flag; its modifiers are not applied`, 'remove the modifiers');
  if (!col) {
    col = addColumn(ctx, node, draft, name, 'bool');
    col.sqlType = 'BOOLEAN';
  }
  col.generator = { kind: 'attribution', field: 'converted' };
  col.modifiers = [];
  col.nullRate = 0;
  return col;
}

/** One non-negative weight per touchpoint type (null: not given; undefined: an error was reported). */
function typeWeights(ctx: PlanContext, w: Json, path: string, types: string[]): number[] | null | undefined {
  if (w === undefined) return null;
  if (!Array.isArray(w) || w.length !== types.length) return error(ctx, 'DG_WEIGHTS_LENGTH', path, `${path.slice(path.lastIndexOf('/') + 1)} has ${Array.isArray(w) ? w.length : 0} entries for ${types.length} touchpoint types`, 'give one weight per touchpoint type, in the same order');
  if (!w.every((x) => isNumber(x) && x >= 0) || !w.some((x) => x > 0)) return error(ctx, 'DG_BAD_WEIGHTS', path, 'touchpoint weights must be non-negative and not all 0', 'e.g. [3, 2, 1]');
  return w;
}

function withEndState(state: AttributionPlan['endState']): { endState?: AttributionPlan['endState'] } {
  return state ? { endState: state } : {};
}
