import { ColumnData } from '../../model/column-data.ts';
import { sampleIndexLists } from '../../model/lists.ts';
import type { GeneratorKernel } from '../types.ts';

/** k distinct choices per row: numbers, or strings (sampler: src/model/lists.ts). */
export const sample: GeneratorKernel<'sample'> = (p, col, ctx) => {
  const { offsets, picks } = sampleIndexLists(p.weights, p.min, p.max, col.stream, ctx.start, ctx.n);
  if (p.values.every((v) => typeof v === 'number')) {
    return ColumnData.lists({ offsets, nums: Float64Array.from(picks, (j) => p.values[j] as number), strs: null, nulls: null });
  }
  return ColumnData.lists({ offsets, nums: null, strs: Array.from(picks, (j) => String(p.values[j])), nulls: null });
};
