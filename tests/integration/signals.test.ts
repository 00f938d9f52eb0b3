/*
 * The `datagen` process end to end (src/cli/signals.ts, src/sinks/temp.ts): interrupted by a signal it removes
 * its temporary files and ends by that signal (a shell reports 128 + n: 130 SIGINT, 143 SIGTERM, 129 SIGHUP,
 * 131 SIGQUIT, never 137); a later run removes what dead processes left; a full stdout is one clean line and
 * exit 1; `query` streams a large result with bounded memory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { signalExitCode } from '../../src/cli/signals.ts';
import { COMPAT_DIR } from '../support/run-spec.ts';

const BIN = new URL('../../src/cli/bin.js', import.meta.url).pathname;
const STACK = /^\s+at .+[:(]/m;
let cwd: string;
const p = (name: string) => join(cwd, name);

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, isTTY: false, cwd });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const r = spawnSync('true');
  return r.pid!;
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'datagen-signals-'));
  copyFileSync(new URL('simple_users_events.json', COMPAT_DIR), p('small.json'));
  copyFileSync(new URL('gov_scaled.json', COMPAT_DIR), p('big.json'));
  expect((await cli('run', 'small.json', '-o', 'small.duckdb', '-q')).code).toBe(0);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('signals', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const)('%s: temporary folder removed, the earlier output kept, the shell sees 128 + n', async (signal) => {
    const out = `sig-${signal}.duckdb`;
    expect((await cli('run', 'small.json', '-o', out, '-q')).code).toBe(0);
    const before = readdirSync(cwd).sort();
    const bytes = readFileSync(p(out));
    // Through sh, as a user's shell sees it: `echo $?` after the command.
    const child = spawn('sh', ['-c', `ulimit -c 0; node "${BIN}" run big.json -o ${out} -q; echo "status=$?" >&2`], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    let ended = false;
    void exited.then(() => (ended = true));
    // No clock: wait for the run's temporary folder (its name carries the pid to signal), or for the end.
    let tmp: string | undefined;
    while (!ended && !(tmp = readdirSync(cwd).find((f) => f.startsWith(`${out}.tmp-`)))) await new Promise((r) => setTimeout(r, 20));
    expect(tmp, `the run ended before it created its temporary folder: ${stderr}`).toBeDefined();
    process.kill(Number(/\.tmp-(\d+)-/.exec(tmp!)![1]), signal);
    await exited;
    expect(stderr).toContain(`interrupted (${signal}): nothing was written`);
    expect(stderr).toMatch(new RegExp(`^status=${signalExitCode(signal)}$`, 'm'));
    expect(stderr).not.toMatch(STACK);
    expect(readdirSync(cwd).sort()).toEqual(before);
    expect(readFileSync(p(out)).equals(bytes)).toBe(true);
  });

  it('exit statuses: 130 SIGINT, 143 SIGTERM, 129 SIGHUP, 131 SIGQUIT', () => {
    expect([signalExitCode('SIGINT'), signalExitCode('SIGTERM'), signalExitCode('SIGHUP'), signalExitCode('SIGQUIT')]).toEqual([130, 143, 129, 131]);
  });
});

describe('temporary files of dead processes', () => {
  it('a later run removes them beside its output (DuckDB) and inside it (Parquet); those of live processes stay', async () => {
    const dead = deadPid();
    const live = process.ppid;
    mkdirSync(p(`out.duckdb.tmp-${dead}-1700000000000`));
    writeFileSync(p(`out.duckdb.tmp-${dead}-1700000000000/data.duckdb`), 'x'.repeat(1000));
    mkdirSync(p(`out.duckdb.tmp-${live}-1700000000001`));
    mkdirSync(p(`other.duckdb.tmp-${dead}-1700000000002`));
    expect((await cli('run', 'small.json', '-o', 'out.duckdb', '-q')).code).toBe(0);
    expect(readdirSync(cwd).filter((f) => f.includes('.tmp-')).sort()).toEqual([`out.duckdb.tmp-${live}-1700000000001`, `other.duckdb.tmp-${dead}-1700000000002`].sort());

    expect((await cli('run', 'small.json', '--format', 'parquet', '-o', 'pq', '-q')).code).toBe(0);
    mkdirSync(p(`pq/.datagen-tmp-0-${dead}-1700000000000/.spill`), { recursive: true });
    mkdirSync(p(`pq/.datagen-tmp-0-${live}-1700000000000`));
    expect((await cli('run', 'small.json', '--format', 'parquet', '-o', 'pq', '-q')).code).toBe(0);
    expect(readdirSync(p('pq')).filter((f) => f.startsWith('.'))).toEqual([`.datagen-tmp-0-${live}-1700000000000`]);

    writeFileSync(p(`plan.json.tmp-${dead}-1700000000000`), '{');
    expect((await cli('compile', 'small.json', '-o', 'plan.json', '-q')).code).toBe(0);
    expect(existsSync(p(`plan.json.tmp-${dead}-1700000000000`))).toBe(false);
  });
});

describe('standard output', () => {
  it('a full stdout (> /dev/full) is one clean line and exit 1', () => {
    for (const args of [['query', 'small.duckdb', 'SELECT * FROM range(100000)', '-f', 'csv'], ['labels', 'small.duckdb'], ['compile', 'small.json']]) {
      const r = spawnSync('sh', ['-c', `node "${BIN}" "$@" > /dev/full`, 'sh', ...args], { cwd, encoding: 'utf8' });
      expect(r.status, `${args[0]}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^error: DG_STDOUT_WRITE_FAILED: writing to standard output failed: no space left on device \(ENOSPC\) \(hint: /m);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('query streams 3,000,000 rows as CSV with bounded memory (heap capped at 200 MB, peak RSS measured)', async () => {
    const rss = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';
    const child = spawn(process.execPath, ['--max-old-space-size=200', '--import', rss, BIN, 'query', 'small.duckdb', 'SELECT range AS n, range * 2 AS twice FROM range(3000000)', '-f', 'csv'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let tail = '';
    let sum = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      const text = tail + d;
      const parts = text.split('\n');
      tail = parts.pop()!;
      for (const l of parts) {
        if (lines++ > 0) sum += Number(l.split(',')[0]);
      }
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(code, stderr).toBe(0);
    expect(tail).toBe('');
    expect(lines).toBe(3_000_001);
    expect(sum).toBe((2_999_999 * 3_000_000) / 2);
    const maxRssMb = Number(/maxrss (\d+)/.exec(stderr)![1]) / 1024;
    // Whole results as JS rows (the old query) ran out of this heap; streaming stays near start-up memory (~180 MB here).
    expect(maxRssMb).toBeLessThan(350);
  });
});
