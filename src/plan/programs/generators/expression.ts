import { type ExprRef, type ExprType, parseExpression, typeCheckExpression } from '../../../expr/expression.ts';
import { resultTypeProblem } from '../../../expr/typecheck.ts';
import { columnNames, error, findColumn } from '../../context.ts';
import { didYouMean } from '../../../diagnostics/suggest.ts';
import type { ColumnContext } from '../../context.ts';
import { pickGroups } from '../../picks.ts';
import type { ColumnRef, KeyedPick } from '../../../ir/types.ts';
import type { GeneratorPlanner } from '../types.ts';

/** Arithmetic/logic over columns of the row and linked tables, parsed once (mathjs) and compiled to JS. */
export const expression: GeneratorPlanner<'expression'> = {
  name: 'expression',
  kind: 'expression',
  plan(args, ctx, path) {
    if (typeof args?.code !== 'string') return error(ctx, 'DG_BAD_PARAM', path, 'expression needs "code"', 'e.g. {"code": "price * quantity"}');
    const r = parseExpression(args.code);
    if (!r.ok) {
      for (const e of r.errors) ctx.diags.push({ code: 'DG_BAD_EXPRESSION', severity: 'error', path: `${path}/code`, message: e.message, hint: e.hint });
      return undefined;
    }
    const parents: string[] = Array.isArray(ctx.node.parents) ? ctx.node.parents : [];
    const refs: ColumnRef[] = [];
    const linked = new Map<string, KeyedPick | null>();
    for (const ref of r.expr.refs) {
      if (ref.kind === 'column') {
        if (!findColumn(ctx.node, ref.column) || ref.column === ctx.column.name) {
          return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/code`, `expression uses "${ref.column}", which is not another column of "${ctx.node.id}"`, didYouMean(ref.column, columnNames(ctx.node).filter((c) => c !== ctx.column.name)));
        }
        refs.push({ table: null, column: ref.column });
        continue;
      }
      if (isEdgeEnd(ctx, ref.table)) {
        // An edge table's ends (docs/behaviours/relations.md): rows of its node table, parents[0].
        if (!findColumn(ctx.nodes.get(parents[0])?.node, ref.column)) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/code`, `expression uses "${ref.table}.${ref.column}", but the node table "${parents[0]}" has no column "${ref.column}"`, didYouMean(ref.column, columnNames(ctx.nodes.get(parents[0])?.node)));
        refs.push({ table: parents[0], column: ref.column, end: ref.table as 'source' | 'target' });
        continue;
      }
      const table = ref.table === 'parent' ? parents[0] : ref.table;
      if (!table) return error(ctx, 'DG_NO_PARENT', `${path}/code`, `expression uses "parent.${ref.column}" but "${ctx.node.id}" has no parents`, 'add "parents" to the node or remove the parent reference');
      const entry = ctx.nodes.get(table);
      if (!entry) return error(ctx, 'DG_UNKNOWN_TABLE', `${path}/code`, `expression uses table "${table}", which is not a node of this spec`, didYouMean(table, [...ctx.nodes.keys()]));
      if (!findColumn(entry.node, ref.column)) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/code`, `expression uses "${table}.${ref.column}", which does not exist`, didYouMean(ref.column, columnNames(entry.node)));
      if (table === ctx.node.id) {
        return error(ctx, 'DG_SELF_REFERENCE', `${path}/code`, `expression uses "${table}.${ref.column}", a column of its own table "${table}" read as another table`, ref.column === ctx.column.name ? 'a column cannot read itself' : `write "${ref.column}" to read the same row's value`);
      }
      if (!linked.has(table)) {
        const pick = table === parents[0] ? null : linkedPick(ctx, table, `${path}/code`);
        if (pick === undefined) return undefined;
        linked.set(table, pick);
      }
      const pick = linked.get(table);
      refs.push(pick ? { table, column: ref.column, pick } : { table, column: ref.column });
    }
    const typeOf = (ref: ExprRef): ExprType => {
      const node = ref.kind === 'column' ? ctx.node : ctx.nodes.get(ref.table === 'parent' || isEdgeEnd(ctx, ref.table) ? parents[0] : ref.table)?.node;
      const t = findColumn(node, ref.column)?.type;
      if (typeof t === 'string' && t.startsWith('list<')) return 'list';
      return t === 'string' || t === 'json' ? 'string' : t === undefined ? 'unknown' : 'number';
    };
    const checked = typeCheckExpression(r.expr, typeOf);
    for (const e of checked.errors) ctx.diags.push({ code: 'DG_BAD_EXPRESSION', severity: 'error', path: `${path}/code`, message: e.message, hint: e.hint });
    if (checked.errors.length) return undefined;
    const misfit = resultTypeProblem(checked.type, ctx.type);
    if (misfit) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/code`, misfit.message, misfit.hint);
    // Each random call site draws from its own stream, keyed by (seed, table, column, site).
    const rand = Array.from({ length: r.expr.randomSites }, (_, k) => ctx.stream(`rand:${k}`));
    return rand.length ? { kind: 'expression', code: args.code, refs, rand } : { kind: 'expression', code: args.code, refs };
  },
};

/** `source` / `target` in an edge table (a fact with `edges`): the edge's ends, rows of its node table. */
function isEdgeEnd(ctx: ColumnContext, table: string): boolean {
  return (table === 'source' || table === 'target') && ctx.node.edges !== undefined && ctx.node.edges !== null && Array.isArray(ctx.node.parents) && ctx.node.parents.length > 0;
}

/**
 * The row an expression reads in `table` (not the primary parent): the keyed pick when the row's lookups from
 * that table all go through one `on` match (null: the table's plain pick, shared with its plain lookups).
 * Several picks of that table make the reference ambiguous: an error, never an independent draw.
 */
function linkedPick(ctx: ColumnContext, table: string, path: string): KeyedPick | null | undefined {
  const groups = pickGroups(ctx, ctx.node, table);
  if (groups.keyed.length === 0) return null;
  if (groups.keyed.length === 1 && groups.plain.length === 0) return groups.keyed[0].pick;
  const describe = [
    ...groups.keyed.map((g) => `${g.columns.join(', ')} (on ${g.pick.on.map((k) => `${k.local}=${k.remote}`).join(', ')}${g.pick.weightsBy ? `, weights_by ${g.pick.weightsBy}` : ''})`),
    ...(groups.plain.length ? [`${groups.plain.join(', ')} (no "on")`] : []),
  ];
  return error(ctx, 'DG_AMBIGUOUS_PICK', path, `expression reads "${table}", but this row picks rows of "${table}" in ${describe.length} ways: ${describe.join('; ')}`, `add a lookup column with the same "on" as the row you mean (e.g. {"lookup": {"from": "${table}.<column>", "on": {...}}}) and use that column in the expression`);
}
