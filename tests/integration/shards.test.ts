/*
 * Scale-out (issue 3, DESIGN.md decision 6): `--format parquet` writes `<dir>/<table>/shard=<i>/*.parquet`;
 * `--shard i/n` writes one slice (entity rows by ordinal range, children with their primary parent), and the
 * union of the n shards equals the unsharded run, row for row and in order (n = 1, 3, 7). The shell example
 * of docs/scale-out.md runs here with 3 processes. A failed Parquet run leaves the old shard in place.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runPlan } from '../../src/run/run.ts';
import type { Plan } from '../../src/ir/types.ts';
import { quoteIdent as q } from '../../src/sinks/sql.ts';
import { compileOrThrow, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';

/** Retained tables (lookups, parent.*, weights_by, effects), a fact of a fact, a table nobody reads, labels, nulls, every type. */
const SPEC = {
  version: '1.0',
  metadata: { name: 'Shard Probe' },
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-03-31T23:59:59Z', freq: 'H' },
  seed: 3,
  nodes: [
    { id: 'region', kind: 'vocab', pk: 'code', columns: [{ name: 'code', type: 'string', generator: { enum_list: { values: ['N', 'S', 'E', 'W'] } } }] },
    {
      id: 'promo', kind: 'entity', pk: 'promo_id', rows: 9,
      columns: [
        { name: 'promo_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'starts_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } },
        { name: 'ends_at', type: 'datetime', generator: { expression: { code: 'starts_at + 7 * 86400000' } } },
        { name: 'boost', type: 'float', generator: { distribution: { type: 'uniform', params: { low: 1.2, high: 2.0 } } } },
      ],
    },
    {
      id: 'customer', kind: 'entity', pk: 'customer_id', rows: 1001,
      columns: [
        { name: 'customer_id', type: 'int', generator: { sequence: { start: 10, step: 2 } } },
        { name: 'name', type: 'string', generator: { faker: { method: 'name' } } },
        { name: 'region', type: 'string', generator: { lookup: { from: 'region.code' } } },
        { name: 'credit', type: 'float', nullable: true, null_rate: 0.1, generator: { distribution: { type: 'gamma', params: { shape: 2, scale: 50 } } } },
        { name: 'signup', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } },
      ],
    },
    {
      id: 'product', kind: 'entity', pk: 'product_id', rows: 37,
      columns: [
        { name: 'product_id', type: 'int', generator: { sequence: {} } },
        { name: 'price', type: 'decimal', generator: { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.6 }, clamp: [1, 500] } } },
        { name: 'popularity', type: 'float', generator: { distribution: { type: 'pareto', params: { alpha: 1.5, scale: 1 } } } },
      ],
    },
    {
      id: 'audit', kind: 'entity', pk: 'audit_id', rows: 500,
      columns: [
        { name: 'audit_id', type: 'int', generator: { sequence: {} } },
        { name: 'note', type: 'string', generator: { faker: { method: 'sentence' } } },
      ],
    },
    {
      id: 'order', kind: 'fact', pk: 'order_id', parents: ['customer', 'product'],
      fanout: { distribution: 'negative_binomial', lambda: 4, k: 2, min: 0, max: 30 },
      modifiers: [{ transform: 'effect', args: { effect_table: 'promo', on: {}, window: { start_col: 'starts_at', end_col: 'ends_at' }, map: { field: 'boost', op: 'mul', default: 1 } } }],
      columns: [
        { name: 'order_id', type: 'int', generator: { sequence: {} } },
        { name: 'customer_id', type: 'int', generator: { lookup: { from: 'customer.customer_id' } } },
        { name: 'product_id', type: 'int', generator: { lookup: { from: 'product.product_id', weights_by: 'product.popularity' } } },
        { name: 'ordered_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } }, modifiers: [{ transform: 'time_jitter', args: { std_minutes: 15 } }] },
        {
          name: 'amount', type: 'float', generator: { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.5 } } },
          modifiers: [{ transform: 'outliers', args: { rate: 0.03, mode: 'spike', magnitude_dist: { type: 'uniform', params: { low: 2, high: 5 } } } }],
        },
        { name: 'big', type: 'bool', generator: { expression: { code: 'amount > 40' } } },
        { name: 'channel', type: 'string', nullable: true, null_rate: 0.05, generator: { choice: { choices: ['web', 'app', 'store'], weights: [0.5, 0.3, 0.2] } } },
      ],
    },
    {
      id: 'order_line', kind: 'fact', pk: 'line_id', parents: ['order'],
      fanout: { distribution: 'poisson', lambda: 1.5, min: 1, max: 6 },
      columns: [
        { name: 'line_id', type: 'int', generator: { sequence: {} } },
        { name: 'order_id', type: 'int', generator: { lookup: { from: 'order.order_id' } } },
        { name: 'share', type: 'float', generator: { expression: { code: 'parent.amount / 2' } } },
        { name: 'qty', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 2 }, clamp: [1, 9] } }, modifiers: [{ transform: 'outliers', args: { rate: 0.05, mode: 'drop', magnitude_dist: { type: 'uniform', params: { low: 1, high: 2 } } } }] },
      ],
    },
  ],
  constraints: {},
};

