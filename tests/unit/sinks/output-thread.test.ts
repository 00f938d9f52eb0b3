/*
 * The output thread (src/run/output-thread.ts): DuckDB appends on a worker thread. What it must guarantee
 * beyond identical tables (tests/integration/workers.test.ts): errors on that thread reach the run, an aborted
 * output leaves nothing behind, and the temporary directory is known to the main thread (SIGINT cleanup).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ColumnData } from '../../../src/model/column-data.ts';
import type { TablePlan } from '../../../src/ir/types.ts';
import { removeUnfinishedOutputs } from '../../../src/sinks/duckdb.ts';
import { OutputThread } from '../../../src/run/output-thread.ts';
import { Db, tempFile } from '../../support/run-spec.ts';

const TABLE = { id: 't', columns: [{ name: 'k', type: 'int', sqlType: 'BIGINT' }, { name: 's', type: 'string', sqlType: 'VARCHAR' }] } as unknown as TablePlan;
const open = (path: string) => new OutputThread({ format: 'duckdb', path, shard: 0, shards: 1 });

describe('output thread', () => {
  it('appends chunks in order and commits a file equal to what was sent', async () => {
    const out = tempFile('o.duckdb');
    const o = open(out);
    const w = await o.createTable(TABLE);
    const n = 5000;
    for (let start = 0; start < 4 * n; start += n) {
      const k = Float64Array.from({ length: n }, (_, i) => start + i);
      const s = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `row ${start + i} of a string longer than twelve bytes`));
      w.append([ColumnData.numbers(k), ColumnData.strings(s)], n);
      await w.flushIfFull?.();
    }
    await w.close();
    await o.writeLabels([]);
    await o.writeManifest({ specHash: 'x', seed: 1, scale: 1, datagenVersion: 'v', algorithmVersion: 1, planHash: 'p' }, [{ table: 't', rows: 4 * n, seconds: 0 }]);
    await o.commit();
    expect(readdirSync(dirname(out))).toEqual([basename(out)]);
    const db = await Db.open(out);
    try {
      expect(await db.value('SELECT count(*) FROM t')).toBe(4 * n);
      expect(await db.value('SELECT count(*) FROM t WHERE k <> rowid')).toBe(0);
      expect(await db.value('SELECT count(*) FROM t WHERE s IS NULL')).toBe(4 * Math.ceil(n / 7));
      expect(await db.value(`SELECT count(*) FROM t WHERE s IS NOT NULL AND s <> 'row ' || k || ' of a string longer than twelve bytes'`)).toBe(0);
    } finally {
      db.close();
    }
  });

  it('an error on the output thread fails the next wait with its message; abort removes everything', async () => {
    const out = tempFile('e.duckdb');
    const o = open(out);
    await o.createTable(TABLE);
    // rows for a table that was never created: the output thread fails while appending
    o.chunk('nope', { n: 1, columns: [] });
    await expect(o.commit()).rejects.toThrow(/table "nope", which is not open/);
    await o.abort();
    expect(readdirSync(dirname(out))).toEqual([]);
  });

  it('the temporary directory is registered on the main thread, so an interrupt removes it', async () => {
    const out = tempFile('i.duckdb');
    const o = open(out);
    await o.createTable(TABLE);
    await o.memoryReport(); // the thread has opened the database in its temporary directory
    const tmp = readdirSync(dirname(out));
    expect(tmp).toHaveLength(1);
    expect(tmp[0].startsWith(`${basename(out)}.tmp-`)).toBe(true);
    removeUnfinishedOutputs();
    expect(existsSync(`${dirname(out)}/${tmp[0]}`)).toBe(false);
    await o.abort();
    expect(readdirSync(dirname(out))).toEqual([]);
  });
});
