/**
 * datagen's public library API (the CLI uses exactly this).
 *
 *   const spec = loadSpec('examples/quickstart.json');
 *   const { plan, diagnostics } = compile(spec.doc, { seed: 7 });
 *   await run(plan!, { out: 'quickstart.duckdb' });
 */
import { SpecError } from './diagnostics/diagnostic.ts';
import { runPlan, type RunOptions, type RunResult } from './run/run.ts';
import { compile, type CompileOptions } from './plan/compile.ts';
import { isPlan } from './plan/is-plan.ts';
import type { Plan } from './ir/types.ts';
import type { DatagenSpec } from '../generated/datagen.ts';

export { compile, type CompileOptions, type CompileResult } from './plan/compile.ts';
export { loadSpec, loadSpecText, type LoadedSpec } from './spec/load.ts';
/** Spec authoring (docs/authoring.md): a spec's presets; `compile`, `run` and `validate` take `preset` and `set`. */
export { listPresets, type PresetInfo } from './spec/presets.ts';
export type { AuthorOptions } from './spec/author.ts';
export { formatDiagnostic, formatDiagnostics } from './diagnostics/format.ts';
export { type Diagnostic, type Severity, SpecError } from './diagnostics/diagnostic.ts';
/** A compiled plan (what `compile` returns and `datagen compile -o` saves): pass it to `run`; its fields are not an API. */
export type { Plan } from './ir/types.ts';
/** A spec document, as schemas/datagen.schema.json describes it (docs/language.md). */
export type Spec = DatagenSpec;
export { isPlan } from './plan/is-plan.ts';
export type { RunOptions, RunResult } from './run/run.ts';
export { queryFile } from './sinks/read.ts';
export { formatLabels, type Label, readLabels } from './sinks/labels.ts';
export { withoutScenarios } from './scenarios/strip.ts';
export { VERSION } from './version.ts';
export { validate, type ValidateOptions } from './validate/validate.ts';
export { renderHtml } from './validate/report/html.ts';
export { formatReport } from './validate/format.ts';
export type { CheckResult, ChartData, ValidationReport } from './validate/types.ts';

/** Execute a compiled plan. */
export async function run(plan: Plan, opts?: RunOptions): Promise<RunResult>;
/** Compile a spec document, then execute it; a spec with errors throws SpecError (its diagnostics). */
export async function run(spec: Spec, opts?: RunOptions & CompileOptions): Promise<RunResult>;
export async function run(planOrSpec: Plan | Spec, opts: RunOptions & CompileOptions = {}): Promise<RunResult> {
  let plan: Plan;
  if (isPlan(planOrSpec)) plan = planOrSpec;
  else {
    const r = compile(planOrSpec, opts);
    if (!r.plan) throw new SpecError(r.diagnostics);
    plan = r.plan;
  }
  return runPlan(plan, opts);
}
