/**
 * Issue 7: `datagen validate` on the reference fact (1 M accounts + ~10 M transactions), target < 30 s. The
 * file is generated once before the timed runs (outside them); each run is `validate()` exactly as the CLI
 * calls it (every structural, value, behavioural and target check, no profiles), and reports the rows checked.
 * The `html` variant adds what `--html` costs: column profiles (histograms, top values, exact distinct counts
 * up to 2 M rows) and the rendered report.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { renderHtml } from '../../src/validate/report/html.ts';
import { validate } from '../../src/validate/validate.ts';
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase, CaseContext } from './types.ts';

const SPEC = new URL('../specs/reference-fact.json', import.meta.url);
let source = '';

/** Each variant runs in its own process: each generates the file it validates. */
async function prepare(dir: string, ctx: CaseContext): Promise<void> {
  source = join(dir, 'validate-source.duckdb');
  await runSpec(readSpec(SPEC), ctx.size, source);
}

export const validateCase: BenchCase = {
  name: 'validate',
  title: 'validate reference fact',
  variants: [
    {
      name: 'datagen',
      role: 'datagen',
      label: 'datagen validate bench/specs/reference-fact.json on its generated file (generated before the timed runs)',
      prepare,
      run: () => check(false),
    },
    {
      name: 'html',
      role: 'datagen',
      label: 'the same with --html (column profiles and the rendered report)',
      prepare,
      run: (out) => check(true, out.replace(/\.duckdb$/, '') + '.html'),
    },
  ],
};

async function check(profiles: boolean, html?: string): Promise<{ rows: number; tables: { table: string; rows: number }[] }> {
  const r = await validate(readSpec(SPEC), source, { profiles });
  if (!r.ok) throw new Error(`the generated file does not validate: ${r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.check} ${c.table}: ${c.message}`).join('; ')}`);
  if (html) writeFileSync(html, renderHtml(r));
  const rows = r.tables.reduce((a, t) => a + t.rows, 0);
  return { rows, tables: [{ table: `${r.checks.length} checks`, rows }] };
}
