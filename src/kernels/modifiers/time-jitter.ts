import { normalQuantile } from '../../model/distributions.ts';
import { uniform } from '../../model/rng.ts';
import type { ModifierKernel } from '../types.ts';

/** Gaussian shift of a timestamp by N(0, std_minutes) minutes, rounded to the second. */
export const timeJitter: ModifierKernel<'time_jitter'> = (p, data, _col, ctx) => {
  const v = data.num!;
  const std = p.stdMinutes * 60_000;
  for (let i = 0; i < v.length; i++) v[i] += Math.round((std * normalQuantile(uniform(p.stream, ctx.start + i, 0))) / 1000) * 1000;
  return data;
};
