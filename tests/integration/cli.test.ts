/*
 * The CLI, in-process: `main(argv, io)` with collected stdout/stderr, isTTY false and a temp working
 * directory. Exit codes: 0 ok, 1 failure (bad spec, missing file, run error), 2 usage.
 * One test runs the real entry point (src/cli/bin.js) in a child process.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/cli.ts';
import { VERSION } from '../../src/version.ts';
import { COMPAT_DIR, Db } from '../support/run-spec.ts';

type Result = CliResult;

let cwd: string;

const cli = (...argv: string[]): Promise<Result> => runCli(cwd, ...argv);

const opened: Db[] = [];
async function open(file: string): Promise<Db> {
  const db = await Db.open(join(cwd, file));
  opened.push(db);
  return db;
}
async function checksums(file: string, tables = ['user', 'event', '_labels']): Promise<Record<string, string>> {
  const db = await open(file);
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await db.checksum(t)])));
}

/** A stack trace line ("    at fn (file:line:col)") must never reach the user. */
const STACK = /^\s+at .+[:(]/m;

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'datagen-cli-'));
  copyFileSync(new URL('simple_users_events.json', COMPAT_DIR), join(cwd, 'simple.json'));
  copyFileSync(new URL('test_patterns.json', COMPAT_DIR), join(cwd, 'patterns.json'));
  copyFileSync(new URL('vintage_effects_demo.json', COMPAT_DIR), join(cwd, 'vintage.json'));
});
afterAll(() => {
  opened.forEach((d) => d.close());
  rmSync(cwd, { recursive: true, force: true });
});

