/**
 * Start-up (issue 17): the built `datagen` command (dist/bin.js, what `npx datagen` runs after `npm ci`), side by
 * side with bare `node -e 0` in the same run. Each run is one new process, timed from spawn to exit (the spawn
 * costs the same for every variant). Targets: `datagen --version` ≤ 2× bare node; `datagen run` of
 * tests/fixtures/compat/simple_users_events.json (~10 k rows, two faker columns) ≤ 0.45 s.
 * setup() rebuilds dist/'s JavaScript first (src/build.mjs --js-only: esbuild, ~1 s), so the case measures the
 * sources as they are. DATAGEN_BENCH_BIN=<file> measures that entry point instead (no build), e.g. an earlier
 * checkout's src/cli/bin.js; DATAGEN_BENCH_BEFORE=<file> adds `before-version` and `before-run` variants running
 * that entry point, interleaved with the others in the same run (a before/after comparison under the same load).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, VariantRun } from './types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = process.env.DATAGEN_BENCH_BIN ?? join(ROOT, 'dist', 'bin.js');
const SPEC = join(ROOT, 'tests', 'fixtures', 'compat', 'simple_users_events.json');
const VERSION_TARGET = 2;
const RUN_TARGET_SECONDS = 0.45;

/** Run `node …args` to completion (it must succeed); the rows a `datagen run` reports, else 0. */
/** CPU seconds (user + system) of this process's waited-for children so far (/proc/self/stat cutime + cstime). */
function childCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of proc(5), in clock ticks (USER_HZ 100)
  } catch {
    return undefined; // not Linux
  }
}

async function node(args: string[]): Promise<VariantRun> {
  const cpu0 = childCpuSeconds();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  const m = /tables, ([\d,]+) rows/.exec(r.stdout);
  const rows = m ? Number(m[1].replace(/,/g, '')) : 0;
  const cpu1 = childCpuSeconds();
  return { rows, tables: [], cpuSeconds: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined };
}

export const startup: BenchCase = {
  name: 'startup',
  title: 'start-up of the built datagen command vs bare node',
  defaultRuns: 7,
  setup() {
    if (process.env.DATAGEN_BENCH_BIN) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'src', 'build.mjs'), '--js-only'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('startup: building dist/ failed (node src/build.mjs --js-only)');
  },
  variants: [
    { name: 'node', role: 'baseline', label: 'node -e 0 (bare Node start-up)', run: () => node(['-e', '0']) },
    { name: 'version', role: 'datagen', label: 'datagen --version', run: () => node([BIN, '--version']) },
    { name: 'help', role: 'extra', label: 'datagen --help', run: () => node([BIN, '--help']) },
    { name: 'compile', role: 'extra', label: 'datagen compile tests/fixtures/compat/simple_users_events.json -q', run: () => node([BIN, 'compile', SPEC, '-q']) },
    { name: 'run', role: 'extra', label: 'datagen run tests/fixtures/compat/simple_users_events.json -q (~10 k rows into a DuckDB file)', run: (out) => node([BIN, 'run', SPEC, '-q', '-o', out]) },
    ...(process.env.DATAGEN_BENCH_BEFORE ? [
      { name: 'before-version', role: 'extra' as const, label: `${process.env.DATAGEN_BENCH_BEFORE} --version`, run: () => node([process.env.DATAGEN_BENCH_BEFORE!, '--version']) },
      { name: 'before-run', role: 'extra' as const, label: `${process.env.DATAGEN_BENCH_BEFORE} run … (simple_users_events)`, run: (out: string) => node([process.env.DATAGEN_BENCH_BEFORE!, 'run', SPEC, '-q', '-o', out]) },
    ] : []),
  ],
  assess(m, cpu) {
    const lines: string[] = [];
    if (m.node !== undefined && m.version !== undefined) {
      const x = m.version / m.node;
      lines.push(`datagen --version ${m.version.toFixed(3)} s = ${x.toFixed(2)}× node -e 0 (${m.node.toFixed(3)} s); target ≤ ${VERSION_TARGET}×: ${x <= VERSION_TARGET ? 'met' : 'MISSED'}`);
    }
    if (m.help !== undefined && m.node !== undefined) lines.push(`datagen --help ${m.help.toFixed(3)} s = ${(m.help / m.node).toFixed(2)}× node -e 0`);
    if (m.compile !== undefined) lines.push(`datagen compile (simple_users_events) ${m.compile.toFixed(3)} s`);
    if (m.run !== undefined) lines.push(`datagen run (simple_users_events) ${m.run.toFixed(3)} s; target ≤ ${RUN_TARGET_SECONDS} s: ${m.run <= RUN_TARGET_SECONDS ? 'met' : 'MISSED'}`);
    const c = (v: string) => (cpu[v] !== undefined ? `${cpu[v].toFixed(2)}` : '—');
    lines.push(`CPU seconds (user + system, median): node ${c('node')}, --version ${c('version')}, --help ${c('help')}, compile ${c('compile')}, run ${c('run')}${m['before-version'] !== undefined ? `; before: --version ${c('before-version')}, run ${c('before-run')}` : ''}`);
    if (m['before-version'] !== undefined && m.node !== undefined) lines.push(`before: --version ${m['before-version'].toFixed(3)} s = ${(m['before-version'] / m.node).toFixed(2)}× node -e 0; run ${m['before-run']?.toFixed(3)} s`);
    return lines;
  },
};
