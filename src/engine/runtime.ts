/**
 * What the chunk loop (table.ts) runs but does not own: the kernels of the generator and modifier programs
 * (src/registry → src/kernels) and the scenarios' hooks (src/scenarios). Both sit above the engine — a scenario
 * re-evaluates tables through the engine (history, added rows) — so the engine cannot import them: the run
 * orchestration installs them (src/run/runtime.ts, imported for its effect by src/run/run.ts and by each
 * generation worker's entry), and the engine reads them here. docs/architecture.md: the layer rule.
 */
import type { ColumnPlan, GeneratorProgram, ModifierProgram } from '../ir/types.ts';
import type { ColumnData } from '../model/column-data.ts';
import type { ChunkContext } from './chunk.ts';

/** Columns of a chunk the run takes from the table's scenario-free evaluation (src/scenarios/history.ts). */
export interface ReusableColumns {
  /** Final values: no scenario or other labelled modifier (outliers, anomaly) changes them or what they read. */
  values: Map<string, ColumnData>;
  /**
   * Generator outputs of scenario targets: a target whose modifiers are all scenarios, which reads no changed
   * column, has no null_rate and whose generator gives values the type cast keeps (counts, floats) has, as
   * its value without scenarios, exactly what its generator gives: the run applies the scenarios to it.
   */
  generated: Map<string, ColumnData>;
}

export interface Runtime {
  /** Fill one column of a chunk from its generator program. */
  generate(p: GeneratorProgram, col: ColumnPlan, ctx: ChunkContext): ColumnData;
  /** Apply one modifier program (scenario programs included) to a column of a chunk. */
  modify(p: ModifierProgram, data: ColumnData, col: ColumnPlan, ctx: ChunkContext): ColumnData;
  /** A table with scenarios: the columns of its scenario-free evaluation it can reuse, or null. */
  reusableColumns(ctx: ChunkContext): ReusableColumns | null;
}

let installed: Runtime | null = null;

export function installRuntime(rt: Runtime): void {
  installed = rt;
}

export function runtime(): Runtime {
  if (!installed) throw new Error('internal: no engine runtime installed (import src/run/runtime.ts before generating)');
  return installed;
}
