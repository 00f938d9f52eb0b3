import type { ModifierKernel } from '../types.ts';

/** value × factor. */
export const multiply: ModifierKernel<'multiply'> = (p, data) => {
  const v = data.num!;
  for (let i = 0; i < v.length; i++) v[i] *= p.factor;
  return data;
};
