/*
 * `datagen query` (src/sinks/read.ts, src/cli/format-result.ts): a sandbox that reads only the database file
 * (docs/security.md "Query sandbox"), damaged and foreign files named as such, and results streamed.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openReadOnly, queryFile } from '../../src/sinks/read.ts';
import { COMPAT_DIR } from '../support/run-spec.ts';

interface Result { code: number; stdout: string; stderr: string }
let cwd: string;
const p = (name: string) => join(cwd, name);
const STACK = /^\s+at .+[:(]/m;

async function cli(...argv: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, isTTY: false, cwd });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'datagen-query-'));
  copyFileSync(new URL('simple_users_events.json', COMPAT_DIR), p('spec.json'));
  expect((await cli('run', 'spec.json', '-o', 'db.duckdb', '-q')).code).toBe(0);
  writeFileSync(p('secret.txt'), 'top secret\n');
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('the query sandbox', () => {
  const refused: [string, (dir: string) => string][] = [
    ['COPY … TO a file', (d) => `COPY "user" TO '${d}/copy.csv'`],
    ['COPY (SELECT …) TO a file', (d) => `COPY (SELECT 1) TO '${d}/copy2.parquet' (FORMAT parquet)`],
    ['EXPORT DATABASE', (d) => `EXPORT DATABASE '${d}/export'`],
    ['read_text of a file', (d) => `SELECT * FROM read_text('${d}/secret.txt')`],
    ['read_text of /etc/passwd', () => `SELECT * FROM read_text('/etc/passwd')`],
    ['read_csv', (d) => `SELECT * FROM read_csv('${d}/secret.txt')`],
    ['glob', (d) => `SELECT * FROM glob('${d}/*')`],
    ['ATTACH another database', (d) => `ATTACH '${d}/other.duckdb' AS o`],
    ['INSTALL httpfs', () => 'INSTALL httpfs'],
    ['LOAD sqlite_scanner', () => 'LOAD sqlite_scanner'],
    ['sqlite_scan (an autoloaded extension)', (d) => `SELECT * FROM sqlite_scan('${d}/x.db', 't')`],
    ['SET enable_external_access = true', () => 'SET enable_external_access = true'],
    ['SET lock_configuration = false', () => 'SET lock_configuration = false'],
    ['RESET enable_external_access', () => 'RESET enable_external_access'],
  ];
  it.each(refused)('%s is refused with DG_QUERY_REFUSED and a hint, nothing is created', async (_what, sql) => {
    const before = readdirSync(cwd).sort();
    const r = await cli('query', 'db.duckdb', sql(cwd));
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: DG_QUERY_REFUSED: .+ \(hint: datagen query reads only the database file.*\)\n$/);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).not.toContain('top secret');
    expect(readdirSync(cwd).sort()).toEqual(before);
  });

  it('writing to the database is refused: it is opened read-only', async () => {
    const before = statSync(p('db.duckdb')).mtimeMs;
    for (const sql of ['CREATE TABLE t (a INT)', 'DELETE FROM "user"', 'DROP TABLE event']) {
      const r = await cli('query', 'db.duckdb', sql);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: DG_QUERY_REFUSED: the database is opened read-only: .+\(hint: /);
    }
    expect(statSync(p('db.duckdb')).mtimeMs).toBe(before);
  });

  it('reading the database itself works, and the settings are as documented', async () => {
    const r = await queryFile(p('db.duckdb'), `SELECT current_setting('enable_external_access') AS ext, current_setting('autoload_known_extensions') AS autoload, current_setting('autoinstall_known_extensions') AS autoinstall, current_setting('lock_configuration') AS locked, (SELECT count(*) FROM "user") AS users`);
    expect(r.rows[0]).toEqual([false, false, false, true, 1000n]);
  });

  it('validate and labels read through the same sandbox', async () => {
    const db = await openReadOnly(p('db.duckdb'));
    try {
      await expect(db.all(`SELECT * FROM read_text('${p('secret.txt')}')`)).rejects.toThrow(/disabled by configuration/);
    } finally {
      db.close();
    }
    expect((await cli('labels', 'db.duckdb')).code).toBe(0);
  });
});

describe('files that are not (whole) DuckDB databases', () => {
  it('a truncated database is reported as damaged', async () => {
    const size = statSync(p('db.duckdb')).size;
    for (const keep of [8192, Math.floor(size / 4)]) {
      copyFileSync(p('db.duckdb'), p('cut.duckdb'));
      truncateSync(p('cut.duckdb'), keep);
      const r = await cli('query', 'cut.duckdb', 'SELECT count(*) FROM event, "user"');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: DG_DB_DAMAGED: ".*cut\.duckdb" is damaged \(truncated or corrupt\): .+\(hint: generate it again/);
      expect(r.stderr).not.toMatch(STACK);
    }
    // validate says the same and stops (no check can be trusted on a damaged file).
    copyFileSync(p('db.duckdb'), p('cut.duckdb'));
    truncateSync(p('cut.duckdb'), Math.floor(size * 0.7));
    for (const argv of [['validate', 'spec.json', 'cut.duckdb']]) {
      const r = await cli(...argv);
      expect(r.code, argv[0]).toBe(1);
      expect(r.stderr, argv[0]).toMatch(/^error: DG_DB_DAMAGED: ".*cut\.duckdb" is damaged/);
    }
  });

  it('a file that is not DuckDB (the spec, an empty file, a folder) and a missing file are named as such', async () => {
    writeFileSync(p('empty.duckdb'), '');
    const cases: [string, RegExp][] = [
      ['spec.json', /^error: DG_DB_NOT_DUCKDB: ".*spec\.json" is not a DuckDB database \(hint: /],
      ['empty.duckdb', /^error: DG_DB_NOT_DUCKDB: ".*empty\.duckdb" is not a DuckDB database \(it is empty\)/],
      ['.', /^error: DG_DB_NOT_DUCKDB: .* is not a regular file/],
      ['nope.duckdb', /^error: DG_DB_MISSING: database file ".*nope\.duckdb" does not exist/],
    ];
    for (const [file, want] of cases) {
      const r = await cli('query', file, 'SELECT 1');
      expect(r.code, file).toBe(1);
      expect(r.stderr, file).toMatch(want);
    }
    expect(existsSync(p('nope.duckdb'))).toBe(false);
    expect(readFileSync(p('empty.duckdb')).length).toBe(0);
  });
});

describe('through the real entry point', () => {
  it('labels and validate name a missing or damaged database with its code in a fresh process', () => {
    const bin = new URL('../../src/cli/bin.js', import.meta.url).pathname;
    copyFileSync(p('db.duckdb'), p('cut2.duckdb'));
    truncateSync(p('cut2.duckdb'), Math.floor(statSync(p('db.duckdb')).size * 0.7));
    const cases: [string[], RegExp][] = [
      [['labels', 'nope.duckdb'], /^error: DG_DB_MISSING: database file ".*nope\.duckdb" does not exist \(hint: /],
      [['validate', 'spec.json', 'cut2.duckdb'], /^error: DG_DB_DAMAGED: ".*cut2\.duckdb" is damaged/],
    ];
    for (const [argv, want] of cases) {
      const r = spawnSync(process.execPath, [bin, ...argv], { cwd, encoding: 'utf8' });
      expect(r.status, argv[0]).toBe(1);
      expect(r.stderr, argv[0]).toMatch(want);
      expect(r.stderr).not.toMatch(STACK);
    }
  });
});

describe('large results', () => {
  it('table shows the first --limit rows (default 1,000) and says how many it left out', async () => {
    const r = await cli('query', 'db.duckdb', 'SELECT range AS n FROM range(2500)');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(2 + 1000 + 1);
    expect(lines[2]).toBe('0');
    expect(lines[1001]).toBe('999');
    expect(lines.at(-1)).toBe('(2,500 rows; the first 1,000 shown, 1,500 left out: raise --limit, or use --format csv or json for all of them)');
    const small = await cli('query', 'db.duckdb', 'SELECT range AS n FROM range(5000)', '--limit', '3');
    expect(small.stdout).toBe('n\n-\n0\n1\n2\n(5,000 rows; the first 3 shown, 4,997 left out: raise --limit, or use --format csv or json for all of them)\n');
    const all = await cli('query', 'db.duckdb', 'SELECT range AS n FROM range(3)', '--limit', '3');
    expect(all.stdout.trimEnd().split('\n').at(-1)).toBe('(3 rows)');
    expect((await cli('query', 'db.duckdb', 'SELECT 1', '--limit', '0')).code).toBe(2);
  });

  it('csv and json stream every row across many chunks, the same as one materialised result', async () => {
    const sql = `SELECT range AS n, 'r' || range AS s, CASE WHEN range % 7 = 0 THEN NULL ELSE range * 0.5 END AS x FROM range(10000)`;
    const json = await cli('query', 'db.duckdb', sql, '-f', 'json');
    const rows = JSON.parse(json.stdout);
    expect(rows.length).toBe(10000);
    expect(rows[7]).toEqual({ n: 7, s: 'r7', x: null });
    expect(rows[9999]).toEqual({ n: 9999, s: 'r9999', x: 4999.5 });
    // The streamed text is what JSON.stringify(rows, null, 2) prints.
    expect(json.stdout).toBe(JSON.stringify(rows, null, 2) + '\n');
    const csv = await cli('query', 'db.duckdb', sql, '-f', 'csv');
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(10001);
    expect(lines[0]).toBe('n,s,x');
    expect(lines[8]).toBe('7,r7,NULL');
    const empty = await cli('query', 'db.duckdb', 'SELECT 1 AS a WHERE false', '-f', 'json');
    expect(empty.stdout).toBe('[]\n');
    expect((await cli('query', 'db.duckdb', 'SELECT 1 AS a WHERE false', '-f', 'csv')).stdout).toBe('a\n');
  });
});
