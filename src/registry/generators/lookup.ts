import { ColumnData, joinKey } from '../../engine/column-data.ts';
import { uniform } from '../../engine/rng.ts';
import { checkLocalColumn, type ColumnContext, error, findColumn, resolveRef, warning } from '../../plan/context.ts';
import type { KeyPair } from '../../plan/types.ts';
import type { GeneratorEntry } from '../types.ts';

/**
 * A value from another table: the primary parent's own row (the FK), the row matching `on`, or a row
 * picked once per child row for that table (uniform or `weights_by`), shared by all lookups from it.
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
      if (w && !['int', 'float', 'decimal'].includes(wType)) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/weights_by`, `weights_by column "${args.weights_by}" is ${wType}; weights must be numbers`, 'name an int or float column (rows are picked in proportion to it)');
    }
    const parents: string[] = Array.isArray(ctx.node.parents) ? ctx.node.parents : [];
    const via = on.length > 0 ? 'on' : parents[0] === ref.table ? 'parent' : 'pick';
    if (args.weights_by !== undefined && via !== 'pick') {
      warning(ctx, 'DG_IGNORED_OPTION', `${path}/weights_by`, `weights_by has no effect here: the row comes from ${via === 'parent' ? `the primary parent "${ref.table}"` : 'the "on" match'}`, 'remove weights_by, or look up a table that is not the primary parent');
    }
    return { kind: 'lookup', table: ref.table, column: ref.column, via, on };
  },
  execute(p, col, ctx) {
    const source = ctx.store.column(p.table, p.column);
    if (p.via === 'parent') return source.gather(ctx.parentRow!, ctx.n);
    if (p.via === 'pick') return source.gather(ctx.pick(p.table), ctx.n);
    const index = ctx.memo(p, () => buildIndex(ctx.store.table(p.table).rows, p.on.map((k) => ctx.store.column(p.table, k.remote))));
    const locals = p.on.map((k) => ctx.cols.get(k.local)!);
    const rows = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      const k = indexKey(locals, i);
      const hits = k === null ? undefined : index.get(k);
      rows[i] = !hits ? -1 : hits.length === 1 ? hits[0] : hits[Math.floor(uniform(col.stream, ctx.start + i, 1) * hits.length)];
    }
    return source.gather(rows);
  },
};

/** One key column: its value itself (numbers stay numbers: no string per row); several: a joined string. */
function indexKey(keys: ColumnData[], i: number): string | number | null {
  return keys.length === 1 ? keys[0].key(i) : joinKey(keys, i);
}

function buildIndex(rows: number, keys: ColumnData[]): Map<string | number | null, number[]> {
  const index = new Map<string | number | null, number[]>();
  for (let r = 0; r < rows; r++) {
    const k = indexKey(keys, r);
    const list = index.get(k);
    if (list) list.push(r);
    else index.set(k, [r]);
  }
  return index;
}

/** `on: {local: remote}`; the earlier tool's form `{this_key: X, other_key?: Y}` is accepted too. */
function planOn(raw: unknown, table: string, ctx: ColumnContext, path: string): KeyPair[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) return error(ctx, 'DG_BAD_PARAM', path, 'on must be an object {this_column: other_column}', 'e.g. {"course_id": "course_id"}');
  const obj = raw as Record<string, unknown>;
  const other = ctx.nodes.get(table)!.node;
  let pairs: { local: unknown; remote: unknown; path: string }[];
  if ('this_key' in obj) {
    const remote = obj.other_key ?? (findColumn(other, String(obj.this_key)) ? obj.this_key : other.pk);
    pairs = [{ local: obj.this_key, remote, path }];
  } else {
    pairs = Object.entries(obj).map(([local, remote]) => ({ local, remote, path: `${path}/${local}` }));
  }
  const out: KeyPair[] = [];
  for (const pr of pairs) {
    const local = checkLocalColumn(ctx, pr.local, pr.path, 'on');
    if (!local) return undefined;
    if (typeof pr.remote !== 'string' || !findColumn(other, pr.remote)) {
      return error(ctx, 'DG_UNKNOWN_COLUMN', pr.path, `on names column ${JSON.stringify(pr.remote)}, which table "${table}" does not have`, `use a column of "${table}"`);
    }
    out.push({ local, remote: pr.remote });
  }
  return out;
}
