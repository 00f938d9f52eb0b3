/*
 * `datagen infer` round trip on every example of the project (issue 21): generate (small scale) → infer → the
 * spec compiles unedited and every foreign key of the example's constraints is recovered from the data alone (no
 * key is declared in a generated file); for a few examples the twin is generated and `validate`d without a hard
 * failure, and inferring twice gives the same spec.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, inferSpec, run, validate } from '../../src/index.ts';

const EXAMPLES = readdirSync('examples').filter((f) => f.endsWith('.json')).sort();
const TWINS = new Set(['quickstart.json', 'marketing_attribution.json', 'org_chart.json']);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'datagen-infer-examples-'));
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('datagen infer round trip on the examples', () => {
  for (const file of EXAMPLES) {
    it(file, async () => {
      const doc = JSON.parse(readFileSync(join('examples', file), 'utf8'));
      const source = join(dir, `${file}.duckdb`);
      await run(doc, { out: source, scale: 0.02 });
      const r = await inferSpec(source, { name: 'twin' });
      expect(r.evidence.specDiagnostics).toEqual([]);
      expect(compile(r.spec).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      // datagen's own tables are not imitated
      expect((r.spec.nodes as { id: string }[]).some((n) => n.id.startsWith('_'))).toBe(false);
      const found = r.evidence.keys.foreignKeys.map((f) => `${f.table}.${f.column}->${f.refTable}.${f.refColumn}`);
      const declared = ((doc.constraints?.foreign_keys ?? []) as { from: string; to: string }[]).map((k) => `${k.from}->${k.to}`);
      for (const k of declared) expect(found, `${file}: ${k}`).toContain(k);
      if (!TWINS.has(file)) return;
      const twin = join(dir, `${file}.twin.duckdb`);
      await run(r.spec as never, { out: twin });
      const report = await validate(r.spec, twin);
      expect(report.hardFailures, JSON.stringify(report.categories)).toBe(0);
      const again = await inferSpec(source, { name: 'twin' });
      expect(JSON.stringify(again.spec)).toBe(JSON.stringify(r.spec));
    });
  }
});
