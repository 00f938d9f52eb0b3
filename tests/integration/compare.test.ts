/*
 * datagen compare (docs/compare.md): each score against a figure computed by hand on data built for it — a source
 * compared with itself, a shifted numeric column (KS), known category shares (TVD), known children per parent,
 * a broken foreign key (integrity), known hours (time patterns), opposite correlations — plus the reports, the
 * exit codes and the errors of the CLI, and a twin `datagen run` made from the same spec with another seed.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSources } from '../../src/compare/compare.ts';
import type { CompareReport } from '../../src/compare/types.ts';
import { runCli } from '../support/cli.ts';

let dir: string;

/** A DuckDB file made by `sql` (statements separated by `;`). */
async function db(name: string, sql: string): Promise<string> {
  const file = join(dir, name);
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  await conn.run(sql);
  conn.closeSync();
  instance.closeSync();
  return file;
}

const shape = (r: CompareReport, table: string, column: string) => r.columnShapes.find((s) => s.table === table && s.column === column)!;

// users: 10 with a declared key; orders: 2 per user (a declared foreign key); x = 0 … 99, a category with
// shares a 50 %, b 30 %, c 20 %, y = x (correlated), ts on Mondays at 10:00 (2025-01-06 is a Monday).
const SOURCE = `
  CREATE TABLE users (user_id INTEGER PRIMARY KEY, tier VARCHAR);
  INSERT INTO users SELECT i, CASE WHEN i < 5 THEN 'gold' ELSE 'basic' END FROM range(10) t(i);
  CREATE TABLE orders (order_id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (user_id), amount DOUBLE);
  INSERT INTO orders SELECT i, i % 10, i * 1.5 FROM range(20) t(i);
  CREATE TABLE points (x DOUBLE, y DOUBLE, cat VARCHAR, ts TIMESTAMP);
  INSERT INTO points SELECT i, i, CASE WHEN i < 50 THEN 'a' WHEN i < 80 THEN 'b' ELSE 'c' END, TIMESTAMP '2025-01-06 10:00:00' + INTERVAL (i) WEEK FROM range(100) t(i);
  CREATE TABLE single (v DOUBLE);
  INSERT INTO single SELECT i FROM range(101) t(i);`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'datagen-compare-'));
  await db('source.duckdb', SOURCE);
  // the twin: x shifted by 10, y = −x, cat with a 40 / b 30 / c 20 / d 10, half the times at 11:00; users 0–4 have
  // 4 orders and users 5–9 none; 2 of the 20 orders name users that do not exist; no declared keys
  await db('twin.duckdb', `
    CREATE TABLE users (user_id INTEGER, tier VARCHAR);
    INSERT INTO users SELECT i, CASE WHEN i < 5 THEN 'gold' ELSE 'basic' END FROM range(10) t(i);
    CREATE TABLE orders (order_id INTEGER, user_id INTEGER, amount DOUBLE);
    INSERT INTO orders SELECT i, CASE WHEN i < 18 THEN i % 5 ELSE 100 + i END, i * 1.5 FROM range(20) t(i);
    CREATE TABLE points (x DOUBLE, y DOUBLE, cat VARCHAR, ts TIMESTAMP);
    INSERT INTO points SELECT i + 10, -i, CASE WHEN i < 40 THEN 'a' WHEN i < 70 THEN 'b' WHEN i < 90 THEN 'c' ELSE 'd' END,
      TIMESTAMP '2025-01-06 10:00:00' + INTERVAL (i) WEEK + INTERVAL (i % 2) HOUR FROM range(100) t(i);
    CREATE TABLE single (v DOUBLE);
    INSERT INTO single SELECT i + 0.5 FROM range(100) t(i);`);
  // the twin without a table (points) and a column (users.tier)
  await db('partial.duckdb', `
    CREATE TABLE users (user_id INTEGER);
    INSERT INTO users SELECT i FROM range(10) t(i);
    CREATE TABLE orders (order_id INTEGER, user_id INTEGER, amount DOUBLE);
    INSERT INTO orders SELECT i, i % 10, i * 1.5 FROM range(20) t(i);
    CREATE TABLE _labels (x INTEGER);`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a source compared with itself', () => {
  it('scores 1 everywhere, and every twin row is identical to a source row', async () => {
    const file = join(dir, 'source.duckdb');
    const r = await compareSources(file, file);
    expect(r.overall).toBe(1);
    for (const v of Object.values(r.categories)) expect(v).toBe(1);
    expect(r.foreignKeys).toEqual([{ table: 'orders', column: 'user_id', refTable: 'users', refColumn: 'user_id', origin: 'declared' }]);
    expect(r.columnShapes.filter((s) => s.status === 'scored').map((s) => `${s.table}.${s.column}`).sort())
      .toEqual(['orders.amount', 'points.cat', 'points.ts', 'points.x', 'points.y', 'single.v', 'users.tier']);
    expect(r.columnShapes.filter((s) => s.status === 'scored').every((s) => s.score === 1)).toBe(true);
    expect(r.columnPairs.length).toBeGreaterThan(0);
    expect(r.columnPairs.every((p) => p.score === 1)).toBe(true);
    for (const p of r.privacy) {
      expect(p.identicalShare).toBe(1);
      expect(p.dcr?.median).toBe(0);
      expect(p.dcr?.zeroShare).toBe(1);
    }
    expect(r.timePatterns).toEqual([expect.objectContaining({ table: 'points', column: 'ts', hour: 0, weekday: 0, month: 0 })]);
  });

  it('on samples (the rows first by a hash of their values) too: the same rows on both sides', async () => {
    const file = join(dir, 'source.duckdb');
    const r = await compareSources(file, file, { pairSampleRows: 30, dcrSourceRows: 50, dcrTwinRows: 20 });
    expect(r.tables.find((t) => t.table === 'points')!.pairSample).toEqual({ source: 30, twin: 30 });
    expect(r.columnPairs.filter((p) => p.table === 'points').every((p) => p.score === 1)).toBe(true);
    const p = r.privacy.find((x) => x.table === 'points')!;
    expect(p.dcr).toMatchObject({ twinSample: 20, sourceSample: 50, median: 0, zeroShare: 1 });
    // the baseline: 20 other source rows, none of them among the 50
    expect(p.dcr!.baselineMedian).toBeGreaterThan(0);
    expect(r.overall).toBe(1);
  });

  it('a CSV folder (real data of vega-datasets) with a hand-written spec naming its key', async () => {
    const data = fileURLToPath(new URL('../../node_modules/vega-datasets/data/', import.meta.url));
    const src = join(dir, 'people');
    mkdirSync(src);
    for (const f of ['lookup_people.csv', 'lookup_groups.csv']) copyFileSync(join(data, f), join(src, f));
    const spec = join(dir, 'people.json');
    writeFileSync(spec, JSON.stringify({
      nodes: [
        { id: 'lookup_people', kind: 'entity', pk: 'name', columns: [{ name: 'name' }] },
        { id: 'lookup_groups', kind: 'fact', parents: ['lookup_people'], columns: [{ name: 'person', generator: { lookup: { from: 'lookup_people.name' } } }] },
      ],
    }));
    const same = await compareSources(src, src, { spec });
    expect(same.foreignKeys).toEqual([{ table: 'lookup_groups', column: 'person', refTable: 'lookup_people', refColumn: 'name', origin: 'spec' }]);
    expect(same.overall).toBe(1);
    expect(same.cardinality[0]).toMatchObject({ score: 1, sourceMean: 1, twinMean: 1 });
    // a twin folder without Tom: his group row points nowhere (1 of 9), and he is no parent
    const twin = join(dir, 'people-twin');
    mkdirSync(twin);
    copyFileSync(join(data, 'lookup_groups.csv'), join(twin, 'lookup_groups.csv'));
    writeFileSync(join(twin, 'lookup_people.csv'), readFileSync(join(data, 'lookup_people.csv'), 'utf8').split('\n').filter((l) => !l.startsWith('Tom')).join('\n'));
    const r = await compareSources(src, twin, { spec });
    expect(r.integrity[0]).toMatchObject({ twinValues: 9, twinFound: 8, sourceShare: 1 });
    expect(r.integrity[0].score).toBeCloseTo(8 / 9, 12);
    expect(r.tables.find((t) => t.table === 'lookup_people')).toMatchObject({ sourceRows: 9, twinRows: 8 });
  });
});

