/** `datagen validate <spec> <db>`: run the checks, print the summary, write the JSON / HTML reports; exit 0 only when valid. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpecError } from '../diagnostics/diagnostic.ts';
import { compile } from '../plan/compile.ts';
import { writeOutputFile } from './write-output.ts';
import { loadSpec } from '../spec/load.ts';
import { formatReport } from '../validate/format.ts';
import { renderHtml } from '../validate/report/html.ts';
import { validate } from '../validate/validate.ts';
import { type Io, UserError } from './io.ts';
import { checkOutputTarget, type OutputKind } from './output-target.ts';

export interface ValidateFlags {
  report?: string;
  html?: string;
  /** Set by the user: soft failures are judged by the score (as with allowSoftFailures). */
  threshold?: number;
  allowSoftFailures?: boolean;
  force?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  /** The preset and overrides the database was generated with (docs/authoring.md). */
  preset?: string;
  set?: string[];
  strict?: boolean;
}

export async function validateCommand(specFile: string, dbFile: string, o: ValidateFlags, io: Io): Promise<number> {
  // The report files are checked before anything runs: a refusal leaves everything as it was.
  const outputs: { option: string; given: string; kind: OutputKind; path: string }[] = [];
  for (const [option, given, kind] of [['--report', o.report, 'report-json'], ['--html', o.html, 'report-html']] as const) {
    if (given !== undefined) outputs.push({ option, given, kind, path: checkOutputTarget(given, io.cwd, { option, kind, force: o.force, inputs: [specFile, dbFile] }) });
  }
  if (outputs.length === 2 && outputs[0].path === outputs[1].path) throw new UserError(`--report and --html name the same file ${JSON.stringify(o.report)}`, 'DG_OUTPUT_IS_INPUT', 'give each report its own file');
  const spec = loadSpec(resolve(io.cwd, specFile), specFile);
  // The spec is checked before the database is opened: its problems come first, with their paths.
  const compiled = spec.diagnostics.length ? { plan: null, diagnostics: spec.diagnostics } : compile(spec.doc, { preset: o.preset, set: o.set, strict: o.strict });
  if (!compiled.plan) throw new SpecError(spec.map.annotate(compiled.diagnostics), specFile);
  const db = resolve(io.cwd, dbFile);
  if (!existsSync(db)) throw new UserError(`database file "${dbFile}" does not exist`, 'DG_DB_MISSING', `generate it with: datagen run ${specFile} -o ${dbFile}`);
  let report;
  try {
    report = await validate(spec.doc, db, { preset: o.preset, set: o.set, threshold: o.threshold, allowSoftFailures: o.allowSoftFailures, profiles: Boolean(o.html), specName: specFile, dbName: dbFile });
  } catch (e) {
    if (e instanceof SpecError) throw new SpecError(spec.map.annotate(e.diagnostics), specFile);
    throw e;
  }
  const text = formatReport(report, o.verbose);
  io.stdout.write(o.quiet ? text.split('\n').filter(Boolean).slice(-1)[0] + '\n' : text);
  for (const out of outputs) {
    writeOutputFile(out.path, out.kind === 'report-json' ? JSON.stringify(report, null, 2) + '\n' : renderHtml(report), `${out.option} ${JSON.stringify(out.given)}`);
  }
  return report.ok ? 0 : 1;
}
