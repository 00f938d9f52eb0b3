/** `datagen compare <source> <twin>`: score a twin against its source (docs/compare.md); exit 1 below --threshold. */
import { resolve } from 'node:path';
import { compareSources } from '../compare/compare.ts';
import { formatCompare } from '../compare/format.ts';
import { renderCompareHtml } from '../compare/html.ts';
import { CompareError, readSpecFile } from '../compare/keys.ts';
import { maskUrl, SourceError } from '../infer/source.ts';
import { writeOutputFile } from './write-output.ts';
import { type Io, UserError } from './io.ts';
import { checkOutputTarget, type OutputKind } from './output-target.ts';

export interface CompareFlags {
  tables?: string;
  spec?: string;
  report?: string;
  json?: string;
  threshold?: string;
  force?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

export async function compareCommand(source: string, twin: string, o: CompareFlags, io: Io): Promise<number> {
  let threshold: number | undefined;
  if (o.threshold !== undefined) {
    threshold = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(o.threshold) ? Number(o.threshold) : NaN;
    if (!(threshold >= 0 && threshold <= 1)) throw new UserError(`--threshold ${JSON.stringify(o.threshold)} is not a score from 0 to 1`, 'DG_BAD_OPTION', 'e.g. --threshold 0.8 (the overall score is a share, not a percentage)');
  }
  const tables = o.tables?.split(',').map((t) => t.trim()).filter(Boolean);
  if (o.tables !== undefined && !tables?.length) throw new UserError('--tables names no table', 'DG_BAD_OPTION', 'e.g. --tables flights,airports');
  // The report files are checked before anything runs: a refusal leaves everything as it was.
  const outputs: { option: string; given: string; kind: OutputKind; path: string }[] = [];
  for (const [option, given, kind] of [['--json', o.json, 'compare-json'], ['--report', o.report, 'compare-html']] as const) {
    if (given !== undefined) outputs.push({ option, given, kind, path: checkOutputTarget(given, io.cwd, { option, kind, force: o.force, inputs: [source, twin, ...(o.spec ? [o.spec] : [])] }) });
  }
  if (outputs.length === 2 && outputs[0].path === outputs[1].path) throw new UserError(`--json and --report name the same file ${JSON.stringify(o.json)}`, 'DG_OUTPUT_IS_INPUT', 'give each report its own file');
  const at = (p: string) => (/^postgres(ql)?:\/\//i.test(p) ? p : resolve(io.cwd, p));
  let report;
  try {
    const spec = o.spec === undefined ? undefined : readSpecFile(resolve(io.cwd, o.spec), o.spec);
    report = await compareSources(at(source), at(twin), { tables, spec, threshold });
  } catch (e) {
    if (e instanceof SourceError || e instanceof CompareError) throw new UserError(e.message.replaceAll(`${io.cwd}/`, ''), e.code, e.hint);
    throw e;
  }
  // as the user wrote them (a URL's password masked)
  report.source = maskUrl(source);
  report.twin = maskUrl(twin);
  const text = formatCompare(report, o.verbose);
  io.stdout.write(o.quiet ? text.split('\n').filter(Boolean).slice(-1)[0] + '\n' : text);
  for (const out of outputs) {
    writeOutputFile(out.path, out.kind === 'compare-json' ? JSON.stringify(report, null, 2) + '\n' : renderCompareHtml(report), `${out.option} ${JSON.stringify(out.given)}`);
  }
  return report.ok ? 0 : 1;
}
