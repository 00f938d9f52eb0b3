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
export { EVENT_COLUMNS, formatEvents, formatLabels, type Label, type LabelEvent, readEvents, readLabels } from './sinks/labels.ts';
export { withoutScenarios } from './scenarios/strip.ts';
export { VERSION } from './version.ts';
export { validate, type ValidateOptions } from './validate/validate.ts';
export { renderHtml } from './validate/report/html.ts';
export { formatReport } from './validate/format.ts';
export type { CheckResult, ChartData, ValidationReport } from './validate/types.ts';
/** Infer an editable spec from existing data (docs/infer.md): `const { spec, evidence } = await inferSpec('data/')`. */
export { inferSpec, type InferOptions, type InferResult, type InferEvidence } from './infer/infer.ts';
export { renderInferHtml } from './infer/report.ts';
/** Score a twin against its source (docs/compare.md): `const report = await compareSources('data/', 'twin.duckdb', { spec: 'spec.json' })`. */
export { compareSources, type CompareOptions } from './compare/compare.ts';
export { renderCompareHtml } from './compare/html.ts';
export { formatCompare } from './compare/format.ts';
export type { CompareReport } from './compare/types.ts';

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

// For tools that draw or preview a plan (datagen studio, docs/studio.md): a summary of its tables, so they need
// none of the plan's fields, and the Vega-Lite column profile charts of the validate report.
export { profileChart } from './validate/report/charts.ts';
import { printPlan } from './plan/print.ts';
export { printPlan };

/** One table of a compiled plan, as `planTables` describes it. */
export interface PlanTableInfo {
  id: string;
  kind: 'entity' | 'fact' | 'vocab';
  /** Its level in the dependency graph (0: depends on nothing). */
  level: number;
  pk: string | null;
  estimatedRows: number;
  /** The tables it depends on and how: its primary `parent`, a `lookup` column, an `effect` table, or `reads` (references, picks, lifetimes, states). */
  dependsOn: { table: string; how: 'parent' | 'lookup' | 'effect' | 'reads' }[];
  /** `hidden`: a helper column, generated and read by other columns but not written. */
  columns: { name: string; type: string; hidden?: true }[];
  /** Its part of `printPlan` (what `datagen compile` prints): the table line and one line per column with its program. */
  printout: string;
}

/** The tables of a compiled plan in generation order, with their dependencies and estimated rows. */
export function planTables(plan: Plan): PlanTableInfo[] {
  const blocks = printPlan(plan).split('\n\n');
  return plan.tables.map((t) => {
    const how = new Map<string, PlanTableInfo['dependsOn'][number]['how']>();
    if (t.rows.kind !== 'fixed') how.set(t.rows.parent, 'parent');
    if (t.rows.kind === 'fanout') for (const e of t.rows.effects) if (!how.has(e.table)) how.set(e.table, 'effect');
    for (const c of t.columns) {
      if (c.generator.kind === 'lookup' && !how.has(c.generator.table)) how.set(c.generator.table, 'lookup');
      for (const m of c.modifiers) if (m.kind === 'effect' && !how.has(m.effect.table)) how.set(m.effect.table, 'effect');
    }
    return {
      id: t.id, kind: t.kind, level: t.level, pk: t.pk, estimatedRows: t.estimatedRows,
      dependsOn: t.dependsOn.map((d) => ({ table: d, how: how.get(d) ?? 'reads' })),
      columns: t.columns.map((c) => ({ name: c.name, type: c.sqlType, ...(c.hidden ? { hidden: true as const } : {}) })),
      printout: blocks.find((b) => b.startsWith(`${t.id}  [`)) ?? '',
    };
  });
}

/**
 * Parse spec text as if it were the file `file` (absolute): its includes and preset files are read relative to it,
 * as `loadSpec` reads them. `allow` may refuse some of them (datagen studio reads only files inside the spec's
 * folder): a refused file is a DG_FILE error at its reference. For an editor holding unsaved text of a spec.
 */
export function loadSpecTextAt(text: string, file: string, opts: { allow?: (abs: string) => boolean } = {}): LoadedSpec {
  const spec = loadSpecText(text, file);
  if (spec.diagnostics.length || !hasIncludes(spec.doc)) return spec;
  const read = (abs: string, display: string): LoadedSpec => (opts.allow && !opts.allow(abs)
    ? { file: abs, doc: undefined, map: new SourceMap('', undefined), diagnostics: [diag('DG_FILE', '', `${display} is outside the folder this spec may read`, 'keep included and preset files beside the spec')], warnings: [] }
    : loadJsonFile(abs, display));
  const r = resolveIncludes(spec as LoadedSpec & { doc: Record<string, never> }, file, basename(file), read);
  return { file, doc: r.doc, map: r.map, diagnostics: r.diagnostics, warnings: [...spec.warnings, ...r.warnings] };
}
import { basename } from 'node:path';
import { diag } from './diagnostics/diagnostic.ts';
import { SourceMap } from './diagnostics/source-map.ts';
import { loadJsonFile, loadSpecText, type LoadedSpec } from './spec/load.ts';
import { hasIncludes, resolveIncludes } from './spec/includes.ts';

/**
 * The column profiles of a generated file (what `validate(…, {profiles: true})` adds to its report, without running
 * the checks): per table of the spec present in the file, per column its nulls, distinct values, min/max/mean and a
 * histogram or its top values. datagen studio's preview draws them with `profileChart`.
 */
export async function profileFile(spec: unknown, dbPath: string, opts: AuthorOptions & {
  threads?: number;
  /** More read-only SQL over the same open file after the profiles (the studio's first rows and time charts): one
   *  open of the file instead of one per query. Rows as plain objects, as validate reads them. */
  inspect?: (query: (sql: string) => Promise<Record<string, unknown>[]>, profiles: TableProfile[]) => Promise<void>;
} = {}): Promise<TableProfile[]> {
  const { ctx } = await openContext(spec, dbPath, { threads: opts.threads, preset: opts.preset, set: opts.set });
  try {
    const profiles = await profileTables(ctx);
    if (opts.inspect) await opts.inspect((sql) => ctx.db.all(sql), profiles);
    return profiles;
  } finally {
    ctx.db.close();
  }
}
export type { TableProfile } from './validate/types.ts';
import type { TableProfile } from './validate/types.ts';
import type { AuthorOptions } from './spec/author.ts';
import { openContext } from './validate/context.ts';
import { profileTables } from './validate/profile.ts';