describe('known answers', () => {
  let r: CompareReport;
  beforeAll(async () => {
    r = await compareSources(join(dir, 'source.duckdb'), join(dir, 'twin.duckdb'));
  });

  it('a numeric column shifted by 10 of a range of 100: KS 0.1', () => {
    // F_source(v) − F_twin(v) = (v + 1)/100 − (v − 9)/100 = 0.1 for v in 10 … 99, less elsewhere
    expect(shape(r, 'points', 'x')).toMatchObject({ metric: 'ks', status: 'scored' });
    expect(shape(r, 'points', 'x').distance).toBeCloseTo(0.1, 12);
    expect(shape(r, 'points', 'x').score).toBeCloseTo(0.9, 12);
  });

  it('category shares 50/30/20 against 40/30/20/10: TVD 0.1', () => {
    expect(shape(r, 'points', 'cat').metric).toBe('tvd');
    expect(shape(r, 'points', 'cat').distance).toBeCloseTo(0.1, 12);
    expect(shape(r, 'points', 'cat').chart).toEqual({ labels: ['a', 'b', 'c'], source: [0.5, 0.3, 0.2], twin: [0.4, 0.3, 0.2] });
  });

  it('y = x against y = −x: correlation similarity 1 − |1 − (−1)| / 2 = 0', () => {
    const p = r.columnPairs.find((x) => x.table === 'points' && x.columns.join() === 'x,y')!;
    expect(p).toMatchObject({ metric: 'correlation', correlatedInSource: true });
    expect(p.source).toBeCloseTo(1, 12);
    expect(p.twin).toBeCloseTo(-1, 12);
    expect(p.score).toBeCloseTo(0, 12);
  });

  it('a category that is a function of a number\'s bins: Cramér\'s V 1 in the source', () => {
    // x in 10 bins of 9.9 over 0 … 99: bins 0–4 are all 'a', 5–7 all 'b', 8–9 all 'c' → φ² = 3 − 1, V = √(2 / 2)
    const p = r.columnPairs.find((x) => x.table === 'points' && x.columns.join() === 'x,cat')!;
    expect(p).toMatchObject({ metric: 'contingency', correlatedInSource: true });
    expect(p.source).toBeCloseTo(1, 12);
    expect(p.twin!).toBeLessThan(1);
  });

  it('two orders per user against four for half the users and none for the rest: cardinality 1 − KS = 0.5', () => {
    const c = r.cardinality.find((x) => x.table === 'orders')!;
    expect(c.score).toBeCloseTo(0.5, 12);
    expect(c).toMatchObject({ sourceMean: 2, sourceZeroShare: 0, twinZeroShare: 0.5 });
    expect(c.twinMean).toBeCloseTo(1.8, 12); // 18 orders of known users over 10 users
  });

  it('2 of 20 orders naming unknown users: integrity 0.9', () => {
    expect(r.integrity).toEqual([expect.objectContaining({ table: 'orders', column: 'user_id', twinValues: 20, twinFound: 18, sourceShare: 1, score: 0.9 })]);
  });

  it('every time at 10:00 against half at 11:00: hour distance 0.5, weekday and month 0', () => {
    const t = r.timePatterns[0];
    expect(t).toMatchObject({ column: 'ts', hour: 0.5, weekday: 0 });
    expect(t.month).toBe(0);
    expect(t.shares.hour?.twin[10]).toBe(0.5);
  });

  it('values 0 … 100 against 0.5 … 99.5: no identical row, each 0.5 / 100 from its closest record', () => {
    const p = r.privacy.find((x) => x.table === 'single')!;
    expect(p).toMatchObject({ columns: ['v'], twinRows: 100, identicalRows: 0, identicalShare: 0 });
    expect(p.dcr).toMatchObject({ twinSample: 100, sourceSample: 101, zeroShare: 0, baselineMedian: null });
    expect(p.dcr!.median).toBeCloseTo(0.005, 12);
    expect(p.dcr!.p05).toBeCloseTo(0.005, 12);
    // the orders' amounts are the source's: every row identical on the compared column
    expect(r.privacy.find((x) => x.table === 'orders')).toMatchObject({ columns: ['amount'], identicalRows: 20, identicalShare: 1 });
  });

  it('the overall score is the mean of the categories', () => {
    const cats = Object.values(r.categories).filter((x): x is number => x !== null);
    expect(cats).toHaveLength(5);
    expect(r.overall).toBeCloseTo(cats.reduce((a, b) => a + b, 0) / cats.length, 12);
    expect(r.categories.referentialIntegrity).toBe(0.9);
    // the pairs correlated in the source, on their own: x, y and ts of points move together, and cat follows them
    const correlated = r.columnPairs.filter((p) => p.correlatedInSource);
    expect(correlated.map((p) => `${p.table}.${p.columns.join('×')}`)).toEqual(expect.arrayContaining(['points.x×y', 'points.x×cat', 'points.x×ts', 'points.y×ts']));
    expect(r.correlatedPairTrends.pairs).toBe(correlated.length);
    expect(r.correlatedPairTrends.score).toBeCloseTo(correlated.reduce((a, p) => a + p.score!, 0) / correlated.length, 12);
    expect(correlated).toHaveLength(6); // every pair of points (the only table with pairs) is correlated in the source
    expect(r.categories.timePatterns).toBeCloseTo(1 - 0.5 / 3, 12);
  });
});

