/**
 * Issue 21: `datagen compare` on millions of rows — examples/quickstart.json scaled to ~2.4 M events (1/10 with
 * --quick) as the source, the same spec with another seed as the twin (both generated before the timed runs);
 * each run is `compareSources()` exactly as the CLI calls it (keys from the spec and the source, every score,
 * privacy) and reports the rows read (source + twin).
 */
import { join } from 'node:path';
import { compareSources } from '../../src/compare/compare.ts';
import { readSpec, runSpec, scaleForRows } from './datagen.ts';
import type { BenchCase, CaseContext } from './types.ts';

const SPEC = new URL('../../examples/quickstart.json', import.meta.url);
const EVENTS = 2_400_000;
let files: { source: string; twin: string } | null = null;

async function prepare(dir: string, ctx: CaseContext): Promise<void> {
  const doc = readSpec(SPEC);
  const scale = scaleForRows(doc, 'events', EVENTS * ctx.size);
  files = { source: join(dir, 'compare-source.duckdb'), twin: join(dir, 'compare-twin.duckdb') };
  await runSpec(doc, scale, files.source);
  await runSpec({ ...doc, seed: Number(doc.seed ?? 0) + 1 }, scale, files.twin);
}

export const compareCase: BenchCase = {
  name: 'compare',
  title: 'compare quickstart (scaled) with a twin',
  variants: [
    {
      name: 'datagen',
      role: 'datagen',
      label: 'datagen compare of examples/quickstart.json at ~2.4 M events against the same spec with another seed (both generated before the timed runs)',
      prepare,
      run: async () => {
        const r = await compareSources(files!.source, files!.twin, { spec: readSpec(SPEC) });
        if (r.overall === null || r.overall < 0.9) throw new Error(`a twin of the same spec scores ${r.overall}`);
        const rows = r.tables.reduce((a, t) => a + (t.sourceRows ?? 0) + (t.twinRows ?? 0), 0);
        return { rows, tables: r.tables.map((t) => ({ table: `${t.table} (overall ${(100 * r.overall!).toFixed(1)} %)`, rows: (t.sourceRows ?? 0) + (t.twinRows ?? 0) })) };
      },
    },
  ],
};
