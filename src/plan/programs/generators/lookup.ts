import { checkLocalColumn, type ColumnContext, error, findColumn, type Json, resolveRef, warning } from '../../context.ts';
import { keyedPickOf, normalizeOn } from '../../picks.ts';
import { planPreference } from '../../preference.ts';
import type { GeneratorProgram, KeyPair } from '../../../ir/types.ts';
import type { GeneratorPlanner } from '../types.ts';
import { planSelfLookup } from '../../hierarchy.ts';
import { isEdgeEnd, planEdgeEnd } from '../../edges.ts';

/**
 * A value from another table: the primary parent's own row (the FK), a row matching `on` (uniform among the
 * matches or ∝ `weights_by`), or a row picked once per child row for that table (uniform or `weights_by`).
 * Lookups through the same pick — same table, same `on` keys, same `weights_by` — read the same row (src/plan/picks.ts).
 */
export const lookup: GeneratorPlanner<'lookup'> = {
  name: 'lookup',
  kind: 'lookup',
  plan(args, ctx, path) {
    // A state lookup names the column the behaviour writes (not declared in the spec): resolved by planStateAt.
    if (args?.at !== undefined) {
      const from = typeof args.from === 'string' && args.from.includes('.') ? { table: args.from.slice(0, args.from.indexOf('.')), column: args.from.slice(args.from.indexOf('.') + 1) } : null;
      if (!from || !ctx.nodes.has(from.table)) return resolveRef(ctx, args.from, `${path}/from`, 'lookup.from') && undefined;
      return planStateAt(args, from, ctx, path);
    }
    const ref = resolveRef(ctx, args?.from, `${path}/from`, 'lookup.from');
    if (!ref) return undefined;
    const scored = ['score', 'temperature', 'distinct'].find((k) => args[k] !== undefined);
    if (scored && (ref.table === ctx.node.id || isEdgeEnd(args, ref.table, ctx.node))) {
      return error(ctx, 'DG_NOT_SUPPORTED', `${path}/${scored}`, `a preference score picks a row of another table; "${ref.table}" here is ${ref.table === ctx.node.id ? 'this table (a hierarchy)' : 'the node table of an edge table'}`, 'score a lookup of another table (the candidates)');
    }
    if (ref.table === ctx.node.id) return planSelfLookup(args, ref, ctx, path);
    if (isEdgeEnd(args, ref.table, ctx.node)) return planEdgeEnd(args, ref, ctx, path);
    const on = planOn(args.on, ref.table, ctx, `${path}/on`);
    if (!on) return undefined;
    if (args.weights_by !== undefined) {
      const w = resolveRef(ctx, args.weights_by, `${path}/weights_by`, 'weights_by');
      if (w && w.table !== ref.table) return error(ctx, 'DG_BAD_REFERENCE', `${path}/weights_by`, `weights_by must name a column of "${ref.table}", the table looked up`, `e.g. "${ref.table}.popularity"`);
      const wType = w && findColumn(ctx.nodes.get(w.table)!.node, w.column)?.type;
      if (w && !['int', 'float', 'decimal'].includes(wType)) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/weights_by`, `weights_by column "${args.weights_by}" is ${typeof wType === 'string' ? wType : JSON.stringify(wType) ?? 'untyped'}; weights must be numbers`, 'name an int or float column (rows are picked in proportion to it)');
    }
    const parents: string[] = Array.isArray(ctx.node.parents) ? ctx.node.parents : [];
    const prefer = planPreference(ctx, ctx.node, ref.table, args, path, true);
    if (prefer === undefined) return undefined;
    if (prefer && parents[0] === ref.table) return error(ctx, 'DG_BAD_PARAM', `${path}/score`, `"${ref.table}" is the primary parent: its row is the row's own parent, not a choice`, 'score a lookup of another table (the candidates), e.g. items picked by a user\'s taste');
    const via = on.length > 0 || prefer ? 'on' : parents[0] === ref.table ? 'parent' : 'pick';
    if (args.weights_by !== undefined && via === 'parent') {
      warning(ctx, 'DG_IGNORED_OPTION', `${path}/weights_by`, `weights_by has no effect here: the row comes from the primary parent "${ref.table}"`, 'remove weights_by, or look up a table that is not the primary parent');
    }
    if (via !== 'on') return { kind: 'lookup', table: ref.table, column: ref.column, via, on };
    const weightsBy = typeof args.weights_by === 'string' ? args.weights_by.slice(ref.table.length + 1) : null;
    const pick = keyedPickOf(ctx, ctx.node, ref.table, on, weightsBy, prefer);
    if (!pick) throw new Error(`internal: no keyed pick of "${ref.table}" for ${path}`);
    return { kind: 'lookup', table: ref.table, column: ref.column, via, on, pick };
  },
};