describe('times stored as numbers or text (found by infer\'s profile)', () => {
  it('epoch seconds and yyyy-mm-dd text in the source, TIMESTAMP and DATE in the twin: the same instants score 1', async () => {
    await db('stored.duckdb', `CREATE TABLE visits (created_at BIGINT, day VARCHAR, n INTEGER);
      INSERT INTO visits SELECT epoch(TIMESTAMP '2024-03-01 08:00:00' + INTERVAL (i * 37) MINUTE)::BIGINT, strftime(DATE '2024-03-01' + INTERVAL (i % 40) DAY, '%Y-%m-%d'), i % 7 FROM range(500) t(i)`);
    await db('typed.duckdb', `CREATE TABLE visits (created_at TIMESTAMP, day DATE, n INTEGER);
      INSERT INTO visits SELECT TIMESTAMP '2024-03-01 08:00:00' + INTERVAL (i * 37) MINUTE, DATE '2024-03-01' + INTERVAL (i % 40) DAY, i % 7 FROM range(500) t(i)`);
    const r = await compareSources(join(dir, 'stored.duckdb'), join(dir, 'typed.duckdb'));
    expect(shape(r, 'visits', 'created_at')).toMatchObject({ kind: 'datetime', metric: 'ks', score: 1 });
    expect(shape(r, 'visits', 'day')).toMatchObject({ kind: 'datetime', metric: 'ks', score: 1 });
    expect(r.timePatterns.map((t) => [t.column, t.hour, t.weekday, t.month])).toEqual([['created_at', 0, 0, 0], ['day', null, 0, 0]]);
    expect(r.columnPairs.every((p) => p.score === 1)).toBe(true);
    expect(r.privacy[0].identicalShare).toBe(1);
    expect(r.overall).toBe(1);
  });
});

