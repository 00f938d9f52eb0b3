/**
 * One variant of one bench case, `--runs` times in this process, each into a fresh DuckDB file in a temporary
 * directory (removed afterwards). bench/run.ts starts one of these per (case, variant) so that each gets its own
 * peak RSS; it can also be run by hand:
 *
 *   node --import tsx bench/one-case.ts --case reference-fact --variant sql --runs 3 [--size 0.1] [--rows N] [--no-checks]
 *
 * Progress goes to stderr; the result is the last stdout line: `@@result {json}` with per-run seconds, rows,
 * the checks of the last run's file (unless --no-checks: bench/run.ts asks for them in the last round only) and
 * `maxRssMB` (process.resourceUsage().maxRSS: this process's peak).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { findCase } from './cases/index.ts';
import type { CaseContext, Check, VariantRun } from './cases/types.ts';
import { type OneCaseResult, RESULT_PREFIX } from './lib.ts';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function runChecks(file: string, checks: Record<string, Check>): Promise<Record<string, number | null>> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const con = await instance.connect();
  const out: Record<string, number | null> = {};
  try {
    for (const [name, { sql }] of Object.entries(checks)) {
      const v = (await con.runAndReadAll(`SELECT (${sql})::DOUBLE`)).getRows()[0][0];
      out[name] = v === null ? null : Number(v);
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const caseName = arg(args, 'case');
  const bench = caseName ? findCase(caseName) : undefined;
  if (!bench) throw new Error(`unknown --case ${caseName}`);
  const variant = bench.variants.find((v) => v.name === (arg(args, 'variant') ?? 'datagen'));
  if (!variant) throw new Error(`case ${bench.name} has no variant ${arg(args, 'variant')} (${bench.variants.map((v) => v.name).join(', ')})`);
  const runs = Math.max(1, Number(arg(args, 'runs') ?? 3));
  const rowsArg = arg(args, 'rows');
  const ctx: CaseContext = { size: Number(arg(args, 'size') ?? 1), rows: rowsArg ? Number(rowsArg) : undefined };

  const dir = mkdtempSync(join(tmpdir(), 'datagen-bench-'));
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let last: VariantRun | undefined;
  let checks: Record<string, number | null> | undefined;
  let fileMB = 0;
  try {
    if (variant.prepare) await variant.prepare(dir, ctx);
    for (let i = 0; i < runs; i++) {
      const out = join(dir, `${bench.name}-${variant.name}-${i}.duckdb`);
      const t = performance.now();
      last = await variant.run(out, ctx);
      const s = last.seconds ?? (performance.now() - t) / 1000;
      seconds.push(s);
      if (last.cpuSeconds !== undefined) cpuSeconds.push(last.cpuSeconds);
      process.stderr.write(`  ${bench.name}/${variant.name} run ${i + 1}/${runs}: ${last.rows.toLocaleString('en-US')} rows in ${s.toFixed(2)} s (${(last.rows / s / 1e6).toFixed(2)} M rows/s)\n`);
      if (i === runs - 1) {
        fileMB = existsSync(out) ? statSync(out).size / 2 ** 20 : 0;
        if (bench.checks && !args.includes('--no-checks')) checks = await runChecks(out, bench.checks);
      }
      rmSync(out, { force: true });
      rmSync(`${out}.wal`, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const result: OneCaseResult = {
    case: bench.name,
    variant: variant.name,
    role: variant.role,
    label: variant.label,
    runs,
    size: ctx.size,
    rows: last!.rows,
    tables: last!.tables,
    warnings: last!.warnings,
    seconds,
    cpuSeconds: cpuSeconds.length ? cpuSeconds : undefined,
    fileMB,
    checks,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
