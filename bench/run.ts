/**
 * `npm run bench`: generation throughput of the quickstart example scaled to ~10 M fact rows.
 * Each case runs `--runs` times (default 3) in this process; medians are reported and written to
 * bench/results/latest.json. Compare runs by ratios on the same machine, never absolute numbers.
 *
 *   npm run bench                      # quickstart, ~10 M events
 *   npm run bench -- --rows 1000000    # smaller
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../src/plan/compile.ts';
import { runPlan } from '../src/engine/run.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const targetRows = opt('rows', 10_000_000);
const runs = opt('runs', 3);

interface CaseResult { name: string; rows: number; seconds: number[]; medianSeconds: number; rowsPerSecond: number; peakRssMB: number }

async function benchSpec(name: string, file: string, factRows: number, factTable: string): Promise<CaseResult> {
  const doc = JSON.parse(readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8'));
  const probe = compile(doc).plan!;
  const est = probe.tables.find((t) => t.id === factTable)!.estimatedRows;
  const plan = compile(doc, { scale: factRows / est }).plan!;
  const dir = mkdtempSync(join(tmpdir(), 'datagen-bench-'));
  const seconds: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const out = join(dir, `run${i}.duckdb`);
    const t = performance.now();
    const r = await runPlan(plan, { out });
    seconds.push((performance.now() - t) / 1000);
    rows = r.rows;
    rmSync(out, { force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  const median = [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)];
  return { name, rows, seconds, medianSeconds: median, rowsPerSecond: rows / median, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

const results = [await benchSpec('quickstart (users + events)', 'quickstart.json', targetRows, 'events')];
const table = results.map((r) => `${r.name.padEnd(32)} ${r.rows.toLocaleString('en-US').padStart(12)} rows  median ${r.medianSeconds.toFixed(2)} s  ${Math.round(r.rowsPerSecond).toLocaleString('en-US').padStart(10)} rows/s  peak RSS ${r.peakRssMB.toFixed(0)} MB`);
console.log(table.join('\n'));
writeFileSync(new URL('./results/latest.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), node: process.version, runs, results }, null, 2) + '\n');
