import { sampleDist } from '../../model/distributions.ts';
import { uniform } from '../../model/rng.ts';
import { error, isNumber } from '../../plan/context.ts';
import { cachedDist, planDist } from '../generators/distribution.ts';
import type { ModifierEntry } from '../types.ts';

/** A `rate` share of rows scaled ×(1+m) (spike) or ÷(1+m) (drop), m ~ magnitude_dist; every one labelled. */
export const outliers: ModifierEntry<'outliers'> = {
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
  execute(p, data, col, ctx) {
    const v = data.num!;
    const dist = cachedDist(p);
    for (let i = 0; i < v.length; i++) {
      const row = ctx.start + i;
      if (uniform(p.stream, row, 0) >= p.rate || Number.isNaN(v[i]) || v[i] === 0) continue;
      let m = sampleDist(dist, p.stream, row, 1);
      if (p.clamp[0] !== null) m = Math.max(p.clamp[0], m);
      if (p.clamp[1] !== null) m = Math.min(p.clamp[1], m);
      const expected = v[i];
      v[i] = p.mode === 'spike' ? expected * (1 + m) : expected / (1 + m);
      ctx.label({ column: col.name, index: i, kind: `outlier_${p.mode}`, magnitude: m });
    }
    return data;
  },
};
