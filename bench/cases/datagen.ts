/** Running a spec through datagen's library, exactly as the CLI does: `compile` then `runPlan`. */
import { readFileSync } from 'node:fs';
import { formatDiagnostics } from '../../src/diagnostics/format.ts';
import { runPlan, type RunOptions } from '../../src/run/run.ts';
import { compile } from '../../src/plan/compile.ts';
import type { VariantRun } from './types.ts';

export function readSpec(url: URL | string): any {
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** Compile `doc` at `scale` and run it into `out` (workers: default, the number of cores); compile time is inside the caller's timed region. */
export async function runSpec(doc: unknown, scale: number, out: string, opts: Pick<RunOptions, 'workers' | 'memoryLimit'> = {}): Promise<VariantRun> {
  const { plan, diagnostics } = compile(doc, { scale });
  if (!plan) throw new Error(`spec does not compile:\n${formatDiagnostics(diagnostics)}`);
  const r = await runPlan(plan, { out, ...opts });
  return {
    rows: r.rows,
    tables: r.tables.map((t) => ({ table: t.table, rows: t.rows, seconds: t.seconds })),
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
  };
}

/** The scale at which `doc`'s table `table` is estimated at `rows` rows. */
export function scaleForRows(doc: unknown, table: string, rows: number): number {
  const { plan, diagnostics } = compile(doc);
  if (!plan) throw new Error(`spec does not compile:\n${formatDiagnostics(diagnostics)}`);
  const est = plan.tables.find((t) => t.id === table)!.estimatedRows;
  return rows / est;
}