describe('datagen compile', () => {
  it('prints levels, tables and estimated rows; writes nothing without -o', async () => {
    const r = await cli('compile', 'simple.json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('plan: SimpleUsersEvents  (seed 42, scale 1');
    expect(r.stdout).toMatch(/^level 0: user$/m);
    expect(r.stdout).toMatch(/^level 1: event$/m);
    expect(r.stdout).toMatch(/^user {2}\[entity, level 0, pk user_id\] {2}1,000 rows$/m);
    expect(r.stdout).toMatch(/^event {2}\[fact, level 1, pk event_id\] {2}~8,000 rows \(poisson fanout, mean 8 per user\)$/m);
    expect(r.stdout).toMatch(/^2 tables, ~9,000 rows estimated$/m);
    expect(readdirSync(cwd).filter((f) => !f.endsWith('.json'))).toEqual([]);
  });

  it('--seed and --scale show in the plan; -q prints nothing', async () => {
    const r = await cli('compile', 'simple.json', '--seed', '7', '--scale', '0.5');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(seed 7, scale 0.5');
    expect(r.stdout).toMatch(/^user .* 500 rows$/m);
    const quiet = await cli('compile', 'simple.json', '-q');
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('-o writes a plan that `run` accepts and that produces the same tables as running the spec', async () => {
    const c = await cli('compile', 'simple.json', '--seed', '9', '-o', 'plan9.json');
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('plan written to plan9.json');
    const plan = JSON.parse(readFileSync(join(cwd, 'plan9.json'), 'utf8'));
    expect(plan).toMatchObject({ planVersion: 1, seed: 9, slug: 'simple_users_events' });

    const fromPlan = await cli('run', 'plan9.json', '-o', 'from-plan.duckdb');
    expect(fromPlan.code).toBe(0);
    const fromSpec = await cli('run', 'simple.json', '--seed', '9', '-o', 'from-spec.duckdb');
    expect(fromSpec.code).toBe(0);
    expect(await checksums('from-plan.duckdb')).toEqual(await checksums('from-spec.duckdb'));
  });

  it('a compiled plan refuses --seed/--scale (they are fixed in it) with exit 1 and no stack trace', async () => {
    await cli('compile', 'simple.json', '-q', '-o', 'plan.json');
    const r = await cli('run', 'plan.json', '--seed', '3', '-o', 'x.duckdb');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/compiled plan/);
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(join(cwd, 'x.duckdb'))).toBe(false);
  });
});

describe('datagen run', () => {
  it('--max-rows refuses a plan whose estimate is larger, before generating anything (exit 1)', async () => {
    const r = await cli('run', 'simple.json', '-o', 'too-big.duckdb', '--max-rows', '5000');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: DG_TOO_MANY_ROWS: at \/nodes\/\d+: the plan estimates 9,000 rows, more than --max-rows 5,000; nothing was generated \(table "event" estimates 8,000 of them\) \(hint: .*--max-rows 9000\)\n$/);
    expect(existsSync(join(cwd, 'too-big.duckdb'))).toBe(false);
    expect((await cli('run', 'simple.json', '-o', 'fits.duckdb', '--max-rows', '9000', '-q')).code).toBe(0);
  });

  it('without -o writes <slug of metadata.name>.duckdb in the working directory; quiet stderr when not a TTY', async () => {
    const r = await cli('run', 'simple.json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // no progress bars off a TTY, no warnings for this spec
    expect(existsSync(join(cwd, 'simple_users_events.duckdb'))).toBe(true);
    expect(r.stdout).toMatch(/^ {2}user {2}\s+1,000 rows {2}\d+\.\d\d s$/m);
    expect(r.stdout).toMatch(/^2 tables, [\d,]+ rows in \d+\.\d\d s → simple_users_events\.duckdb$/m);
    const db = await open('simple_users_events.duckdb');
    const rows = Number(await db.value('SELECT sum("rows") FROM _datagen_manifest'));
    expect(r.stdout).toContain(`2 tables, ${rows.toLocaleString('en-US')} rows`);
    // Leaves only the output (no temp files, no WAL).
    expect(readdirSync(cwd).filter((f) => f.startsWith('simple_users_events.duckdb'))).toEqual(['simple_users_events.duckdb']);
  });

  it('the default name is a safe slug: punctuation, path separators and accents never leave the working directory', async () => {
    const doc = JSON.parse(readFileSync(join(cwd, 'simple.json'), 'utf8'));
    doc.metadata.name = 'Ünïcode ../Sales - Q1 (2024)';
    doc.nodes[0].rows = 50;
    writeFileSync(join(cwd, 'named.json'), JSON.stringify(doc));
    const r = await cli('run', 'named.json', '-q');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('→ unicode_sales_q1_2024.duckdb');
    expect(existsSync(join(cwd, 'unicode_sales_q1_2024.duckdb'))).toBe(true);
  });

  it('--seed changes the data and is recorded; --chunk-rows does not change it; --scale scales rows', async () => {
    expect((await cli('run', 'simple.json', '-o', 's1.duckdb', '--seed', '1')).code).toBe(0);
    expect((await cli('run', 'simple.json', '-o', 's1-chunk7.duckdb', '--seed', '1', '--chunk-rows', '7')).code).toBe(0);
    expect((await cli('run', 'simple.json', '-o', 's2.duckdb', '--seed', '2')).code).toBe(0);
    expect((await cli('run', 'simple.json', '-o', 'half.duckdb', '--seed', '1', '--scale', '0.5')).code).toBe(0);
    const s1 = await checksums('s1.duckdb');
    expect(await checksums('s1-chunk7.duckdb')).toEqual(s1);
    const s2 = await checksums('s2.duckdb');
    expect(s2.user).not.toBe(s1.user);
    expect(s2.event).not.toBe(s1.event);
    expect(Number(await (await open('s2.duckdb')).value('SELECT DISTINCT seed FROM _datagen_manifest'))).toBe(2);
    const half = await open('half.duckdb');
    expect(Number(await half.value('SELECT count(*) FROM "user"'))).toBe(500);
    expect(await half.value('SELECT DISTINCT scale FROM _datagen_manifest')).toBe(0.5);
  });

  it('a run into a directory that does not exist fails with exit 1 and a message, no stack trace', async () => {
    const r = await cli('run', 'simple.json', '-o', join('no', 'such', 'dir', 'out.duckdb'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: /m);
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe('datagen query', () => {
  beforeAll(async () => {
    expect((await cli('run', 'simple.json', '-q', '-o', 'q.duckdb')).code).toBe(0);
  });
  const SQL = 'SELECT user_id, age, name FROM "user" ORDER BY user_id LIMIT 3';

  it('table format (default): aligned columns, values of the database, row count footer', async () => {
    const want = await (await open('q.duckdb')).rows(SQL);
    const r = await cli('query', 'q.duckdb', SQL);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^user_id \| age +\| name$/);
    expect(lines[1]).toMatch(/^-+-\+-+-\+-+$/);
    expect(lines.slice(2, 5).map((l) => l.split(' | ').map((s) => s.trim()))).toEqual(want.map((w) => [String(w.user_id), String(w.age), w.name]));
    expect(lines[5]).toBe('(3 rows)');
  });

  it('csv format: header + RFC 4180 rows, same values', async () => {
    const want = await (await open('q.duckdb')).rows(SQL);
    const r = await cli('query', 'q.duckdb', SQL, '--format', 'csv');
    expect(r.code).toBe(0);
    const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    expect(r.stdout).toBe(['user_id,age,name', ...want.map((w) => `${w.user_id},${w.age},${esc(w.name)}`)].join('\n') + '\n');
    const quoted = await cli('query', 'q.duckdb', `SELECT 'a,b' AS s, 'say "hi"' AS t, 2.5 AS x`, '-f', 'csv');
    expect(quoted.stdout).toBe('s,t,x\n"a,b","say ""hi""",2.5\n');
  });

  it('json format: an array of objects with numbers, strings, ISO timestamps and nulls', async () => {
    const want = await (await open('q.duckdb')).rows(SQL);
    const r = await cli('query', 'q.duckdb', SQL, '-f', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(want.map((w) => ({ user_id: Number(w.user_id), age: Number(w.age), name: w.name })));
    const mixed = await cli('query', 'q.duckdb', `SELECT count(*) AS n, min("timestamp") AS first, NULL AS nothing, true AS yes FROM event`, '-f', 'json');
    const [row] = JSON.parse(mixed.stdout);
    const db = await open('q.duckdb');
    expect(row.n).toBe(Number(await db.value('SELECT count(*) FROM event')));
    expect(row.first).toBe(new Date(await db.value('SELECT min("timestamp") FROM event')).toISOString());
    expect(row.nothing).toBeNull();
    expect(row.yes).toBe(true);
  });

  it('a missing database or bad SQL exits 1 with a one-line message, no stack trace', async () => {
    const missing = await cli('query', 'nope.duckdb', 'SELECT 1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    expect(existsSync(join(cwd, 'nope.duckdb'))).toBe(false);
    const bad = await cli('query', 'q.duckdb', 'SELEC 1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: /);
    expect(bad.stderr).not.toMatch(STACK);
  });
});

describe('help, version and usage errors', () => {
  it.each([[['--help']], [['compile', '--help']], [['run', '--help']], [['query', '--help']], [['help', 'run']]])('%j exits 0 and prints usage', async (argv) => {
    const r = await cli(...argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: datagen/m);
  });

  it('--version prints the version and exits 0', async () => {
    const r = await cli('--version');
    expect(r).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([
    [['run', 'simple.json', '--bogus']],
    [['compile']],
    [['run']],
    [['query', 'q.duckdb']],
    [['frobnicate']],
    [['run', 'simple.json', '--scale', '0']],
    [['run', 'simple.json', '--scale', '-1']],
    [['run', 'simple.json', '--scale', 'lots']],
    [['compile', 'simple.json', '--seed', 'abc']],
    [['run', 'simple.json', '--seed', '1.5']],
    [['run', 'simple.json', '--chunk-rows', '0']],
    [['query', 'q.duckdb', 'SELECT 1', '--format', 'xml']],
  ])('%j is a usage error: exit 2, a message on stderr, nothing written', async (argv) => {
    const before = readdirSync(cwd).sort();
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: /);
    expect(r.stderr).not.toMatch(STACK);
    expect(readdirSync(cwd).sort()).toEqual(before);
  });
});

describe('bad inputs', () => {
  it('an invalid spec exits 1 with located diagnostics and no stack trace (compile and run)', async () => {
    const doc = JSON.parse(readFileSync(join(cwd, 'simple.json'), 'utf8'));
    doc.nodes[1].columns[3].generator.distribution.type = 'lognormall';
    doc.nodes[1].parents = ['usr'];
    writeFileSync(join(cwd, 'bad.json'), JSON.stringify(doc, null, 2));
    for (const cmd of ['compile', 'run']) {
      const r = await cli(cmd, 'bad.json', '-o', 'bad.out');
      expect(r.code, cmd).toBe(1);
      expect(r.stdout, cmd).toBe('');
      expect(r.stderr).toMatch(/^bad\.json:\d+:\d+ \/nodes\/1\/parents\/0 {2}DG_UNKNOWN_TABLE: .*"usr".*\(hint: .*user/m);
      expect(r.stderr).toMatch(/^bad\.json:\d+:\d+ \/nodes\/1\/columns\/3\/generator\/distribution\/type {2}DG_\w+: .*lognormall.*\(hint: .*"lognormal"/m);
      expect(r.stderr).toMatch(/^\d+ error\(s\), \d+ warning\(s\)$/m);
      expect(r.stderr).not.toMatch(STACK);
      expect(existsSync(join(cwd, 'bad.out'))).toBe(false);
    }
  });

  it('malformed JSON exits 1 with a position, no stack trace', async () => {
    writeFileSync(join(cwd, 'broken.json'), '{\n  "version": "1.0",\n  "nodes": [\n}\n');
    const r = await cli('run', 'broken.json', '-o', 'broken.duckdb');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^broken\.json:\d+:\d+ /m);
    expect(r.stderr).not.toMatch(STACK);
    expect(existsSync(join(cwd, 'broken.duckdb'))).toBe(false);
  });

  it.each([['compile'], ['run']])('%s of a missing file exits 1 with a message naming it, no stack trace', async (cmd) => {
    const r = await cli(cmd, 'missing.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing.json');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('--strict turns the unknown-key warnings of test_patterns.json into errors (exit 1)', async () => {
    const lax = await cli('compile', 'patterns.json', '-q');
    expect(lax.code).toBe(0);
    const warnings = lax.stderr.split('\n').filter((l) => l.includes('warning DG_UNKNOWN_KEY'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/^patterns\.json:\d+:\d+ \/nodes\/\d+\/(columns\/\d+\/)?comment {2}warning DG_UNKNOWN_KEY: unknown key "comment"/);

    const strict = await cli('compile', 'patterns.json', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe('');
    const errors = strict.stderr.split('\n').filter((l) => / DG_UNKNOWN_KEY: /.test(l));
    expect(errors).toHaveLength(warnings.length);
    expect(errors.every((l) => !l.includes('warning'))).toBe(true);
    expect(strict.stderr).toContain(`${warnings.length} error(s), 0 warning(s)`);

    const run = await cli('run', 'patterns.json', '--strict', '-o', 'patterns.duckdb');
    expect(run.code).toBe(1);
    expect(existsSync(join(cwd, 'patterns.duckdb'))).toBe(false);
  });
});

describe('the real binary', () => {
  it('node src/cli/bin.js --version exits 0 and prints the version', async () => {
    const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, '--version'], { cwd: tmpdir() });
    expect(stdout.trim()).toBe(VERSION);
    expect(stderr).toBe('');
  });
});
