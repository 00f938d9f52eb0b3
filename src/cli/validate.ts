/** `datagen validate <spec> <db>`: run the checks, print the summary, write the JSON / HTML reports; exit 0 only when valid. */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpecError } from '../diagnostics/diagnostic.ts';
import { compile } from '../plan/compile.ts';
import { loadSpec } from '../spec/load.ts';
import { formatReport } from '../validate/format.ts';
import { renderHtml } from '../validate/report/html.ts';
import { validate } from '../validate/validate.ts';
import { type Io, UserError } from './io.ts';

export interface ValidateFlags { report?: string; html?: string; threshold: number; verbose?: boolean; quiet?: boolean }

export async function validateCommand(specFile: string, dbFile: string, o: ValidateFlags, io: Io): Promise<number> {
  const spec = loadSpec(resolve(io.cwd, specFile), specFile);
  // The spec is checked before the database is opened: its problems come first, with their paths.
  const compiled = spec.diagnostics.length ? { plan: null, diagnostics: spec.diagnostics } : compile(spec.doc);
  if (!compiled.plan) throw new SpecError(spec.map.annotate(compiled.diagnostics), specFile);
  const db = resolve(io.cwd, dbFile);
  if (!existsSync(db)) throw new UserError(`database file "${dbFile}" does not exist (generate it with: datagen run ${specFile} -o ${dbFile})`);
  let report;
  try {
    report = await validate(spec.doc, db, { threshold: o.threshold, profiles: Boolean(o.html), specName: specFile, dbName: dbFile });
  } catch (e) {
    if (e instanceof SpecError) throw new SpecError(spec.map.annotate(e.diagnostics), specFile);
    throw e;
  }
  const text = formatReport(report, o.verbose);
  io.stdout.write(o.quiet ? text.split('\n').filter(Boolean).slice(-1)[0] + '\n' : text);
  if (o.report) writeFileSync(resolve(io.cwd, o.report), JSON.stringify(report, null, 2) + '\n');
  if (o.html) writeFileSync(resolve(io.cwd, o.html), renderHtml(report));
  return report.ok ? 0 : 1;
}