/** `on: {local: remote}`; the earlier tool's form `{this_key: X, other_key?: Y}` is accepted too. */
function planOn(raw: unknown, table: string, ctx: ColumnContext, path: string): KeyPair[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) return error(ctx, 'DG_BAD_PARAM', path, 'on must be an object {this_column: other_column}', 'e.g. {"course_id": "course_id"}');
  const other = ctx.nodes.get(table)!.node;
  const legacy = 'this_key' in raw;
  const pairs = normalizeOn(raw, other);
  if (!pairs) {
    const bad = legacy ? undefined : Object.entries(raw).find(([, v]) => typeof v !== 'string');
    return error(ctx, 'DG_UNKNOWN_COLUMN', bad ? `${path}/${bad[0]}` : path, `on names column ${JSON.stringify(bad ? bad[1] : raw)}, which table "${table}" does not have`, `use a column of "${table}"`);
  }
  for (const pr of pairs) {
    const at = legacy ? path : `${path}/${pr.local}`;
    if (!checkLocalColumn(ctx, pr.local, at, 'on')) return undefined;
    if (!findColumn(other, pr.remote)) return error(ctx, 'DG_UNKNOWN_COLUMN', at, `on names column ${JSON.stringify(pr.remote)}, which table "${table}" does not have`, `use a column of "${table}"`);
  }
  return pairs;
}

/** The column a state machine / lifecycle writes its state (stage) name into, by the kind of the raw node. */
function stateColumnOf(node: Json): string | null {
  return node?.state_transition_model ? 'state' : node?.lifecycle_model ? 'stage_name' : null;
}

/**
 * `{"lookup": {"from": "membership.state", "at": "checked_in_at"}}`: the state the row's parent is in, at the
 * row's own time, in a state machine (its `state`) or lifecycle (its `stage_name`) over the same primary parent —
 * null before the relationship and after a lifecycle ended. Values that depend on state read it (expressions
 * over this column).
 */
function planStateAt(args: Json, ref: { table: string; column: string }, ctx: ColumnContext, path: string): Extract<GeneratorProgram, { kind: 'lookup' }> | undefined {
  const other = ctx.nodes.get(ref.table)!.node;
  const stateCol = stateColumnOf(other);
  const parents: string[] = Array.isArray(ctx.node.parents) ? ctx.node.parents : [];
  if (!stateCol) return error(ctx, 'DG_BAD_PARAM', `${path}/from`, `lookup "at" reads a state, but "${ref.table}" has no state_transition_model or lifecycle_model`, 'name the state column of a state machine (state) or lifecycle (stage_name) over the same parent');
  if (ref.column !== stateCol) return error(ctx, 'DG_BAD_PARAM', `${path}/from`, `lookup "at" reads the state column "${ref.table}.${stateCol}", not "${ref.column}"`, `write "from": "${ref.table}.${stateCol}"`);
  if (!parents[0] || !Array.isArray(other.parents) || other.parents[0] !== parents[0]) return error(ctx, 'DG_BAD_PARAM', `${path}/from`, `"${ref.table}" is over "${other.parents?.[0]}", but "${ctx.node.id}" is over "${parents[0] ?? '(no parent)'}": the state must be its parent's`, 'look up a state machine or lifecycle whose primary parent is this fact\'s');
  const at = checkLocalColumn(ctx, args.at, `${path}/at`, 'lookup.at');
  if (!at) return undefined;
  const t = findColumn(ctx.node, at)?.type;
  if (t !== 'datetime' && t !== 'date') return error(ctx, 'DG_TYPE_MISMATCH', `${path}/at`, `lookup.at "${at}" is ${t}; it must be a datetime or date column of the row`, 'name the time column whose instant the state is read at');
  if (ctx.type !== 'string') return error(ctx, 'DG_TYPE_MISMATCH', `${path}/from`, `a state name is text; "${ctx.column.name}" is ${ctx.type}`, 'make the column "type": "string"');
  return { kind: 'lookup', table: ref.table, column: ref.column, via: 'at', on: [], at };
}
