import { ColumnData } from '../../model/column-data.ts';
import { vectorLists } from '../../model/lists.ts';
import type { GeneratorKernel } from '../types.ts';
import { cachedDist } from './distribution.ts';

/** `length` independent draws of one distribution per row (list<float> / list<int>; sampler: src/model/lists.ts). */
export const vector: GeneratorKernel<'vector'> = (p, col, ctx) => ColumnData.lists(vectorLists(cachedDist(p), p.length, p.clamp, col.stream, ctx.start, ctx.n));
