/*
 * Huge fanouts (issue 19, item 3). A fanout table's chunks cut inside a parent's children, so one parent with
 * millions of children streams in bounded chunks, and its tables are identical for any chunk size, worker count
 * and shard split. A plan estimated past the row ceiling (default 2 billion, --max-rows replaces it) is refused
 * before anything is generated with DG_TOO_MANY_ROWS, and so is a table whose rows as laid out pass it; never
 * `Invalid typed array length` or a heap that fills up first.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runPlan, type RunOptions } from '../../src/run/run.ts';
import { checkEstimatedRows, DEFAULT_MAX_ROWS, rowCeiling, TooManyRowsError } from '../../src/plan/estimate.ts';
import type { Plan } from '../../src/ir/types.ts';
import { quoteIdent as q } from '../../src/sinks/sql.ts';
import { compileOrThrow, Db, readJson, tempFile } from '../support/run-spec.ts';

const FIXTURE = new URL('../fixtures/big-fanout/one-parent.json', import.meta.url);
const ONE_PARENT = readJson(FIXTURE);
const clone = <T>(x: T): T => structuredClone(x);

/**
 * One account with 300,000 transactions (fixed fanout) and a child of those (refunds: most transactions have
 * none); five shops whose sales vary a lot per shop (negative binomial, some may have none). Outliers give labels.
 */
const SPEC = {
  version: '1.0',
  metadata: { name: 'Big Fanout Probe' },
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-03-31T23:59:59Z', freq: 'H' },
  seed: 19,
  nodes: [
    { id: 'account', kind: 'entity', pk: 'account_id', rows: 1, columns: [{ name: 'account_id', type: 'int', generator: { sequence: { start: 1 } } }] },
    {
      id: 'txn', kind: 'fact', pk: 'txn_id', parents: ['account'], fanout: { distribution: 'fixed', value: 300_000 },
      columns: [
        { name: 'txn_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'account_id', type: 'int', generator: { lookup: { from: 'account.account_id' } } },
        { name: 'at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } }, modifiers: [{ transform: 'time_jitter', args: { std_minutes: 10 } }] },
        {
          name: 'amount', type: 'float', generator: { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.8 } } },
          modifiers: [{ transform: 'outliers', args: { rate: 0.001, mode: 'spike', magnitude_dist: { type: 'uniform', params: { low: 3, high: 6 } } } }],
        },
        { name: 'kind', type: 'string', nullable: true, null_rate: 0.02, generator: { choice: { choices: ['card', 'wire', 'cash'], weights: [0.7, 0.2, 0.1] } } },
        { name: 'ref', type: 'string', generator: { sequence: { start: 5_000_000_000 } } },
      ],
    },
    {
      id: 'refund', kind: 'fact', pk: 'refund_id', parents: ['txn'], fanout: { distribution: 'poisson', lambda: 0.01 },
      columns: [
        { name: 'refund_id', type: 'int', generator: { sequence: {} } },
        { name: 'txn_id', type: 'int', generator: { lookup: { from: 'txn.txn_id' } } },
        { name: 'share', type: 'float', generator: { expression: { code: 'parent.amount / 2' } } },
      ],
    },
    { id: 'shop', kind: 'entity', pk: 'shop_id', rows: 5, columns: [{ name: 'shop_id', type: 'int', generator: { sequence: { start: 100 } } }] },
    {
      id: 'sale', kind: 'fact', pk: 'sale_id', parents: ['shop'], fanout: { distribution: 'negative_binomial', lambda: 20_000, k: 0.7 },
      columns: [
        { name: 'sale_id', type: 'int', generator: { sequence: {} } },
        { name: 'shop_id', type: 'int', generator: { lookup: { from: 'shop.shop_id' } } },
        { name: 'qty', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 2 }, clamp: [1, 9] } } },
      ],
    },
  ],
  constraints: {},
};

const opened: Db[] = [];
afterAll(() => opened.forEach((d) => d.close()));

async function tableDigest(db: Db, table: string): Promise<string> {
  const cols = (await db.rows(`SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`)).map((r) => r.column_name as string);
  return String(await db.value(`SELECT md5(string_agg(md5(CAST(ROW(${cols.map(q).join(', ')}) AS VARCHAR)), '' ORDER BY rowid)) || ':' || count(*) FROM ${q(table)}`));
}

