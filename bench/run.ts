/**
 * `npm run bench`: datagen's generation speed and memory, side by side with hand-written baselines (issue 3).
 *
 * Cases (bench/cases/):
 *   reference-fact  1 M accounts + ~10 M transactions (5 columns) — datagen vs hand-written DuckDB SQL
 *   users-events    200 k users (faker name/email) + ~1.6 M events — datagen vs a @faker-js/faker + appender loop
 *   compat-ecomm    tests/fixtures/compat/ecomm.json at full size (~750 k rows)
 *   compat-gov      tests/fixtures/compat/gov_scaled.json at full size (~15 M rows)
 *   workers         the reference fact with 2 worker threads vs 1 (ratio target 1.6×)
 *   quickstart      examples/quickstart.json scaled to ~10 M events (the original bench case)
 *   scale           opt-in (`--case scale`, minutes): the reference fact at ~100 M rows vs ~10 M, peak RSS
 *
 * Every (case, variant) runs `--runs` times in its own child process (bench/one-case.ts), so its peak RSS
 * (process.resourceUsage().maxRSS) is its own. Medians are reported; comparisons are the ratio
 * datagen rows/s ÷ baseline rows/s measured in the same run. This machine is shared and has 2 cores: compare
 * ratios, not absolute figures, and look at the recorded load average.
 *
 *   npm run bench                              # everything, full size, 3 runs each
 *   npm run bench -- --quick                   # everything at 1/10 size (smoke run)
 *   npm run bench -- --case reference-fact     # one case (repeat --case or use a comma list for several)
 *   npm run bench -- --runs 5 --case users-events,compat-ecomm
 *   npm run bench -- --case quickstart --rows 1000000
 *   npm run bench -- --list
 *
 * Results: a table on stdout and bench/results/latest.json (latest-quick.json with --quick; `--out` to choose).
 * Running a subset updates those cases in the existing file and keeps the others (each case has its own date).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases/index.ts';
import type { BenchCase } from './cases/types.ts';
import { equivalenceErrors, median, type OneCaseResult, RESULT_PREFIX } from './lib.ts';
import { measureParallelism, type Parallelism } from './parallelism.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH_DIR, '..');
const QUICK_SIZE = 0.1;

interface VariantResult extends Partial<OneCaseResult> {
  variant: string;
  role: 'datagen' | 'baseline' | 'extra';
  medianSeconds?: number;
  rowsPerSecond?: number;
  loadavgBefore: number[];
  loadavgAfter: number[];
  wallSeconds: number;
  error?: string;
}

interface CaseResult {
  name: string;
  title: string;
  date: string;
  size: number;
  runs: number;
  targetRatio?: number;
  /** datagen rows/s ÷ baseline rows/s (medians), for cases with a baseline. */
  ratio?: number;
  /** What the ratio compares when it is not datagen ÷ a hand-written baseline. */
  ratioLabel?: string;
  /** For the workers case: the parallel speedup a pure-JS loop got on 2 threads just before and after. */
  parallelism?: { before: Parallelism; after: Parallelism };
  /** Cases measured in seconds (start-up): each target and how the medians compare with it. */
  assessment?: string[];
  variants: VariantResult[];
}

interface Options {
  runs: number;
  /** Whether --runs was given (else a case's defaultRuns applies). */
  runsGiven: boolean;
  quick: boolean;
  cases: BenchCase[];
  rows?: number;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const names: string[] = [];
  let runs = 3;
  let runsGiven = false;
  let quick = false;
  let rows: number | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--runs') {
      runs = Number(value());
      runsGiven = true;
    }
    else if (a === '--quick') quick = true;
    else if (a === '--case') names.push(...value().split(',').filter(Boolean));
    else if (a === '--rows') rows = Number(value());
    else if (a === '--out') out = resolve(value());
    else if (a === '--list') {
      for (const c of CASES) console.log(`${c.name.padEnd(16)} ${c.title}${c.optIn ? ' [opt-in: --case ' + c.name + ']' : ''}: ${c.variants.map((v) => `${v.name} (${v.label})`).join('; ')}`);
      process.exit(0);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(runs) || runs < 1) usage('--runs must be a positive integer');
  if (rows !== undefined && !(rows > 0)) usage('--rows must be positive');
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length) usage(`unknown case ${unknown.join(', ')} (one of ${CASES.map((c) => c.name).join(', ')})`);
  const cases = names.length ? CASES.filter((c) => names.includes(c.name)) : CASES.filter((c) => !c.optIn);
  return { runs, runsGiven, quick, cases, rows, out: out ?? join(BENCH_DIR, 'results', quick ? 'latest-quick.json' : 'latest.json') };
}

function usage(error?: string): never {
  if (error) console.error(`bench: ${error}`);
  console.error('usage: npm run bench -- [--quick] [--runs N] [--case name[,name…]]… [--rows N] [--out file.json] [--list]');
  process.exit(error ? 2 : 0);
}

const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

function runsOf(c: BenchCase, opts: Options): number {
  return opts.runsGiven ? opts.runs : c.defaultRuns ?? opts.runs;
}

