import type { ColumnContext, Json } from '../context.ts';
import type { GeneratorProgram, ModifierProgram } from '../../ir/types.ts';

export type GenKind = GeneratorProgram['kind'];
export type Gen<K extends GenKind> = Extract<GeneratorProgram, { kind: K }>;
export type ModKind = ModifierProgram['kind'];
export type Mod<K extends ModKind> = Extract<ModifierProgram, { kind: K }>;

/** One generator's planner: its DSL name and how it plans (checks + program). Its kernel: src/kernels/generators/<stem>.ts. */
export interface GeneratorPlanner<K extends GenKind> {
  /** Key in the spec (`generator: {<name>: {...}}`) and stem of schemas/generators/<name>.schema.json. */
  name: string;
  kind: K;
  plan(args: Json, ctx: ColumnContext, argsPath: string): Gen<K> | undefined;
}

/** One modifier's planner: `{transform: <name>, args}` → its program. Its kernel: src/kernels/modifiers/<stem>.ts. */
export interface ModifierPlanner<K extends ModKind> {
  name: string;
  kind: K;
  plan(args: Json, ctx: ColumnContext, argsPath: string, index: number): Mod<K> | undefined;
}