let db: DuckDBInstance;
let conn: Awaited<ReturnType<DuckDBInstance['connect']>>;
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

async function value(sql: string): Promise<unknown> {
  const r = await conn.runAndReadAll(sql);
  const v = r.getRowsJS()[0]?.[0];
  return typeof v === 'bigint' ? Number(v) : v;
}

const glob = (dir: string, table: string) => `read_parquet(${`'${join(dir, table)}/*/*.parquet'`}, hive_partitioning = true, filename = true, file_row_number = true)`;

/** Digest of a table's rows in output order: for Parquet, shard by shard (numerically), file by file, row by row. */
async function parquetDigest(dir: string, table: string, columns: string[]): Promise<string> {
  return String(await value(`SELECT md5(string_agg(md5(CAST(ROW(${columns.map(q).join(', ')}) AS VARCHAR)), '' ORDER BY shard::INT, filename, file_row_number)) || ':' || count(*) FROM ${glob(dir, table)}`));
}

async function duckdbDigest(table: string, columns: string[]): Promise<string> {
  return String(await value(`SELECT md5(string_agg(md5(CAST(ROW(${columns.map(q).join(', ')}) AS VARCHAR)), '' ORDER BY rowid)) || ':' || count(*) FROM ref.${q(table)}`));
}

const LABEL_COLS = ['kind', 'table', 'column', 'row_key', 'expected', 'observed', 'magnitude'];
const labelSet = (from: string) => `SELECT md5(string_agg(md5(CAST(ROW(${LABEL_COLS.map(q).join(', ')}) AS VARCHAR)), '' ORDER BY "table", "column", row_key)) || ':' || count(*) FROM ${from}`;

async function runShards(plan: Plan, n: number, dir: string, workers = 1): Promise<number> {
  let rows = 0;
  for (let i = 0; i < n; i++) rows += (await runPlan(plan, { out: dir, format: 'parquet', shard: { index: i, count: n }, workers, workerMinRows: 0, chunkRows: 500, workerTaskRows: 500 })).rows;
  return rows;
}

