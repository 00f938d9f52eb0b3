/**
 * DSL §5.4 recurring relationships (`state_transition_model` on a fact): one relationship per parent row,
 * written as its state episodes or as one row per period. See docs/behaviours.md.
 */
import { didYouMean } from '../diagnostics/suggest.ts';
import { streamKey } from '../model/rng.ts';
import { planDist } from './programs/generators/distribution.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import { behaviourColumn, endFromOf, parentStart, type SegmentInfo, segmentVariation } from './behaviour-common.ts';
import { columnContext, error, isNumber, type Json, type PlanContext, warning } from './context.ts';
import type { TableDraft } from './tables.ts';
import type { StateMachinePlan } from '../ir/types.ts';

const UNITS = ['day', 'week', 'month', 'year'];

export function planStateMachine(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, drafts: Map<string, TableDraft>, segments: Map<string, SegmentInfo>): void {
  const path = `${nodePath}/state_transition_model`;
  const sm = node.state_transition_model;
  const parent: string | undefined = Array.isArray(node.parents) ? node.parents[0] : undefined;
  if (node.kind !== 'fact' || !parent || !drafts.has(parent)) return void error(ctx, 'DG_NO_PARENT', path, `state_transition_model on "${node.id}" needs a fact with a parent (one relationship per parent row)`, 'make the node a fact and list the entity that holds the relationship first in "parents"');
  for (const other of ['stage_config', 'grain']) if (node[other] !== undefined) return void error(ctx, 'DG_BAD_PARAM', path, `"${node.id}" cannot have both state_transition_model and ${other}`, `keep one of them`);
  if (node.fanout !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/fanout`, `"${node.id}" holds one relationship per ${parent} row, so fanout has no effect`, 'remove fanout (the rows are the episodes or periods of each relationship)');
  const raw: Record<string, Json> = sm?.states && typeof sm.states === 'object' ? sm.states : {};
  const states = Object.keys(raw);
  const initial = states.indexOf(sm?.initial_state);
  if (initial < 0) return void error(ctx, 'DG_UNKNOWN_STATE', `${path}/initial_state`, `initial_state ${JSON.stringify(sm?.initial_state)} is not one of the states (${states.join(', ')})`, didYouMean(String(sm?.initial_state), states));
  const terminal = states.map((s) => raw[s]?.terminal === true);
  const leave: number[] = [];
  const next: number[][] = [];
  for (const s of states) {
    const st = raw[s];
    if (st?.terminal === true) {
      leave.push(0);
      next.push(states.map(() => 0));
      continue;
    }
    const w = states.map(() => 0);
    for (const [t, x] of Object.entries<Json>(st?.next_states ?? {})) {
      const j = states.indexOf(t);
      if (j < 0) return void error(ctx, 'DG_UNKNOWN_STATE', `${path}/states/${s}/next_states/${t}`, `next state "${t}" is not one of the states (${states.join(', ')})`, didYouMean(t, states));
      w[j] = Number(x);
    }
    const total = w.reduce((a, b) => a + b, 0);
    if (!(total > 0)) return void error(ctx, 'DG_BAD_WEIGHTS', `${path}/states/${s}/next_states`, `the next_states of "${s}" have no positive weight`, 'give at least one next state a weight > 0, or mark the state {"terminal": true}');
    leave.push(Number(st.transition_prob_per_period));
    next.push(w.map((x) => x / total));
  }
  const periodUnit = sm.period_unit ?? 'month';
  if (!UNITS.includes(periodUnit)) return void error(ctx, 'DG_BAD_PARAM', `${path}/period_unit`, `unknown period_unit ${JSON.stringify(periodUnit)}`, didYouMean(String(periodUnit), UNITS));
  const pdraft = drafts.get(parent)!;
  const churn = segmentVariation(ctx, `${path}/segment_variation`, parent, pdraft, segments.get(parent), sm.segment_variation, 'churn');
  if (churn === undefined) return;
  if (churn && !terminal.some(Boolean)) warning(ctx, 'DG_IGNORED_OPTION', `${path}/segment_variation`, 'churn multipliers scale the hazard of moving to a terminal state, and no state is terminal', 'mark the churned state {"terminal": true}');
  const emit: StateMachinePlan['emit'] = sm.emit ?? 'episodes';
  const machine: StateMachinePlan = {
    emit, states, initial, leave, next, terminal, periodUnit, startFrom: parentStart(ctx, parent, pdraft), ...endFromOf(ctx, parent, draft),
    startMs: ctx.timeframe.startMs, endMs: ctx.timeframe.endMs, churn,
  };
  // Two facts with the same model over the same parent (episodes and periods) tell the same story.
  const model = sha256(canonicalJson({ initial: sm.initial_state, states: raw, period_unit: periodUnit, segment_variation: sm.segment_variation ?? null })).slice(0, 16);
  const stream = streamKey(ctx.seed, parent, '__states', model);
  const what = (f: string) => `the state machine's ${f}`;
  const cols = emit === 'episodes'
    ? [
      behaviourColumn(ctx, node, nodePath, draft, 'state', 'string', { kind: 'state', field: 'state' }, what('state')),
      behaviourColumn(ctx, node, nodePath, draft, 'valid_from', 'datetime', { kind: 'state', field: 'from' }, what('episode start')),
      behaviourColumn(ctx, node, nodePath, draft, 'valid_to', 'datetime', { kind: 'state', field: 'to' }, what('episode end')),
      behaviourColumn(ctx, node, nodePath, draft, 'episode_index', 'int', { kind: 'state', field: 'index' }, what('episode index')),
    ]
    : [
      behaviourColumn(ctx, node, nodePath, draft, 'period_start', 'datetime', { kind: 'state', field: 'period' }, what('period start')),
      behaviourColumn(ctx, node, nodePath, draft, 'state', 'string', { kind: 'state', field: 'state' }, what('state')),
      behaviourColumn(ctx, node, nodePath, draft, 'period_index', 'int', { kind: 'state', field: 'index' }, what('period index')),
    ];
  if (cols.some((c) => !c)) return;
  const stateCol = draft.columns.find((c) => c.name === 'state')!;
  stateCol.enumValues = states;
  stateCol.sqlType = 'ENUM';
  const validTo = draft.columns.find((c) => c.name === 'valid_to');
  if (validTo) validTo.nullable = true;
  if (sm.amount) planAmount(ctx, node, nodePath, draft, sm.amount, `${path}/amount`, states);
  draft.rows = { kind: 'states', parent, stream, machine };
}

/** `amount{column?, distribution, state_multipliers?}`: the column is drawn from the distribution, × its state's factor. */
function planAmount(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, a: Json, path: string, states: string[]): void {
  const name = typeof a.column === 'string' ? a.column : 'amount';
  let col = draft.columns.find((c) => c.name === name);
  if (!col) {
    col = { name, type: 'float', sqlType: 'DOUBLE', nullable: false, nullRate: 0, enumValues: null, stream: streamKey(ctx.seed, String(node.id), name, 'value'), generator: { kind: 'sequence', start: 0, step: 0 }, modifiers: [] };
    draft.columns.push(col);
    draft.evalOrder.push(name);
  } else if (!['int', 'float', 'decimal'].includes(col.type)) {
    return void error(ctx, 'DG_TYPE_MISMATCH', `${path}/column`, `amount column "${name}" is ${col.type}; it must be numeric`, 'name an int, float or decimal column, or let datagen add "amount"');
  } else if (node.columns.find((c: Json) => c?.name === name)?.generator) {
    warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/columns/${node.columns.findIndex((c: Json) => c?.name === name)}/generator`, `"${name}" is the state machine's amount: it is drawn from amount.distribution, not from its own generator`, 'remove the column\'s generator or the amount block');
  }
  const i = node.columns.findIndex((c: Json) => c?.name === name);
  const cctx = columnContext(ctx, node, ctx.nodes.get(node.id)!.index, node.columns[i] ?? { name, type: col.type }, i);
  const d = planDist(a.distribution, cctx, `${path}/distribution`, false);
  if (!d) return;
  col.generator = { kind: 'distribution', ...d };
  const mult: Record<string, number> = {};
  for (const [s, f] of Object.entries<Json>(a.state_multipliers ?? {})) {
    if (!states.includes(s)) return void error(ctx, 'DG_UNKNOWN_STATE', `${path}/state_multipliers/${s}`, `"${s}" is not one of the states (${states.join(', ')})`, didYouMean(s, states));
    if (isNumber(f)) mult[s] = f;
  }
  if (Object.keys(mult).length) col.modifiers.push({ kind: 'state_value', column: 'state', multipliers: mult });
}
