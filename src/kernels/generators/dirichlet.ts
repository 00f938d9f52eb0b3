import { ColumnData } from '../../model/column-data.ts';
import { dirichletLists } from '../../model/lists.ts';
import type { GeneratorKernel } from '../types.ts';

/** A Dirichlet vector per row (list<float>; sampler: src/model/lists.ts). */
export const dirichlet: GeneratorKernel<'dirichlet'> = (p, col, ctx) => ColumnData.lists(dirichletLists(p.alpha, col.stream, ctx.start, ctx.n));