describe('parquet shards', () => {
  const plan = compileOrThrow(SPEC);
  const ref = tempFile('ref.duckdb');
  let refRows = 0;

  beforeAll(async () => {
    refRows = (await runPlan(plan, { out: ref, workers: 1 })).rows;
    await conn.run(`ATTACH '${ref}' AS ref (READ_ONLY)`);
  });

  for (const n of [1, 3, 7]) {
    it(`the union of ${n} shard(s) equals the DuckDB run, table by table and row by row; labels too`, async () => {
      const dir = tempFile('out');
      const rows = await runShards(plan, n, dir, n === 3 ? 3 : 1);
      expect(rows).toBe(refRows);
      for (const t of plan.tables) {
        expect(readdirSync(join(dir, t.id)).sort()).toEqual(Array.from({ length: n }, (_, i) => `shard=${i}`).sort());
        const cols = t.columns.map((c) => c.name);
        const digest = await parquetDigest(dir, t.id, cols);
        expect(digest, `${t.id} (n = ${n})`).toBe(await duckdbDigest(t.id, cols));
        expect(Number(digest.split(':')[1]), t.id).toBeGreaterThan(0);
      }
      expect(await value(labelSet(glob(dir, '_labels')))).toBe(await value(labelSet('ref._labels')));
      expect(Number(await value('SELECT count(*) FROM ref._labels'))).toBeGreaterThan(0);
      // The manifests: one row per table and shard, summing to the tables' rows.
      expect(await value(`SELECT sum("rows") FROM ${glob(dir, '_datagen_manifest')}`)).toBe(refRows);
      expect(await value(`SELECT count(DISTINCT shard) || '/' || min(shards) FROM ${glob(dir, '_datagen_manifest')}`)).toBe(`${n}/${n}`);
    });
  }

  it('shard membership: entities by contiguous ordinal ranges, children with their parents', async () => {
    const dir = tempFile('out');
    await runShards(plan, 3, dir);
    // customer_id = 10 + 2·ordinal: shard i holds ordinals [ceil(i·1001/3), ceil((i+1)·1001/3)).
    const ranges = await conn.runAndReadAll(`SELECT shard::INT s, min((customer_id - 10) / 2)::INT lo, max((customer_id - 10) / 2)::INT hi FROM ${glob(dir, 'customer')} GROUP BY 1 ORDER BY 1`);
    expect(ranges.getRowsJS()).toEqual([[0, 0, 333], [1, 334, 667], [2, 668, 1000]]);
    // Every order is in its customer's shard, every line in its order's shard.
    expect(await value(`SELECT count(*) FROM ${glob(dir, 'order')} o JOIN ${glob(dir, 'customer')} c USING (customer_id) WHERE o.shard <> c.shard`)).toBe(0);
    expect(await value(`SELECT count(*) FROM ${glob(dir, 'order_line')} l JOIN ${glob(dir, 'order')} o USING (order_id) WHERE l.shard <> o.shard`)).toBe(0);
  });

  it('Parquet without --shard writes shard=0 only; big parts split into several files in row order', async () => {
    const dir = tempFile('out');
    const quick = compileOrThrow(readJson(new URL('quickstart.json', EXAMPLES_DIR)));
    // ~119 k events (lifetimes: events only after each user's signup): parts of 20 k rows from chunks of 10 k.
    await runPlan(quick, { out: dir, format: 'parquet', workers: 1, chunkRows: 10_000, parquetPartRows: 20_000 });
    expect(readdirSync(dir).filter((f) => !f.startsWith('.')).sort()).toEqual(['_datagen_manifest', '_label_events', '_labels', 'events', 'users']);
    expect(readdirSync(join(dir, 'events'))).toEqual(['shard=0']);
    const parts = readdirSync(join(dir, 'events', 'shard=0'));
    expect(parts.length).toBeGreaterThan(2);
    expect(parts[0]).toBe('part-00000.parquet');
    // A part is written once ≥ 20 k rows are staged (whole chunks): every part but the last holds at least that many.
    const perPart = `SELECT filename, count(*) AS n FROM ${glob(dir, 'events')} GROUP BY filename`;
    expect(await value(`SELECT count(*) FROM (${perPart})`)).toBe(parts.length);
    expect(await value(`SELECT count(*) FROM (${perPart}) WHERE n < 20000 AND filename <> (SELECT max(filename) FROM (${perPart}))`)).toBe(0);
    expect(await value(`SELECT count(*) FROM ${glob(dir, 'events')}`)).toBe(await value(`SELECT "rows" FROM ${glob(dir, '_datagen_manifest')} WHERE table_name = 'events'`));
    // Keys ascend across the part files.
    expect(await value(`SELECT bool_and(event_id = rn) FROM (SELECT event_id, row_number() OVER (ORDER BY filename, file_row_number) rn FROM ${glob(dir, 'events')})`)).toBe(true);
  });

  for (const outputThread of [false, true]) {
    it(`a failed Parquet run leaves the earlier shard files as they were and no temporary folder${outputThread ? ' (output thread)' : ''}`, async () => {
      const dir = tempFile('out');
      await runPlan(plan, { out: dir, format: 'parquet', shard: { index: 1, count: 2 }, workers: 1 });
      const before = readFileSync(join(dir, 'order', 'shard=1', 'part-00000.parquet'));
      const plan2 = compileOrThrow(SPEC, { seed: 99 });
      await expect(runPlan(plan2, { out: dir, format: 'parquet', shard: { index: 1, count: 2 }, workers: 1, outputThread, onProgress: (t) => { if (t === 'order_line') throw new Error('boom'); } })).rejects.toThrow('boom');
      expect(readFileSync(join(dir, 'order', 'shard=1', 'part-00000.parquet')).equals(before)).toBe(true);
      expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
      // A later successful run replaces the shard.
      await runPlan(plan2, { out: dir, format: 'parquet', shard: { index: 1, count: 2 }, workers: 1 });
      expect(readFileSync(join(dir, 'order', 'shard=1', 'part-00000.parquet')).equals(before)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    });
  }

  it('--shard needs --format parquet', async () => {
    await expect(runPlan(plan, { out: tempFile('x.duckdb'), shard: { index: 0, count: 2 } })).rejects.toThrow(/Parquet/);
  });
});

describe('CLI: --format, --shard', () => {
  async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { stdout: { write: (x: string) => out.push(x) }, stderr: { write: (x: string) => err.push(x) }, isTTY: false, cwd });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }
  const spec = new URL('quickstart.json', EXAMPLES_DIR).pathname;

  it('writes the shard and says so; the default folder is <slug>-parquet', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'datagen-cli-'));
    const r = await cli(cwd, 'run', spec, '--format', 'parquet', '--shard', '1/4', '--scale', '0.05', '--workers', '1', '-q');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/→ quickstart-parquet \(Parquet, shard 1\/4\)/);
    expect(readdirSync(join(cwd, 'quickstart-parquet', 'events'))).toEqual(['shard=1']);
  });

  it('usage errors: a bad --shard (exit 2), --shard without --format parquet (exit 1)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'datagen-cli-'));
    for (const bad of ['4/4', '1', '-1/3', 'a/b', '0/0']) expect((await cli(cwd, 'run', spec, '--format', 'parquet', '--shard', bad)).code, bad).toBe(2);
    expect((await cli(cwd, 'run', spec, '--format', 'csv')).code).toBe(2);
    const r = await cli(cwd, 'run', spec, '--shard', '0/2', '-q');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--format parquet/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('docs/scale-out.md shell example', () => {
  it('runs 3 shard processes in parallel; their union equals the single run', async () => {
    const doc = readFileSync(new URL('../../docs/scale-out.md', import.meta.url), 'utf8');
    const m = /<!-- tested: shards\.test\.ts -->\s*```sh\n([\s\S]*?)```/.exec(doc);
    expect(m, 'docs/scale-out.md holds a ```sh block after <!-- tested: shards.test.ts -->').not.toBeNull();
    const work = mkdtempSync(join(tmpdir(), 'datagen-shell-'));
    const script = join(work, 'run-shards.sh');
    writeFileSync(script, m![1]);
    const bin = new URL('../../src/cli/bin.js', import.meta.url).pathname;
    const spec = new URL('quickstart.json', EXAMPLES_DIR).pathname;
    execFileSync('sh', [script, spec, join(work, 'out'), '3'], { cwd: work, env: { ...process.env, DATAGEN: `node ${bin}` }, stdio: 'pipe' });
    for (let i = 0; i < 3; i++) expect(existsSync(join(work, 'out', 'events', `shard=${i}`))).toBe(true);
    const single = tempFile('single');
    const plan = compileOrThrow(readJson(new URL('quickstart.json', EXAMPLES_DIR)));
    await runPlan(plan, { out: single, format: 'parquet', workers: 1 });
    for (const t of plan.tables) {
      const cols = t.columns.map((c) => c.name);
      expect(await parquetDigest(join(work, 'out'), t.id, cols), t.id).toBe(await parquetDigest(single, t.id, cols));
    }
  });
});
