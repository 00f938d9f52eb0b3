import { ColumnData } from '../../engine/column-data.ts';
import { error, isNumber } from '../../plan/context.ts';
import type { GeneratorEntry } from '../types.ts';

/** Arithmetic sequence over the row ordinal: start + step × ordinal. */
export const sequence: GeneratorEntry<'sequence'> = {
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
    return { kind: 'sequence', start, step };
  },
  execute(p, _col, ctx) {
    const out = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) out[i] = p.start + p.step * (ctx.start + i);
    return ColumnData.numbers(out);
  },
};