/** One child process: `runs` runs of one variant (bench/one-case.ts). */
function runChild(c: BenchCase, variant: string, opts: Options, runs: number, checks: boolean): { result?: OneCaseResult; error?: string; wallSeconds: number } {
  const args = ['--import', 'tsx', join(BENCH_DIR, 'one-case.ts'), '--case', c.name, '--variant', variant, '--runs', String(runs), '--size', String(opts.quick ? QUICK_SIZE : 1)];
  if (opts.rows !== undefined) args.push('--rows', String(opts.rows));
  if (!checks) args.push('--no-checks');
  const t = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wallSeconds = (performance.now() - t) / 1000;
  const line = child.stdout?.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (child.status !== 0 || !line) {
    const why = child.error?.message ?? (child.signal ? `killed by ${child.signal}` : `exit code ${child.status}`);
    return { error: `${why}${line ? '' : ' (no result line)'}`, wallSeconds };
  }
  return { result: JSON.parse(line.slice(RESULT_PREFIX.length)) as OneCaseResult, wallSeconds };
}

/**
 * The variants interleaved: round r runs every variant once, each in a new child process, in an order rotated by
 * r (a load change on this shared machine then falls on every variant alike rather than on whichever ran last).
 * The checks are computed in the last round. A variant's peak RSS is the largest of its children's.
 */
function runVariants(c: BenchCase, opts: Options): VariantResult[] {
  const runs = runsOf(c, opts);
  const names = c.variants.map((v) => v.name);
  const acc = new Map(names.map((n) => [n, { seconds: [] as number[], cpuSeconds: [] as number[], wallSeconds: 0, loadavgBefore: load(), loadavgAfter: load(), last: undefined as OneCaseResult | undefined, maxRssMB: 0, error: undefined as string | undefined }]));
  for (let r = 0; r < runs; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const name of order) {
      const a = acc.get(name)!;
      if (a.error) continue;
      if (r === 0) a.loadavgBefore = load();
      const child = runChild(c, name, opts, 1, r === runs - 1);
      a.wallSeconds += child.wallSeconds;
      a.loadavgAfter = load();
      if (!child.result) a.error = child.error;
      else {
        a.seconds.push(...child.result.seconds);
        a.cpuSeconds.push(...(child.result.cpuSeconds ?? []));
        a.maxRssMB = Math.max(a.maxRssMB, child.result.maxRssMB);
        a.last = child.result;
      }
    }
  }
  return c.variants.map((v) => {
    const a = acc.get(v.name)!;
    const base = { variant: v.name, role: v.role, loadavgBefore: a.loadavgBefore, loadavgAfter: a.loadavgAfter, wallSeconds: a.wallSeconds };
    if (a.error || !a.last) return { ...base, error: a.error ?? 'no run' };
    const medianSeconds = median(a.seconds);
    return { ...a.last, ...base, seconds: a.seconds, cpuSeconds: a.cpuSeconds.length ? a.cpuSeconds : undefined, runs, maxRssMB: a.maxRssMB, medianSeconds, rowsPerSecond: a.last.rows / medianSeconds };
  });
}

async function runCase(c: BenchCase, opts: Options): Promise<CaseResult> {
  console.error(`\n${c.title} [${c.name}]${opts.quick ? ' — quick (1/10 size)' : ''}`);
  c.setup?.();
  const before = c.name === 'workers' ? await measureParallelism() : undefined;
  const variants = runVariants(c, opts);
  const parallelism = before ? { before, after: await measureParallelism() } : undefined;
  for (const [variant, error] of equivalenceErrors(c, variants)) variants.find((v) => v.variant === variant)!.error = error;
  const dg = variants.find((v) => v.role === 'datagen');
  const bl = variants.find((v) => v.role === 'baseline');
  const ratio = !c.assess && dg?.rowsPerSecond && bl?.rowsPerSecond && !dg.error && !bl.error ? dg.rowsPerSecond / bl.rowsPerSecond : undefined;
  const medians = Object.fromEntries(variants.filter((v) => v.medianSeconds !== undefined).map((v) => [v.variant, v.medianSeconds!]));
  const cpuMedians = Object.fromEntries(variants.filter((v) => v.cpuSeconds?.length).map((v) => [v.variant, median(v.cpuSeconds!)]));
  const assessment = c.assess?.(medians, cpuMedians);
  return { name: c.name, title: c.title, date: new Date().toISOString(), size: opts.quick ? QUICK_SIZE : 1, runs: runsOf(c, opts), targetRatio: c.targetRatio, ratio, ratioLabel: c.ratioLabel, parallelism, assessment, variants };
}

// ---------------------------------------------------------------------------------------------- output

const int = (n: number) => Math.round(n).toLocaleString('en-US');

