import { normalQuantile } from '../../model/distributions.ts';
import { uniform } from '../../model/rng.ts';
import type { ModifierKernel } from '../types.ts';

/** Gaussian noise: value + ε (mode add) or value × (1 + ε) (mode mul), ε ~ N(0, std). */
export const jitter: ModifierKernel<'jitter'> = (p, data, _col, ctx) => {
  const v = data.num!;
  for (let i = 0; i < v.length; i++) {
    const e = p.std * normalQuantile(uniform(p.stream, ctx.start + i, 0));
    v[i] = p.mode === 'add' ? v[i] + e : v[i] * (1 + e);
  }
  return data;
};