describe('a twin missing a table and a column', () => {
  it('reports them, scores the missing column 0 and skips datagen tables', async () => {
    const r = await compareSources(join(dir, 'source.duckdb'), join(dir, 'partial.duckdb'));
    expect(r.tables.map((t) => [t.table, t.status])).toEqual([['orders', 'matched'], ['points', 'missing'], ['single', 'missing'], ['users', 'matched']]);
    expect(r.tables.find((t) => t.table === 'users')!.missingColumns).toEqual(['tier']);
    expect(shape(r, 'users', 'tier')).toMatchObject({ status: 'missing', score: 0 });
    expect(shape(r, 'points', 'x')).toMatchObject({ status: 'missing', score: 0, note: 'the twin has no such table' });
    expect(r.tables.some((t) => t.table === '_labels')).toBe(false);
    // shapes: orders.amount 1, users.tier 0, four points columns and single.v 0
    expect(r.categories.columnShapes).toBeCloseTo(1 / 7, 12);
  });
});

describe('columns compare does not score', () => {
  it('lists and structs are reported, not compared; a table of nothing else still counts its rows; nothing to score fails a threshold', async () => {
    await db('nested.duckdb', `CREATE TABLE l (tags VARCHAR[], s STRUCT(a INTEGER)); INSERT INTO l SELECT ['a'], {'a': i} FROM range(5) t(i)`);
    const r = await compareSources(join(dir, 'nested.duckdb'), join(dir, 'nested.duckdb'));
    expect(r.columnShapes.map((c) => [c.column, c.kind, c.status, c.note])).toEqual([
      ['tags', 'other', 'skipped', 'type VARCHAR[] is not compared'], ['s', 'other', 'skipped', 'type STRUCT(a INTEGER) is not compared'],
    ]);
    expect(r.tables[0]).toMatchObject({ sourceRows: 5, twinRows: 5 });
    expect(r.overall).toBe(null);
    const res = await runCli(dir, 'compare', 'nested.duckdb', 'nested.duckdb', '--threshold', '0');
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/overall – < threshold 0\.0 %: FAIL\n$/);
  });
});