function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((cell, i) => (rightAlign[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

function resultTable(results: CaseResult[]): string {
  const rows: string[][] = [];
  for (const c of results) {
    c.variants.forEach((v, i) => {
      const ratio = v.role === 'datagen' && c.ratio !== undefined ? `${c.ratio.toFixed(2)}×` : '';
      const target = v.role === 'datagen' && c.targetRatio !== undefined ? `≥ ${c.targetRatio.toFixed(2)}×` : '';
      rows.push(v.error
        ? [i === 0 ? c.name : '', v.variant, 'FAILED', '', '', '', '', '', '', v.error]
        : [
          i === 0 ? c.name : '',
          v.variant,
          v.rows ? int(v.rows) : '—',
          v.medianSeconds!.toFixed(v.medianSeconds! < 1 ? 3 : 2),
          v.rows ? (v.rowsPerSecond! / 1e6).toFixed(2) : '—',
          ratio,
          target,
          int(v.maxRssMB!),
          int(v.fileMB!),
          v.seconds!.map((s) => s.toFixed(s < 1 ? 3 : 2)).join(' '),
        ]);
    });
  }
  return table(
    ['case', 'variant', 'rows', 'median s', 'M rows/s', 'datagen÷baseline', 'target', 'peak RSS MB', 'file MB', 'runs (s)'],
    rows,
    [false, false, true, true, true, true, false, true, true, false],
  );
}

function checksTable(c: CaseResult): string | undefined {
  const withChecks = c.variants.filter((v) => v.checks);
  if (!withChecks.length) return undefined;
  const names = Object.keys(withChecks[0].checks!);
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '—' : Number.isInteger(x) ? int(x) : x.toPrecision(5));
  return table(['check: ' + c.name, ...withChecks.map((v) => v.variant)], names.map((n) => [n, ...withChecks.map((v) => fmt(v.checks![n]))]), [false, ...withChecks.map(() => true)]);
}

function gitInfo(): { commit?: string; srcDirty?: boolean } {
  const rev = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (rev.status !== 0) return {};
  const status = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' });
  return { commit: rev.stdout.trim(), srcDirty: status.stdout.trim().length > 0 };
}

function packageVersion(name: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------------ main

const opts = parseArgs(process.argv.slice(2));
const started = new Date().toISOString();
const loadStart = load();
console.error(`bench: ${opts.cases.map((c) => c.name).join(', ')} — ${opts.cases.map((c) => runsOf(c, opts)).join('/')} run(s) each${opts.quick ? ', quick (1/10 size)' : ''}; load average ${loadStart.join(' ')} on ${os.cpus().length} cores`);

const results: CaseResult[] = [];
for (const c of opts.cases) results.push(await runCase(c, opts));
const loadEnd = load();

console.log(`\ndatagen bench — ${started} — ${opts.quick ? 'QUICK (1/10 size)' : 'full size'}, median of ${opts.runs} run(s); load average ${loadStart.join(' ')} → ${loadEnd.join(' ')} (1/5/15 min) on ${os.cpus().length} cores`);
console.log(resultTable(results));
for (const c of results) {
  const t = checksTable(c);
  if (t) console.log(`\n${t}`);
}
for (const c of results) if (c.ratioLabel && c.ratio !== undefined) console.log(`${c.name}: ratio = ${c.ratioLabel}`);
for (const c of results) for (const line of c.assessment ?? []) console.log(`${c.name}: ${line}`);
for (const c of results) {
  if (c.parallelism) console.log(`${c.name}: a pure-JS loop on 2 threads ran ${c.parallelism.before.speedup}× (before) / ${c.parallelism.after.speedup}× (after) faster than on 1 — the most any 2-thread ratio could reach on this machine at the time`);
}
console.log('\nM rows/s = all rows written (every table) ÷ median wall time (open → generate → checkpoint → close). Peak RSS: the variant\'s own child process.');

// Merge into the results file: cases of this run replace their earlier entries; the others are kept.
let previous: CaseResult[] = [];
if (existsSync(opts.out)) {
  try {
    const old = JSON.parse(readFileSync(opts.out, 'utf8'));
    if (Array.isArray(old.cases)) previous = old.cases;
  } catch {
    // an unreadable or old-format file is replaced
  }
}
const merged = [...previous.filter((p) => !results.some((r) => r.name === p.name)), ...results]
  .sort((a, b) => CASES.findIndex((c) => c.name === a.name) - CASES.findIndex((c) => c.name === b.name));
const doc = {
  date: started,
  mode: opts.quick ? 'quick' : 'full',
  size: opts.quick ? QUICK_SIZE : 1,
  runs: opts.runs,
  machine: {
    node: process.version,
    duckdb: packageVersion('@duckdb/node-api'),
    faker: packageVersion('@faker-js/faker'),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
  },
  git: gitInfo(),
  loadavg: { start: loadStart, end: loadEnd },
  casesRun: results.map((r) => r.name),
  cases: merged,
};
mkdirSync(dirname(opts.out), { recursive: true });
writeFileSync(opts.out, JSON.stringify(doc, null, 2) + '\n');
console.log(`\nwritten: ${opts.out}`);
process.exit(results.some((r) => r.variants.some((v) => v.error)) ? 1 : 0);
