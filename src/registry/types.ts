import type { ChunkContext } from '../engine/chunk.ts';
import type { ColumnData } from '../model/column-data.ts';
import type { ColumnContext, Json } from '../plan/context.ts';
import type { ColumnPlan, GeneratorProgram, ModifierProgram } from '../ir/types.ts';

export type GenKind = GeneratorProgram['kind'];
export type Gen<K extends GenKind> = Extract<GeneratorProgram, { kind: K }>;
export type ModKind = ModifierProgram['kind'];
export type Mod<K extends ModKind> = Extract<ModifierProgram, { kind: K }>;

/** One generator: its DSL name, how it plans (checks + program) and how it fills a chunk. */
export interface GeneratorEntry<K extends GenKind> {
  /** Key in the spec (`generator: {<name>: {...}}`) and stem of schemas/generators/<name>.schema.json. */
  name: string;
  kind: K;
  plan(args: Json, ctx: ColumnContext, argsPath: string): Gen<K> | undefined;
  execute(p: Gen<K>, col: ColumnPlan, ctx: ChunkContext): ColumnData;
}

/** One modifier: `{transform: <name>, args}`; execution changes the column in place or returns a new one. */
export interface ModifierEntry<K extends ModKind> {
  name: string;
  kind: K;
  plan(args: Json, ctx: ColumnContext, argsPath: string, index: number): Mod<K> | undefined;
  execute(p: Mod<K>, data: ColumnData, col: ColumnPlan, ctx: ChunkContext): ColumnData;
}
