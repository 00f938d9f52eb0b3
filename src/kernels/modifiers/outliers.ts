import { sampleDist } from '../../model/distributions.ts';
import { uniform } from '../../model/rng.ts';
import { cachedDist } from '../generators/distribution.ts';
import type { ModifierKernel } from '../types.ts';

/** A `rate` share of rows scaled ×(1+m) (spike) or ÷(1+m) (drop), m ~ magnitude_dist; every one labelled. */
export const outliers: ModifierKernel<'outliers'> = (p, data, col, ctx) => {
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
};
