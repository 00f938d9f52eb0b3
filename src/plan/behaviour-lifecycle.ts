/**
 * DSL §5.5 lifecycles (`lifecycle_model` on a fact): stage intervals per parent row, or the events emitted
 * during them. See docs/behaviours.md.
 */
import { didYouMean } from '../diagnostics/suggest.ts';
import { streamKey } from '../model/rng.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import { behaviourColumn, endFromOf, parentStart, planDurationDist } from './behaviour-common.ts';
import { error, isNumber, type Json, type PlanContext, warning } from './context.ts';
import { AGE_UNIT_MS } from '../model/curves.ts';
import type { TableDraft } from './tables.ts';
import type { LifecyclePlan, LifecycleStagePlan } from '../ir/types.ts';

/** Events per week for the named frequencies. */
const FREQUENCY_PER_WEEK: Record<string, number> = { high: 7, medium: 2, low: 0.5 };

export function planLifecycle(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, drafts: Map<string, TableDraft>): void {
  const path = `${nodePath}/lifecycle_model`;
  const lm = node.lifecycle_model;
  const parent: string | undefined = Array.isArray(node.parents) ? node.parents[0] : undefined;
  if (node.kind !== 'fact' || !parent || !drafts.has(parent)) return void error(ctx, 'DG_NO_PARENT', path, `lifecycle_model on "${node.id}" needs a fact with a parent (one lifecycle per parent row)`, 'make the node a fact and list the entity that lives the lifecycle first in "parents"');
  for (const other of ['stage_config', 'grain', 'state_transition_model']) if (node[other] !== undefined) return void error(ctx, 'DG_BAD_PARAM', path, `"${node.id}" cannot have both lifecycle_model and ${other}`, 'keep one of them');
  if (node.fanout !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/fanout`, `"${node.id}" holds one lifecycle per ${parent} row, so fanout has no effect`, 'remove fanout');
  const raw: Json[] = Array.isArray(lm?.stages) ? lm.stages : [];
  const names = raw.map((s) => String(s?.stage_name));
  const stages: LifecycleStagePlan[] = [];
  for (let k = 0; k < raw.length; k++) {
    const s = raw[k];
    const spath = `${path}/stages/${k}`;
    let duration: LifecycleStagePlan['duration'] = null;
    if (s.duration) {
      duration = planDurationDist(ctx, s.duration, `${spath}/duration`, 'duration') ?? null;
      if (!duration) return;
    }
    const ev = s.events_during_stage;
    const f = ev?.frequency ?? 'medium';
    const eventsPerWeek = isNumber(f) ? f : FREQUENCY_PER_WEEK[f];
    const next = (Array.isArray(s.next_stages) ? s.next_stages : []).map((n: string) => names.indexOf(n));
    if (s.next_stages && !s.duration) warning(ctx, 'DG_IGNORED_OPTION', `${spath}/next_stages`, `stage "${names[k]}" has no duration, so it never ends by itself and its next_stages are never reached`, 'give the stage a duration, or remove next_stages');
    if (s.exit_probability !== undefined && !s.next_stages) warning(ctx, 'DG_IGNORED_OPTION', `${spath}/exit_probability`, `stage "${names[k]}" has no next_stages to exit to`, 'list next_stages');
    if (s.churn_probability_per_period !== undefined && s.duration) warning(ctx, 'DG_IGNORED_OPTION', `${spath}/churn_probability_per_period`, `stage "${names[k]}" has a duration, which decides when it ends; churn applies to stages without one`, 'remove one of duration and churn_probability_per_period');
    stages.push({
      name: names[k], duration, eventTypes: Array.isArray(ev?.event_types) ? ev.event_types.map(String) : [], eventsPerWeek,
      exitProbability: isNumber(s.exit_probability) ? s.exit_probability : 1, next, churnPerPeriod: isNumber(s.churn_probability_per_period) ? s.churn_probability_per_period : 0,
    });
  }
  if (stages.length === 0) return;
  if (new Set(names).size !== names.length) return void error(ctx, 'DG_BAD_PARAM', `${path}/stages`, 'stage names must be unique', 'rename the repeated stage');
  const unit = lm.period_unit ?? 'month';
  const periodMs = AGE_UNIT_MS[unit];
  if (!periodMs) return void error(ctx, 'DG_BAD_PARAM', `${path}/period_unit`, `unknown period_unit ${JSON.stringify(unit)}`, didYouMean(String(unit), Object.keys(AGE_UNIT_MS)));
  const emit: LifecyclePlan['emit'] = lm.emit ?? 'stages';
  const pdraft = drafts.get(parent)!;
  const lifecycle: LifecyclePlan = { emit, stages, periodMs, startFrom: parentStart(ctx, parent, pdraft), startMs: ctx.timeframe.startMs, endMs: ctx.timeframe.endMs, ...endFromOf(ctx, parent, draft) };
  const model = sha256(canonicalJson({ stages: raw, period_unit: unit })).slice(0, 16);
  const stream = streamKey(ctx.seed, parent, '__lifecycle', model);
  const what = (f: string) => `the lifecycle's ${f}`;
  const cols = emit === 'stages'
    ? [
      behaviourColumn(ctx, node, nodePath, draft, 'stage_name', 'string', { kind: 'lifecycle', field: 'stage' }, what('stage')),
      behaviourColumn(ctx, node, nodePath, draft, 'stage_index', 'int', { kind: 'lifecycle', field: 'index' }, what('stage index')),
      behaviourColumn(ctx, node, nodePath, draft, 'started_at', 'datetime', { kind: 'lifecycle', field: 'start' }, what('stage start')),
      behaviourColumn(ctx, node, nodePath, draft, 'ended_at', 'datetime', { kind: 'lifecycle', field: 'end' }, what('stage end')),
    ]
    : [
      behaviourColumn(ctx, node, nodePath, draft, 'event_type', 'string', { kind: 'lifecycle', field: 'event_type' }, what('event type')),
      behaviourColumn(ctx, node, nodePath, draft, 'event_at', 'datetime', { kind: 'lifecycle', field: 'event_at' }, what('event time')),
      behaviourColumn(ctx, node, nodePath, draft, 'stage_name', 'string', { kind: 'lifecycle', field: 'stage' }, what('stage')),
      behaviourColumn(ctx, node, nodePath, draft, 'stage_index', 'int', { kind: 'lifecycle', field: 'index' }, what('stage index')),
    ];
  if (cols.some((c) => !c)) return;
  const stageCol = draft.columns.find((c) => c.name === 'stage_name')!;
  stageCol.enumValues = names;
  stageCol.sqlType = 'ENUM';
  if (emit === 'stages') draft.columns.find((c) => c.name === 'ended_at')!.nullable = true;
  else {
    const types = [...new Set(stages.flatMap((s) => s.eventTypes))];
    const typeCol = draft.columns.find((c) => c.name === 'event_type')!;
    if (types.length) {
      typeCol.enumValues = types;
      typeCol.sqlType = 'ENUM';
    }
    if (!types.length) warning(ctx, 'DG_IGNORED_OPTION', `${path}/emit`, 'emit "events" but no stage has events_during_stage, so the table is empty', 'add events_during_stage to the stages');
  }
  draft.rows = { kind: 'lifecycle', parent, stream, lifecycle };
}
