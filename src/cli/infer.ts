/** `datagen infer <source> -o spec.json`: an editable, deterministic spec from existing data (docs/infer.md). */
import { resolve } from 'node:path';
import { writeOutputFile } from './write-output.ts';
import { type Io, UserError } from './io.ts';
import { checkOutputTarget, type OutputKind } from './output-target.ts';

export interface InferFlags {
  out?: string;
  tables?: string;
  sample?: number;
  minCount?: number;
  report?: string;
  evidence?: string;
  force?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export async function inferCommand(location: string, o: InferFlags, io: Io): Promise<number> {
  const inputs = /^postgres(ql)?:\/\//i.test(location) ? [] : [location];
  // Every output is checked before any work: a refusal leaves everything as it was.
  const outs: { option: string; given: string; kind: OutputKind; path: string }[] = [];
  const want = (option: string, given: string | undefined, kind: OutputKind) => {
    if (given !== undefined) outs.push({ option, given, kind, path: checkOutputTarget(given, io.cwd, { option, kind, force: o.force, inputs }) });
  };
  want('-o', o.out, 'infer-spec');
  want('--report', o.report, 'infer-html');
  want('--evidence', o.evidence, 'infer-json');
  const paths = outs.map((x) => x.path);
  const dup = paths.find((p, i) => paths.indexOf(p) !== i);
  if (dup) throw new UserError(`${outs.filter((x) => x.path === dup).map((x) => x.option).join(' and ')} name the same file`, 'DG_BAD_OPTION', 'give each output its own file');
  const tables = o.tables === undefined ? undefined : o.tables.split(',').map((t) => t.trim()).filter(Boolean);
  if (tables && !tables.length) throw new UserError('--tables is empty', 'DG_BAD_OPTION', 'name tables separated by commas, e.g. --tables flights,airports');

  const [{ inferSpec }, { renderInferHtml, evidenceJson }, { SourceError }] = await Promise.all([import('../infer/infer.ts'), import('../infer/report.ts'), import('../infer/source.ts')]);
  let result;
  try {
    const isUrl = /^postgres(ql)?:\/\//i.test(location);
    result = await inferSpec(isUrl ? location : resolve(io.cwd, location), { shownAs: isUrl ? undefined : location, tables, sample: o.sample, minCount: o.minCount, log: o.verbose ? (l) => io.stderr.write(`${l}\n`) : undefined });
  } catch (e) {
    if (e instanceof SourceError) throw new UserError(e.message, e.code, e.hint);
    throw e;
  }
  const specText = JSON.stringify(result.spec, null, 2) + '\n';
  const texts: Record<string, string> = { '-o': specText, '--report': renderInferHtml(result), '--evidence': evidenceJson(result) };
  for (const x of outs) {
    writeOutputFile(x.path, texts[x.option], `${x.option} ${JSON.stringify(x.given)}`);
  }
  if (o.out === undefined) {
    io.stdout.write(specText);
  } else if (!o.quiet) {
    io.stdout.write(summary(result));
    for (const x of outs) io.stdout.write(`${x.option === '-o' ? 'spec' : x.option === '--report' ? 'report' : 'evidence'} written to ${x.given}\n`);
  }
  for (const w of result.evidence.warnings) io.stderr.write(`warning: ${w}\n`);
  if (result.evidence.specDiagnostics.length) {
    for (const d of result.evidence.specDiagnostics) io.stderr.write(`error: the inferred spec does not compile: ${d}\n`);
    return 1;
  }
  return 0;
}

function summary(r: Awaited<ReturnType<typeof import('../infer/infer.ts').inferSpec>>): string {
  const e = r.evidence;
  const lines: string[] = [];
  for (const t of e.tables) {
    const pk = e.keys.primaryKeys.find((k) => k.table === t.table);
    const parent = t.primaryParent ? `, ${t.fanout ? `fanout ${String(t.fanout.fanout.distribution)} (mean ${t.fanout.mean})` : ''} per ${t.primaryParent.table}` : '';
    lines.push(`  ${t.table.padEnd(24)} ${String(t.rows).padStart(10)} rows  ${t.node.kind}${pk ? ` pk ${pk.column}` : ''}${parent}`);
  }
  for (const l of e.lookupTables) lines.push(`  ${l.id.padEnd(24)} ${String(l.kept).padStart(10)} rows  vocab: ${l.dependents.join(', ')} as an exact function of ${l.determinants.join(', ')}`);
  for (const f of e.keys.foreignKeys) lines.push(`  foreign key ${f.table}.${f.column} → ${f.refTable}.${f.refColumn}${f.declared ? ' (declared)' : ` (${(f.evidence.coverage * 100).toFixed(2)} % contained, score ${f.evidence.score})`}`);
  for (const q of e.inequalities) lines.push(`  inequality ${q.table}: ${q.left} ${q.op} ${q.right}`);
  return lines.join('\n') + '\n';
}
