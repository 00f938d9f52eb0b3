import { keyedRows } from '../../engine/keyed-pick.ts';
import { checkLocalColumn, type ColumnContext, error, findColumn, resolveRef, warning } from '../../plan/context.ts';
import { keyedPickOf, normalizeOn } from '../../plan/picks.ts';
import type { KeyPair } from '../../plan/types.ts';
import type { GeneratorEntry } from '../types.ts';

/**
 * A value from another table: the primary parent's own row (the FK), a row matching `on` (uniform among the
 * matches or ∝ `weights_by`), or a row picked once per child row for that table (uniform or `weights_by`).
 * Lookups through the same pick — same table, same `on` keys, same `weights_by` — read the same row (src/plan/picks.ts).
 */
export const lookup: GeneratorEntry<'lookup'> = {
  name: 'lookup',
  kind: 'lookup',
  plan(args, ctx, path) {
    const ref = resolveRef(ctx, args?.from, `${path}/from`, 'lookup.from');
    if (!ref) return undefined;
    if (ref.table === ctx.node.id) return error(ctx, 'DG_SELF_LOOKUP', `${path}/from`, `lookup.from names this table ("${ref.table}")`, 'use an expression to reuse a column of the same row');
    const on = planOn(args.on, ref.table, ctx, `${path}/on`);
    if (!on) return undefined;
    if (args.weights_by !== undefined) {
      const w = resolveRef(ctx, args.weights_by, `${path}/weights_by`, 'weights_by');
      if (w && w.table !== ref.table) return error(ctx, 'DG_BAD_REFERENCE', `${path}/weights_by`, `weights_by must name a column of "${ref.table}", the table looked up`, `e.g. "${ref.table}.popularity"`);
      const wType = w && findColumn(ctx.nodes.get(w.table)!.node, w.column)?.type;
      if (w && !['int', 'float', 'decimal'].includes(wType)) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/weights_by`, `weights_by column "${args.weights_by}" is ${typeof wType === 'string' ? wType : JSON.stringify(wType) ?? 'untyped'}; weights must be numbers`, 'name an int or float column (rows are picked in proportion to it)');
    }
    const parents: string[] = Array.isArray(ctx.node.parents) ? ctx.node.parents : [];
    const via = on.length > 0 ? 'on' : parents[0] === ref.table ? 'parent' : 'pick';
    if (args.weights_by !== undefined && via === 'parent') {
      warning(ctx, 'DG_IGNORED_OPTION', `${path}/weights_by`, `weights_by has no effect here: the row comes from the primary parent "${ref.table}"`, 'remove weights_by, or look up a table that is not the primary parent');
    }
    if (via !== 'on') return { kind: 'lookup', table: ref.table, column: ref.column, via, on };
    const weightsBy = typeof args.weights_by === 'string' ? args.weights_by.slice(ref.table.length + 1) : null;
    const pick = keyedPickOf(ctx, ctx.node, ref.table, on, weightsBy);
    if (!pick) throw new Error(`internal: no keyed pick of "${ref.table}" for ${path}`);
    return { kind: 'lookup', table: ref.table, column: ref.column, via, on, pick };
  },
  execute(p, _col, ctx) {
    const source = ctx.store.column(p.table, p.column);
    if (p.via === 'parent') return source.gather(ctx.parentRow!, ctx.n);
    if (p.via === 'pick') return source.gather(ctx.pick(p.table), ctx.n);
    return source.gather(keyedRows(p.pick!, ctx));
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
