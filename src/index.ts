/**
 * datagen's public library API (the CLI uses exactly this).
 *
 *   const spec = loadSpec('examples/quickstart.json');
 *   const { plan, diagnostics } = compile(spec.doc, { seed: 7 });
 *   await run(plan!, { out: 'quickstart.duckdb' });
 */
import { SpecError } from './diagnostics/diagnostic.ts';
import { runPlan, type RunOptions, type RunResult } from './engine/run.ts';
import { compile, type CompileOptions } from './plan/compile.ts';
import type { Plan } from './plan/types.ts';

export { compile, type CompileOptions, type CompileResult } from './plan/compile.ts';
export { loadSpec, loadSpecText, type LoadedSpec } from './spec/load.ts';
export { formatDiagnostic, formatDiagnostics } from './diagnostics/format.ts';
export { type Diagnostic, type Severity, SpecError } from './diagnostics/diagnostic.ts';
export type { Plan, TablePlan, ColumnPlan } from './plan/types.ts';
export type { RunOptions, RunResult } from './engine/run.ts';
export { queryFile } from './sinks/read.ts';
export { formatLabels, type Label, readLabels } from './sinks/labels.ts';
export type { LabelRow } from './engine/labels.ts';
export { withoutScenarios } from './scenarios/strip.ts';
export { VERSION } from './version.ts';
export { validate, type ValidateOptions } from './validate/validate.ts';
export { renderHtml } from './validate/report/html.ts';
export { formatReport } from './validate/format.ts';
export type { CheckResult, ChartData, ValidationReport } from './validate/types.ts';

/** Execute a plan (or compile a spec document first; a spec with errors throws SpecError). */
export async function run(planOrSpec: Plan | unknown, opts: RunOptions & CompileOptions = {}): Promise<RunResult> {
  let plan: Plan;
  if (isPlan(planOrSpec)) plan = planOrSpec;
  else {
    const r = compile(planOrSpec, opts);
    if (!r.plan) throw new SpecError(r.diagnostics);
    plan = r.plan;
  }
  return runPlan(plan, opts);
}

export function isPlan(x: unknown): x is Plan {
  return typeof x === 'object' && x !== null && 'planVersion' in x && 'tables' in x;
}
