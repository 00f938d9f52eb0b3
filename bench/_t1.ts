import { readFileSync, rmSync } from 'node:fs';
import { paramsFromSpec, runReferenceFactSql, referenceFactSql } from '/work/main/bench/baselines/reference-fact-sql.ts';
const doc = JSON.parse(readFileSync('/work/main/bench/specs/reference-fact.json', 'utf8'));
const scale = Number(process.argv[2] ?? 0.1);
const p = paramsFromSpec(doc, scale);
if (process.argv[3]) console.log(referenceFactSql(p).join(';\n'));
for (let i = 0; i < 2; i++) {
  rmSync('/tmp/t1.duckdb', { force: true });
  const t = performance.now();
  const r = await runReferenceFactSql('/tmp/t1.duckdb', p);
  const s = (performance.now() - t) / 1000;
  console.log(r, s.toFixed(2), (r.rows / s / 1e6).toFixed(2), 'M rows/s');
}
