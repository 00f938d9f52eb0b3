import { pointer } from '../diagnostics/diagnostic.ts';
import { error, findColumn, type Json, type PlanContext, resolveRef, warning } from './context.ts';
import type { TableDraft } from './tables.ts';

/** Check every reference in `constraints` and `targets`; enforce numeric ranges and same-row timestamp inequalities at generation. */
export function planConstraints(ctx: PlanContext, doc: Json, tables: Map<string, TableDraft>): void {
  const c = doc.constraints ?? {};
  const base = pointer('constraints');
  const list = (k: string): Json[] => (Array.isArray(c[k]) ? c[k] : []);
  list('unique').forEach((ref, i) => resolveRef(ctx, ref, `${base}/unique/${i}`, 'unique'));
  list('foreign_keys').forEach((fk, i) => {
    resolveRef(ctx, fk?.from, `${base}/foreign_keys/${i}/from`, 'foreign_keys.from');
    resolveRef(ctx, fk?.to, `${base}/foreign_keys/${i}/to`, 'foreign_keys.to');
  });
  list('ranges').forEach((r, i) => {
    const ref = resolveRef(ctx, r?.attr, `${base}/ranges/${i}/attr`, 'ranges.attr');
    // A declared numeric range bounds the final values: a clamp after every modifier and behaviour multiplier.
    const col = ref && tables.get(ref.table)?.columns.find((x) => x.name === ref.column);
    const min = typeof r.min === 'number' ? r.min : null;
    const max = typeof r.max === 'number' ? r.max : null;
    if (col && ['int', 'float', 'decimal'].includes(col.type) && (min !== null || max !== null) && col.generator.kind !== 'sequence') col.modifiers.push({ kind: 'clamp', min, max });
  });
  list('pattern').forEach((p, i) => {
    resolveRef(ctx, p?.attr, `${base}/pattern/${i}/attr`, 'pattern.attr');
    try {
      new RegExp(`^(?:${p?.regex})$`);
    } catch {
      error(ctx, 'DG_BAD_REGEX', `${base}/pattern/${i}/regex`, `${JSON.stringify(p?.regex)} is not a valid regular expression`, 'check brackets and escapes');
    }
  });
  list('enum').forEach((e, i) => {
    resolveRef(ctx, e?.attr, `${base}/enum/${i}/attr`, 'enum.attr');
    if (e?.enum_ref !== undefined) resolveRef(ctx, e.enum_ref, `${base}/enum/${i}/enum_ref`, 'enum_ref');
    else if (!Array.isArray(e?.values)) error(ctx, 'DG_BAD_PARAM', `${base}/enum/${i}`, 'an enum constraint needs "values" or "enum_ref"', 'e.g. {"attr": "order.status", "values": ["Paid", "Cancelled"]}');
  });
  list('inequalities').forEach((q, i) => planInequality(ctx, q, `${base}/inequalities/${i}`, tables));
  checkTargets(ctx, doc.targets ?? {});
}

function planInequality(ctx: PlanContext, q: Json, path: string, tables: Map<string, TableDraft>): void {
  const left = resolveRef(ctx, q?.left, `${path}/left`, 'inequalities.left');
  const right = resolveRef(ctx, q?.right, `${path}/right`, 'inequalities.right');
  if (!left || !right) return;
  const op = q.op;
  if (!['<', '<=', '>', '>='].includes(op)) return void error(ctx, 'DG_BAD_PARAM', `${path}/op`, `inequality op ${JSON.stringify(op)} is not one of <, <=, >, >=`, 'e.g. "<"');
  const [first, second] = op.startsWith('<') ? [left, right] : [right, left];
  const table = tables.get(second.table);
  const col = table?.columns.find((x) => x.name === second.column);
  const enforceable = first.table === second.table && col?.generator.kind === 'datetime' && col.generator.after === null;
  if (!enforceable || !col || col.generator.kind !== 'datetime') {
    warning(ctx, 'DG_NOT_ENFORCED', path, `inequality ${q.left} ${op} ${q.right} is checked by validate but not enforced at generation`, 'only a timestamp drawn by datetime_series after another timestamp of the same row is enforced');
    return;
  }
  col.generator.after = { column: first.column, strict: op === '<' || op === '>' };
}

function checkTargets(ctx: PlanContext, t: Json): void {
  const base = pointer('targets');
  const table = (name: unknown, path: string) => {
    const entry = typeof name === 'string' ? ctx.nodes.get(name) : undefined;
    if (!entry) error(ctx, 'DG_UNKNOWN_TABLE', path, `target names table ${JSON.stringify(name)}, which is not a node`, `one of: ${[...ctx.nodes.keys()].join(', ')}`);
    return entry?.node;
  };
  const column = (node: Json, name: unknown, path: string) => {
    if (node && (typeof name !== 'string' || !findColumn(node, name))) error(ctx, 'DG_UNKNOWN_COLUMN', path, `target names column ${JSON.stringify(name)}, which "${node.id}" does not have`, 'name a column of that table');
  };
  if (t.weekend_share) column(table(t.weekend_share.table, `${base}/weekend_share/table`), t.weekend_share.timestamp, `${base}/weekend_share/timestamp`);
  if (t.mean_in_range) column(table(t.mean_in_range.table, `${base}/mean_in_range/table`), t.mean_in_range.column, `${base}/mean_in_range/column`);
  if (t.composite_effect) {
    table(t.composite_effect.table, `${base}/composite_effect/table`);
    (t.composite_effect.influences ?? []).forEach((inf: Json, i: number) => {
      if (inf?.kind === 'effect') table(inf.table, `${base}/composite_effect/influences/${i}/table`);
    });
  }
}
