import type { ModifierKernel } from '../types.ts';
import { trendFactor, YEAR_MS } from '../../model/trend.ts';

/** Multiplier by years t since `origin`: exponential (1+g)^t, linear 1+g·t, logarithmic 1+a·ln(1+b·t). */
export const trend: ModifierKernel<'trend'> = (p, data, _col, ctx) => {
  const v = data.num!;
  const t = ctx.cols.get(p.timeRef)!.num!;
  for (let i = 0; i < v.length; i++) {
    const years = (t[i] - p.originMs) / YEAR_MS;
    if (Number.isNaN(years)) continue;
    v[i] *= trendFactor(p.type, p.growthRate, p.a, p.b, years);
  }
  return data;
};
