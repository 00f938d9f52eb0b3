import { checkLocalColumn, error, findColumn, isNumber } from '../../context.ts';
import type { GeneratorPlanner } from '../types.ts';

/** Arithmetic sequence over the row ordinal: start + step × ordinal; with `order_by`, keys that grow with a time column. */
export const sequence: GeneratorPlanner<'sequence'> = {
  name: 'sequence',
  kind: 'sequence',
  plan(args, ctx, path) {
    const start = args?.start ?? 1;
    const step = args?.step ?? 1;
    if (!isNumber(start) || !isNumber(step)) {
      return error(ctx, 'DG_BAD_PARAM', path, 'sequence start and step must be numbers', 'e.g. {"start": 1, "step": 1}');
    }
    if (step === 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/step`, 'sequence step 0 repeats the same value on every row', 'use a non-zero step (1 for keys)');
    if (ctx.type === 'int') {
      // Doubles count integers exactly only up to 2^53: beyond, consecutive keys collapse into one (and past 2^63 BIGINT holds nothing).
      for (const [key, v] of [['start', start], ['step', step]] as const) {
        if (Math.abs(v) > Number.MAX_SAFE_INTEGER) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/${key}`, `sequence ${key} ${v} is beyond ±2^53 (9007199254740991): integers that large are not exact, so values would repeat or not fit BIGINT`, `use a ${key} of at most 9007199254740991 in magnitude`);
      }
    }
    if (args?.order_by === undefined) return { kind: 'sequence', start, step };
    const orderBy = checkLocalColumn(ctx, args.order_by, `${path}/order_by`, 'sequence order_by');
    if (!orderBy) return undefined;
    const t = findColumn(ctx.node, orderBy)?.type;
    if (orderBy === ctx.column.name) return error(ctx, 'DG_SELF_REFERENCE', `${path}/order_by`, `sequence order_by names the column itself ("${orderBy}")`, 'name the datetime column whose time the keys follow (e.g. "occurred_at")');
    if (t !== 'datetime' && t !== 'date') return error(ctx, 'DG_TYPE_MISMATCH', `${path}/order_by`, `sequence order_by names "${orderBy}", a ${String(t)} column: keys in time order need a datetime or date column`, 'name the datetime column whose time the keys follow (e.g. "occurred_at")');
    return { kind: 'sequence', start, step, orderBy };
  },
};
