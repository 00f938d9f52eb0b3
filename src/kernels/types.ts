import type { ChunkContext } from '../engine/chunk.ts';
import type { ColumnData } from '../model/column-data.ts';
import type { ColumnPlan } from '../ir/types.ts';
import type { Gen, GenKind, Mod, ModKind } from '../plan/programs/types.ts';

export type { Gen, GenKind, ModKind };

/** How a generator program fills a chunk (its planner: src/plan/programs/generators/<stem>.ts). */
export type GeneratorKernel<K extends GenKind> = (p: Gen<K>, col: ColumnPlan, ctx: ChunkContext) => ColumnData;

/** How a modifier program changes a chunk's column: in place, or by returning a new one. */
export type ModifierKernel<K extends ModKind> = (p: Mod<K>, data: ColumnData, col: ColumnPlan, ctx: ChunkContext) => ColumnData;
