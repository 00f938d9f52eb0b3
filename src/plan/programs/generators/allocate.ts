import { didYouMean } from '../../../diagnostics/suggest.ts';
import { columnNames, error, findColumn } from '../../context.ts';
import { streamKey } from '../../../model/rng.ts';
import type { GeneratorPlanner } from '../types.ts';

const PER = ['hour', 'day', 'week', 'month', 'parent'];

/**
 * `allocate {per, time_column?, k?, weights_by?, value?}` (docs/behaviours/allocation.md): among the rows a parent
 * has in one period, exactly k (default 1) are chosen ∝ weights_by — a flag (bool/int 1 or 0), or, with `value`,
 * that column's value on the chosen rows and null on the others.
 */
export const allocate: GeneratorPlanner<'allocate'> = {
  name: 'allocate',
  kind: 'allocate',
  plan(args, ctx, path) {
    const node = ctx.node;
    if (node.kind !== 'fact' || !Array.isArray(node.parents) || node.parents.length === 0) {
      return error(ctx, 'DG_BAD_ALLOCATION', path, `allocate chooses among the rows a parent has, but "${node.id}" is not a fact with parents`, 'use it on a fact with "parents"');
    }
    const per = args?.per ?? 'parent';
    if (!PER.includes(per)) return error(ctx, 'DG_BAD_ALLOCATION', `${path}/per`, `per ${JSON.stringify(per)} is not one of ${PER.join(', ')}`, didYouMean(String(per), PER));
    const column = (key: string, name: unknown, ok: (t: string) => boolean, want: string): string | null | undefined => {
      if (name === undefined || name === null) return null;
      const c = typeof name === 'string' ? findColumn(node, name) : undefined;
      if (!c || name === ctx.column.name) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/${key}`, `${key} ${JSON.stringify(name)} is not another column of "${node.id}"`, didYouMean(String(name), columnNames(node).filter((x) => x !== ctx.column.name)));
      if (!ok(String(c.type))) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/${key}`, `${key} "${name}" is ${c.type}; it must be ${want}`, `name a ${want} column`);
      return String(name);
    };
    const time = column('time_column', args?.time_column, (t) => t === 'datetime' || t === 'date', 'datetime or date');
    const weightsBy = column('weights_by', args?.weights_by, (t) => ['int', 'float', 'decimal', 'bool'].includes(t), 'numeric');
    const value = column('value', args?.value, () => true, 'any');
    if (time === undefined || weightsBy === undefined || value === undefined) return undefined;
    if (per !== 'parent' && !time) return error(ctx, 'DG_BAD_ALLOCATION', path, `allocate per ${per} needs "time_column": the rows' time decides their ${per}`, 'name the datetime column of the rows, or use "per": "parent"');
    const k = args?.k ?? 1;
    if (!Number.isInteger(k) || k < 1) return error(ctx, 'DG_BAD_ALLOCATION', `${path}/k`, `k ${JSON.stringify(args?.k)} must be a whole number ≥ 1`, 'the number of rows chosen in each group, e.g. 1');
    if (!value && !['bool', 'int', 'float'].includes(ctx.type)) return error(ctx, 'DG_TYPE_MISMATCH', path, `allocate without "value" is a flag (1/0); "${ctx.column.name}" is ${ctx.type}`, 'make the column bool (or int), or give "value": the column whose value the chosen rows take');
    if (value && ctx.column.nullable === false) return error(ctx, 'DG_BAD_ALLOCATION', `${path}/value`, `with "value" the rows not chosen are null, but "${ctx.column.name}" is declared "nullable": false`, 'remove "nullable": false, or drop "value" for a flag');
    // Keyed by the allocation, not the column: a flag and a value allocated alike mark the same rows.
    const stream = streamKey(ctx.seed, String(node.id), '__allocate', per, time ?? '', String(k), weightsBy ?? '');
    return { kind: 'allocate', per, time, k, weightsBy, value, stream };
  },
};
