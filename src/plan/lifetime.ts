import { pointer } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { columnNames, error, findColumn, type Json, type PlanContext } from './context.ts';
import type { EndState, LifetimePlan } from '../ir/types.ts';

const isTime = (c: Json) => c?.type === 'datetime' || c?.type === 'date';

/**
 * One lifetime per row (docs/behaviours/lifetimes.md): when a row of `node` exists, so that everything that
 * hangs off it — plain facts' times and counts, panels, funnels, state machines, lifecycles, adoption and
 * attribution — happens inside it. The one rule, in order:
 * 1. `lifetime: false` — no lifetime (the whole window);
 * 2. `lifetime: {from, to?}` — the row's `from` column (birth) to its `to` column (end; null: open);
 * 3. the vintage `created_at_column` (birth, no end);
 * 4. the node's first datetime/date column (birth, no end) — entities only;
 * 5. the whole window.
 * A null birth counts as the window start, a null end as the window end. Diagnostics only when `report`.
 */
export function resolveLifetime(ctx: PlanContext, node: Json, report = false): LifetimePlan {
  const raw = node?.lifetime;
  const index = ctx.nodes.get(String(node?.id))?.index ?? -1;
  const path = pointer('nodes', index, 'lifetime');
  if (raw === false) return { from: null, to: null, rule: 'off' };
  if (raw !== undefined && raw !== null) {
    const col = (key: 'from' | 'to'): string | null | undefined => {
      const name = raw?.[key];
      if (name === undefined || name === null) return key === 'to' ? null : undefined;
      const c = typeof name === 'string' ? findColumn(node, name) : undefined;
      if (!c || !isTime(c)) {
        if (report) error(ctx, c ? 'DG_TYPE_MISMATCH' : 'DG_UNKNOWN_COLUMN', `${path}/${key}`, `lifetime.${key} ${JSON.stringify(name)} is not a datetime/date column of "${node.id}"`, c ? 'name the datetime or date column that holds it' : didYouMean(String(name), columnNames(node).filter((n) => isTime(findColumn(node, n)))));
        return undefined;
      }
      return String(name);
    };
    const from = typeof raw === 'object' ? col('from') : undefined;
    const toState = typeof raw === 'object' && raw.to && typeof raw.to === 'object' ? stateEnd(ctx, node, raw.to, `${path}/to`, report) : null;
    if (toState === undefined) return { from: null, to: null, rule: 'window' };
    const to = toState ? null : typeof raw === 'object' ? col('to') : undefined;
    if (from === undefined || to === undefined) {
      if (report && (typeof raw !== 'object' || raw.from === undefined)) error(ctx, 'DG_BAD_PARAM', path, 'lifetime must be false or {"from": "<datetime column>", "to"?: "<datetime column>"}', 'e.g. {"from": "installed_at", "to": "decommissioned_at"}');
      return { from: null, to: null, rule: 'window' };
    }
    const created = node.vintage_behavior?.created_at_column;
    if (report && typeof created === 'string' && created !== from) {
      error(ctx, 'DG_CONFLICTING_LIFETIME', `${path}/from`, `lifetime.from "${from}" differs from vintage_behavior.created_at_column "${created}": a row has one birth`, `use "${created}" for both, or drop lifetime.from`);
    }
    return { from, to, ...(toState ? { toState } : {}), rule: 'explicit' };
  }
  const created = node?.vintage_behavior?.created_at_column;
  if (typeof created === 'string' && isTime(findColumn(node, created))) return { from: created, to: null, rule: 'vintage' };
  if (node?.kind === 'entity') {
    const first = Array.isArray(node.columns) ? node.columns.find(isTime) : undefined;
    if (first) return { from: String(first.name), to: null, rule: 'first_datetime' };
  }
  return { from: null, to: null, rule: 'window' };
}

/** The plan printout's words for a lifetime. */
export function describeLifetime(l: LifetimePlan): string {
  if (l.rule === 'off') return 'lifetime: off (lifetime: false)';
  if (l.rule === 'window') return 'lifetime: the whole window';
  const why = { explicit: 'lifetime', vintage: 'vintage created_at_column', first_datetime: 'its first datetime column' }[l.rule];
  return `lifetime: ${l.from}${l.to ? ` → ${l.to}` : l.toState ? ` → entering ${l.toState.states.join('/')} in ${l.toState.table}` : ' → open'} (${why})`;
}

/**
 * `lifetime.to: {table, states}`: the row ends when it first enters one of `states` of a state machine or
 * lifecycle over it (a fact whose primary parent is this node). Undefined (with a diagnostic) when malformed.
 */
function stateEnd(ctx: PlanContext, node: Json, raw: Json, path: string, report: boolean): { table: string; states: string[] } | undefined {
  const other = typeof raw?.table === 'string' ? ctx.nodes.get(raw.table)?.node : undefined;
  const names = stateNames(other);
  const over = Array.isArray(other?.parents) && other.parents[0] === node.id;
  if (!other || !names || !over) {
    const candidates = [...ctx.nodes.values()].filter((e) => Array.isArray(e.node.parents) && e.node.parents[0] === node.id && (e.node.state_transition_model || e.node.lifecycle_model)).map((e) => String(e.node.id));
    if (report) error(ctx, other ? 'DG_BAD_PARAM' : 'DG_UNKNOWN_TABLE', `${path}/table`, `lifetime.to.table ${JSON.stringify(raw?.table)} is not a state machine or lifecycle over "${node.id}"`, candidates.length ? didYouMean(String(raw?.table), candidates) : `add a fact with a state_transition_model or lifecycle_model whose primary parent is "${node.id}"`);
    return undefined;
  }
  const states: unknown[] = Array.isArray(raw.states) ? raw.states : [];
  const bad = states.find((x) => typeof x !== 'string' || !names.includes(x));
  if (!states.length || bad !== undefined) {
    if (report) error(ctx, 'DG_UNKNOWN_STATE', `${path}/states`, states.length ? `${JSON.stringify(bad)} is not a state of "${raw.table}" (${names.join(', ')})` : 'lifetime.to.states must list the states that end the row', states.length ? didYouMean(String(bad), names) : `e.g. ["${names[names.length - 1]}"]`);
    return undefined;
  }
  return { table: String(raw.table), states: states as string[] };
}

/** The states of a state machine node (its `states` keys) or the stage names of a lifecycle node; null for others. */
function stateNames(node: Json): string[] | null {
  return node?.state_transition_model?.states && typeof node.state_transition_model.states === 'object'
    ? Object.keys(node.state_transition_model.states)
    : Array.isArray(node?.lifecycle_model?.stages) ? node.lifecycle_model.stages.map((x: Json) => String(x?.stage_name)) : null;
}

/** A lifetime's end from states (`to: {table, states}`) as the plan holds it: the state indexes in that table. */
export function endStateOf(ctx: PlanContext, life: LifetimePlan): EndState | undefined {
  if (!life.toState) return undefined;
  const names = stateNames(ctx.nodes.get(life.toState.table)?.node) ?? [];
  return { table: life.toState.table, states: life.toState.states.map((s) => names.indexOf(s)) };
}
