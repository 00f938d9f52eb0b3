import { applyClamp } from '../generators/distribution.ts';
import type { ModifierKernel } from '../types.ts';

/** Bound values to [min, max]; either bound may be null. */
export const clamp: ModifierKernel<'clamp'> = (p, data) => {
  applyClamp(data.num!, [p.min, p.max]);
  return data;
};