async function produce(plan: Plan, opts: RunOptions): Promise<{ db: Db; digests: Record<string, string>; workers: number }> {
  const out = tempFile(`${plan.slug}.duckdb`);
  const r = await runPlan(plan, { ...opts, out });
  const db = await Db.open(out);
  opened.push(db);
  const digests: Record<string, string> = {};
  for (const t of [...plan.tables.map((t) => t.id), '_labels']) digests[t] = await tableDigest(db, t);
  return { db, digests, workers: r.workers };
}

describe('one parent with 300,000 children', () => {
  const plan = compileOrThrow(SPEC);
  let base: Awaited<ReturnType<typeof produce>>;
  beforeAll(async () => {
    base = await produce(plan, { workers: 1 });
  });

  it('writes every child of the parent in order, with its key', async () => {
    expect(await base.db.value('SELECT count(*) FROM txn')).toBe(300_000);
    expect(await base.db.value('SELECT count(*) FROM txn WHERE account_id <> 1')).toBe(0);
    expect(await base.db.value('SELECT bool_and(txn_id = rowid + 1) FROM txn')).toBe(true);
    // Refunds belong to their transaction (the parent key and parent.amount follow the parent row).
    expect(await base.db.value('SELECT count(*) FROM refund r JOIN txn t USING (txn_id) WHERE r.share <> t.amount / 2')).toBe(0);
    expect(await base.db.value('SELECT count(*) FROM refund')).toBeGreaterThan(2000);
    expect(await base.db.value('SELECT count(*) FROM _labels')).toBeGreaterThan(100);
    // The shops' sales: at least one shop with more children than a default chunk (65,536) holds.
    expect(await base.db.value('SELECT max(n) FROM (SELECT count(*) n FROM sale GROUP BY shop_id)')).toBeGreaterThan(1000);
  });

  for (const [name, opts] of [
    ['chunks of 1,000 rows', { workers: 1, chunkRows: 1000 }],
    ['chunks of 7,777 rows with the output thread', { workers: 2, chunkRows: 7777 }],
    ['2 generation workers, tasks of 3,000 rows in chunks of 1,000', { workers: 3, workerMinRows: 0, chunkRows: 1000, workerTaskRows: 3000 }],
    ['2 generation workers, default chunks', { workers: 3, workerMinRows: 0 }],
  ] as [string, RunOptions][]) {
    it(`identical tables and labels with ${name}`, async () => {
      const r = await produce(plan, opts);
      if ((opts.workers ?? 1) > 2) expect(r.workers).toBe(2);
      expect(r.digests).toEqual(base.digests);
    });
  }

  it('Parquet shards 0..2 of 3: the union equals the DuckDB run, row for row', async () => {
    const dir = tempFile('shards');
    for (let i = 0; i < 3; i++) await runPlan(plan, { out: dir, format: 'parquet', shard: { index: i, count: 3 }, workers: 1, chunkRows: 5000 });
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      await conn.run(`ATTACH '${base.db.file}' AS ref (READ_ONLY)`);
      for (const t of plan.tables) {
        const cols = t.columns.map((c) => q(c.name)).join(', ');
        const glob = `read_parquet('${join(dir, t.id)}/*/*.parquet', hive_partitioning = true, filename = true, file_row_number = true)`;
        const shards = (await conn.runAndReadAll(`SELECT md5(string_agg(md5(CAST(ROW(${cols}) AS VARCHAR)), '' ORDER BY shard::INT, filename, file_row_number)) || ':' || count(*) FROM ${glob}`)).getRowsJS()[0][0];
        const ref = (await conn.runAndReadAll(`SELECT md5(string_agg(md5(CAST(ROW(${cols}) AS VARCHAR)), '' ORDER BY rowid)) || ':' || count(*) FROM ref.${q(t.id)}`)).getRowsJS()[0][0];
        expect(shards, t.id).toBe(ref);
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});

describe('bounded memory', () => {
  it('one parent with 2,000,000 children runs in a child process capped at a 96 MB heap (it needed more than that in one chunk)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'datagen-big-'));
    const out = join(dir, 'one.duckdb');
    const bin = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
    const r = await promisify(execFile)(process.execPath, ['--max-old-space-size=96', bin, 'run', fileURLToPath(FIXTURE), '-o', out, '--workers', '1', '-q'], { cwd: dirname(bin) }).then(
      (x) => ({ code: 0, stderr: x.stderr }),
      (e) => ({ code: e.code ?? 1, stderr: String(e.stderr) }),
    );
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.code).toBe(0);
    const db = await Db.open(out);
    opened.push(db);
    expect(await db.value('SELECT count(*) || \':\' || count(DISTINCT account_id) || \':\' || max(txn_id) || \':\' || count(DISTINCT ref) FROM txn')).toBe('2000000:1:2000000:2000000');
  });
});

describe('the row ceiling', () => {
  const withParent = (rows: number, fanout: unknown) => {
    const doc = clone(ONE_PARENT);
    doc.nodes[0].rows = rows;
    doc.nodes[1].fanout = fanout;
    return doc;
  };

  /** Run and expect a refusal: the error, and that neither the output nor a temporary folder is left. */
  async function refused(plan: Plan, opts: RunOptions = {}): Promise<TooManyRowsError> {
    const out = tempFile('refused.duckdb');
    const e = await runPlan(plan, { ...opts, out, workers: 1 }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(TooManyRowsError);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dirname(out))).toEqual([]);
    return e as TooManyRowsError;
  }

  it('rows: 1e12 is refused by its estimate, naming the ceiling and --max-rows (not "Invalid typed array length")', async () => {
    const doc = clone(ONE_PARENT);
    doc.nodes[0].rows = 1e12;
    doc.nodes.pop();
    const e = await refused(compileOrThrow(doc));
    expect(e.code).toBe('DG_TOO_MANY_ROWS');
    expect(e.table).toBe('account');
    expect(e.message).toMatch(/^DG_TOO_MANY_ROWS: the plan estimates 1,000,000,000,000 rows, more than the default ceiling of 2,000,000,000 rows; nothing was generated \(table "account" estimates 1,000,000,000,000 of them\) \(hint: .*--max-rows 1000000000000\)$/);
  });

  it('a fixed fanout of 1e8 under 100 parents, a Poisson fanout of 1e9 under 3, and one that overflows a double are refused the same way', async () => {
    for (const [rows, fanout, text] of [
      [100, { distribution: 'fixed', value: 1e8 }, '10,000,000,100'],
      [3, { distribution: 'poisson', lambda: 1e9 }, '3,000,000,003'],
      [10, { distribution: 'fixed', value: 1e308 }, 'more than 10^308'],
    ] as const) {
      const e = await refused(compileOrThrow(withParent(rows, fanout)));
      expect(e.table).toBe('txn');
      expect(e.message).toContain(`the plan estimates ${text} rows, more than the default ceiling of 2,000,000,000 rows`);
    }
  });

  it('--max-rows replaces the ceiling: lower refuses a small plan, higher lets a 3e9 plan through to the per-parent limit', async () => {
    const small = compileOrThrow(withParent(3, { distribution: 'fixed', value: 1000 }));
    expect((await refused(small, { maxRows: 2000 })).message).toContain('the plan estimates 3,003 rows, more than --max-rows 2,000; nothing was generated');
    const ok = await runPlan(small, { out: tempFile('ok.duckdb'), workers: 1, maxRows: 3003 });
    expect(ok.rows).toBe(3003);
    // 3 billion children of one parent: past the default ceiling; with a higher --max-rows, past what one parent can hold.
    const huge = compileOrThrow(withParent(1, { distribution: 'fixed', value: 3e9 }));
    expect((await refused(huge)).message).toContain('more than the default ceiling of 2,000,000,000 rows');
    expect((await refused(huge, { maxRows: 1e10 })).message).toMatch(/parent row 0 of "txn" draws 3,000,000,000 children, more than the 2,147,483,647 one parent row can have/);
  });

  it('a table that later tables read is refused past 2^31 - 1 rows (its kept columns), before it is generated', async () => {
    const e = await refused(compileOrThrow(withParent(3e9, { distribution: 'fixed', value: 1 })), { maxRows: 1e13 });
    expect(e.table).toBe('account');
    expect(e.message).toContain('table "account" has 3,000,000,000 rows and later tables read its columns (account_id), which are kept in memory for at most 2,147,483,647 rows');
  });

  it('an estimate that is far off does not get past it: the rows as laid out are checked before the table is generated', async () => {
    const plan = compileOrThrow(withParent(4, { distribution: 'fixed', value: 1000 }));
    plan.tables.find((t) => t.id === 'txn')!.estimatedRows = 10; // as if the estimate missed a multiplier
    const e = await refused(plan, { maxRows: 2000 });
    expect(e.message).toContain('table "txn" has 4,000 rows once its children are drawn (estimated 10), which takes the run to 4,004 rows, more than --max-rows 2,000');
    // A plan estimated right at the ceiling runs although its draws come out a little over (or under) it.
    const near = compileOrThrow(withParent(4, { distribution: 'poisson', lambda: 1000 }));
    const estimated = near.tables.reduce((a, t) => a + t.estimatedRows, 0);
    const r = await runPlan(near, { out: tempFile('near.duckdb'), workers: 1, maxRows: estimated });
    expect(Math.abs(r.rows - estimated)).toBeLessThan(400); // 4 Poisson(1000) draws: sd 63
  });

  it('a shard is checked for its share of the rows', async () => {
    const doc = withParent(9, { distribution: 'fixed', value: 1000 });
    const plan = compileOrThrow(doc);
    const e = await refused(plan, { maxRows: 2000, format: 'parquet', shard: { index: 0, count: 3 } });
    expect(e.message).toContain('the plan estimates 3,003 rows (its share of 3 shards), more than --max-rows 2,000');
    const dir = tempFile('shard');
    expect((await runPlan(plan, { out: dir, format: 'parquet', shard: { index: 1, count: 3 }, workers: 1, maxRows: 3003 })).rows).toBe(3003);
  });

  it('the default ceiling is 2 billion rows, or what the free disk holds at 1 byte per row when that is less', () => {
    expect(rowCeiling(undefined, null)).toEqual({ rows: DEFAULT_MAX_ROWS, source: 'default' });
    expect(rowCeiling(undefined, 80e9).rows).toBe(2_000_000_000);
    expect(rowCeiling(undefined, 5e8)).toEqual({ rows: 5e8, source: 'disk', freeBytes: 5e8 });
    expect(rowCeiling(3e9, 5e8)).toEqual({ rows: 3e9, source: 'max-rows' });
    const tables = [{ id: 'a', estimatedRows: 4e8 }, { id: 'b', estimatedRows: 2e8 }];
    expect(() => checkEstimatedRows(tables, rowCeiling(undefined, 6e8))).not.toThrow();
    expect(() => checkEstimatedRows(tables, rowCeiling(undefined, 5e8))).toThrow(/DG_TOO_MANY_ROWS: the plan estimates 600,000,000 rows, more than what the free disk space where the output goes \(500,000,000 bytes\) holds .*table "a" estimates 400,000,000.*hint: free disk space, write elsewhere \(-o\).*--max-rows 600000000/);
  });

  it('the CLI prints the refusal with its code and hint, exit 1, no stack trace, and --max-rows raises the ceiling', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'datagen-ceiling-'));
    const doc = clone(ONE_PARENT);
    doc.nodes[0].rows = 1e12;
    writeFileSync(join(cwd, 'huge.json'), JSON.stringify(doc));
    writeFileSync(join(cwd, 'many.json'), JSON.stringify(withParent(100, { distribution: 'fixed', value: 1e8 })));
    const cli = async (...argv: string[]) => {
      const err: string[] = [];
      const code = await main(argv, { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, isTTY: false, cwd });
      return { code, stderr: err.join('') };
    };
    for (const spec of ['huge.json', 'many.json']) {
      const r = await cli('run', spec, '-o', 'out.duckdb', '-q');
      expect(r.code, spec).toBe(1);
      expect(r.stderr).toMatch(/^error: DG_TOO_MANY_ROWS: at \/nodes\/[01]: the plan estimates [\d,]+ rows, more than the default ceiling of 2,000,000,000 rows; nothing was generated \(table "txn" estimates [\d,]+ of them\) \(hint: .*--max-rows \d+\)\n$/);
      expect(r.stderr).not.toMatch(/Invalid typed array length|^\s+at /m);
    }
    expect(existsSync(join(cwd, 'out.duckdb'))).toBe(false);
    // 3 billion children of one parent: refused by the estimate; with --max-rows above it, by the per-parent limit.
    writeFileSync(join(cwd, 'one.json'), JSON.stringify(withParent(1, { distribution: 'fixed', value: 3e9 })));
    expect((await cli('run', 'one.json', '-o', 'out.duckdb', '-q')).stderr).toContain('error: DG_TOO_MANY_ROWS: at /nodes/1: the plan estimates 3,000,000,001 rows');
    const raised = await cli('run', 'one.json', '-o', 'out.duckdb', '-q', '--max-rows', '10000000000');
    expect(raised.code).toBe(1);
    // The per-parent refusal points at the fanout of the fact's node (fuzz finding F13).
    expect(raised.stderr).toMatch(/^error: DG_TOO_MANY_ROWS: at \/nodes\/1\/fanout: parent row 0 of "txn" draws 3,000,000,000 children, more than the 2,147,483,647 one parent row can have; nothing was written \(hint: .+\)\n$/);
    expect(existsSync(join(cwd, 'out.duckdb'))).toBe(false);
  });
});
