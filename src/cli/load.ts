import { resolve } from 'node:path';
import { sortDiagnostics } from '../diagnostics/diagnostic.ts';
import { formatDiagnostic } from '../diagnostics/format.ts';
import { isPlan } from '../plan/is-plan.ts';
import { compile, type CompileOptions } from '../plan/compile.ts';
import type { Plan } from '../ir/types.ts';
import { loadSpec } from '../spec/load.ts';
import { validatePlan } from '../plan/plan-schema.ts';
import { type Io, UserError } from './io.ts';

/** Load a spec (compile it, printing diagnostics) or a saved plan; undefined when there are errors. */
export function loadPlan(file: string, opts: CompileOptions & { fromPlanAllowed?: boolean }, io: Io): Plan | undefined {
  const spec = loadSpec(resolve(io.cwd, file), file);
  if (opts.fromPlanAllowed && isPlan(spec.doc)) {
    const problems = validatePlan(spec.doc);
    if (problems.length) throw new UserError(`${file} looks like a plan but is not valid: ${problems.slice(0, 3).join('; ')}`);
    if (opts.seed !== undefined || opts.scale !== undefined) throw new UserError(`${file} is a compiled plan: its seed and scale are fixed; pass the spec to change them`);
    if (opts.preset !== undefined || opts.set !== undefined) throw new UserError(`${file} is a compiled plan: --preset and --set apply to a spec`, 'DG_BAD_OPTION', 'pass the spec, or compile it with them: datagen compile spec.json --preset NAME -o plan.json');
    return spec.doc;
  }
  const compiled = spec.diagnostics.length ? { plan: null, diagnostics: spec.diagnostics } : compile(spec.doc, opts);
  // Warnings about the text (duplicate keys) join compile's; --strict makes them errors like compile's own.
  const textWarnings = spec.warnings.map((d) => (opts.strict ? { ...d, severity: 'error' as const } : d));
  const result = { plan: opts.strict && textWarnings.length ? null : compiled.plan, diagnostics: sortDiagnostics([...textWarnings, ...compiled.diagnostics]) };
  const diags = spec.map.annotate(result.diagnostics);
  for (const d of diags) io.stderr.write(formatDiagnostic(d, file) + '\n');
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.length - errors;
  if (diags.length) io.stderr.write(`${errors} error(s), ${warnings} warning(s)\n`);
  return result.plan ?? undefined;
}