describe('datagen compare (CLI)', () => {
  it('prints the scores, writes JSON and a self-contained HTML report; exit 0 at or above --threshold', async () => {
    const res = await runCli(dir, 'compare', 'source.duckdb', 'source.duckdb', '--threshold', '0.99', '--json', 'self.json', '--report', 'self.html');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/overall 100\.0 % ≥ threshold 99\.0 %: pass/);
    const json = JSON.parse(readFileSync(join(dir, 'self.json'), 'utf8'));
    expect(json).toMatchObject({ source: 'source.duckdb', twin: 'source.duckdb', overall: 1, ok: true, threshold: 0.99 });
    const html = readFileSync(join(dir, 'self.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>datagen compare');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(Number(/data-charts="(\d+)"/.exec(html)![1])).toBeGreaterThan(5);
    // the reports are compare's: written again without --force
    expect((await runCli(dir, 'compare', 'source.duckdb', 'source.duckdb', '-q', '--json', 'self.json', '--report', 'self.html')).code).toBe(0);
  });

  it('exit 1 below --threshold', async () => {
    const res = await runCli(dir, 'compare', 'source.duckdb', 'twin.duckdb', '--threshold', '0.95');
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/< threshold 95\.0 %: FAIL\n$/);
    expect(res.stdout).toContain('integrity orders.user_id → users.user_id:  90.0 % of 20 values found');
    expect(res.stdout).toMatch(/column-pair trends +\d+\.\d % \(the \d+ pairs correlated in the source: \d+\.\d %\)/);
    expect((await runCli(dir, 'compare', 'source.duckdb', 'twin.duckdb')).code).toBe(0);
  });

  it('bad inputs: a code, what is wrong and a hint; no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['compare', 'source.duckdb', 'twin.duckdb', '--threshold', '80'], /^error: DG_BAD_OPTION: --threshold "80" is not a score from 0 to 1 \(hint: /],
      [['compare', 'nope.duckdb', 'twin.duckdb'], /^error: DG_SOURCE_MISSING: source "nope\.duckdb" does not exist \(hint: /],
      [['compare', 'source.duckdb', 'nope.duckdb'], /^error: DG_SOURCE_MISSING: twin "nope\.duckdb" does not exist \(hint: /],
      [['compare', 'source.duckdb', 'twin.duckdb', '--tables', 'nope'], /^error: DG_SOURCE_TABLE: --tables names "nope"/],
      [['compare', 'source.duckdb', 'people'], /^error: DG_COMPARE_NO_TABLES: the twin "people" has none of the source's tables \(orders, points, single, users\) \(hint: /],
      [['compare', 'source.duckdb', 'twin.duckdb', '--spec', 'self.json'], /^error: DG_COMPARE_SPEC: --spec "self\.json" is not a datagen spec/],
      [['compare', 'source.duckdb', 'twin.duckdb', '--spec', 'nope.json'], /^nope\.json \/ {2}DG_FILE: file not found: nope\.json \(hint: /],
      [['compare', 'source.duckdb', 'twin.duckdb', '--json', 'people.json'], /^error: DG_OUTPUT_NOT_OURS: --json "people\.json": is an existing file that is not a JSON report of datagen compare/],
    ];
    for (const [argv, message] of cases) {
      const res = await runCli(dir, ...argv);
      expect(res.code, argv.join(' ')).toBe(1);
      expect(res.stderr, argv.join(' ')).toMatch(message);
      expect(res.stderr).not.toMatch(/^\s+at .+[:(]/m);
    }
  });

  it('--tables compares only those tables', async () => {
    const res = await runCli(dir, 'compare', 'source.duckdb', 'twin.duckdb', '--tables', 'points', '--json', 'points.json');
    expect(res.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'points.json'), 'utf8')) as CompareReport;
    expect(json.tables.map((t) => t.table)).toEqual(['points']);
    expect(json.foreignKeys).toEqual([]);
  });
});

