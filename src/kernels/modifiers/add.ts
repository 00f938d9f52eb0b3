import type { ModifierKernel } from '../types.ts';

/** value + value. */
export const add: ModifierKernel<'add'> = (p, data) => {
  const v = data.num!;
  for (let i = 0; i < v.length; i++) v[i] += p.value;
  return data;
};
