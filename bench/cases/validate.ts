/**
 * Issue 7: `datagen validate` on the reference fact (1 M accounts + ~10 M transactions), target < 30 s. The
 * file is generated once before the timed runs (outside them); each run is `validate()` exactly as the CLI
 * calls it (every structural, value, behavioural and target check, no profiles), and reports the rows checked.
 */
import { join } from 'node:path';
import { validate } from '../../src/validate/validate.ts';
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

const SPEC = new URL('../specs/reference-fact.json', import.meta.url);
let source = '';

export const validateCase: BenchCase = {
  name: 'validate',
  title: 'validate reference fact',
  variants: [
    {
      name: 'datagen',
      role: 'datagen',
      label: 'datagen validate bench/specs/reference-fact.json on its generated file (generated before the timed runs)',
      prepare: async (dir, ctx) => {
        source = join(dir, 'validate-source.duckdb');
        await runSpec(readSpec(SPEC), ctx.size, source);
      },
      run: async () => {
        const r = await validate(readSpec(SPEC), source);
        if (!r.ok) throw new Error(`the generated file does not validate: ${r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.check} ${c.table}: ${c.message}`).join('; ')}`);
        const rows = r.tables.reduce((a, t) => a + t.rows, 0);
        return { rows, tables: [{ table: `${r.checks.length} checks`, rows }] };
      },
    },
  ],
};