describe('a twin generated from the same spec with another seed', () => {
  it('scores high but not 1, with the keys of the spec', async () => {
    const spec = join(dir, 'quickstart.json');
    copyFileSync(new URL('../../examples/quickstart.json', import.meta.url), spec);
    for (const seed of ['1', '2']) {
      const res = await runCli(dir, 'run', 'quickstart.json', '-o', `q${seed}.duckdb`, '--seed', seed, '--scale', '0.05', '-q');
      expect(res.stderr).toBe('');
    }
    const r = await compareSources(join(dir, 'q1.duckdb'), join(dir, 'q2.duckdb'), { spec });
    expect(r.foreignKeys).toContainEqual({ table: 'events', column: 'user_id', refTable: 'users', refColumn: 'user_id', origin: 'spec' });
    expect(r.categories.referentialIntegrity).toBe(1);
    expect(r.overall!).toBeGreaterThan(0.9);
    expect(r.overall!).toBeLessThan(1);
    expect(r.categories.cardinality!).toBeGreaterThan(0.9);
    expect(r.categories.columnShapes!).toBeGreaterThan(0.9);
    // names and e-mails are free text: not scored, but compared for identical rows
    expect(shape(r, 'users', 'email')).toMatchObject({ kind: 'text', status: 'skipped' });
    expect(shape(r, 'users', 'user_id')).toMatchObject({ kind: 'key', status: 'skipped' });
  });

  it('the same seed written as Parquet (a folder of sub-folders) is the same data: 1 everywhere', async () => {
    const res = await runCli(dir, 'run', 'quickstart.json', '-o', 'q1-parquet', '--format', 'parquet', '--seed', '1', '--scale', '0.05', '-q');
    expect(res.stderr).toBe('');
    // pair trends on 500-row samples: the rows first by a hash of their values, whatever the file and the row order
    const r = await compareSources(join(dir, 'q1.duckdb'), join(dir, 'q1-parquet'), { spec: join(dir, 'quickstart.json'), pairSampleRows: 500 });
    expect(r.tables.filter((t) => t.status === 'matched').map((t) => [t.table, t.pairSample])).toEqual([['events', { source: 500, twin: 500 }], ['users', { source: 500, twin: 500 }]]);
    expect(r.overall).toBe(1);
    for (const v of Object.values(r.categories)) expect(v).toBe(1);
    for (const p of r.privacy) expect(p.identicalShare).toBe(1);
  });
});
