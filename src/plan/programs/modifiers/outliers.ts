import { error, isNumber } from '../../context.ts';
import { planDist } from '../generators/distribution.ts';
import type { ModifierPlanner } from '../types.ts';

/** A `rate` share of rows scaled ×(1+m) (spike) or ÷(1+m) (drop), m ~ magnitude_dist; every one labelled. */
export const outliers: ModifierPlanner<'outliers'> = {
  name: 'outliers',
  kind: 'outliers',
  plan(args, ctx, path, index) {
    const rate = args?.rate;
    if (!isNumber(rate) || rate < 0 || rate > 1) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/rate`, `outliers rate ${JSON.stringify(rate)} is not a probability in [0, 1]`, 'e.g. 0.01 for 1% of rows');
    const mode = args.mode ?? 'spike';
    if (mode !== 'spike' && mode !== 'drop') return error(ctx, 'DG_BAD_PARAM', `${path}/mode`, `outliers mode ${JSON.stringify(mode)} is not "spike" or "drop"`, 'use "spike" or "drop"');
    const d = planDist(args.magnitude_dist ?? { type: 'uniform', params: { low: 1, high: 3 } }, ctx, `${path}/magnitude_dist`, false);
    return d && { kind: 'outliers', rate, mode, ...d, stream: ctx.stream(`outliers:${index}`) };
  },
};
