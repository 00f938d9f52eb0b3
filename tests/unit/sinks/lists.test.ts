/*
 * LIST columns (list<float>, list<int>, list<string>) reach DuckDB as list entries (offset, length) per row
 * and one child vector of items per vector of rows (src/sinks/duckdb.ts appendLists). Every list — empty, null,
 * with null items, with long strings, crossing vector and chunk boundaries — must come back exactly, on this
 * thread and on the output thread, and Parquet keeps them as lists.
 */
import { describe, expect, it } from 'vitest';
import { ColumnData, concatLists } from '../../../src/model/column-data.ts';
import type { TablePlan } from '../../../src/ir/types.ts';
import { DuckDBFileSink } from '../../../src/sinks/duckdb.ts';
import type { Output } from '../../../src/sinks/output.ts';
import { OutputThread } from '../../../src/run/output-thread.ts';
import { Db, tempFile } from '../../support/run-spec.ts';

const TABLE = {
  id: 't',
  columns: [
    { name: 'i', type: 'int', sqlType: 'BIGINT' },
    { name: 'f', type: 'list<float>', sqlType: 'DOUBLE[]' },
    { name: 'n', type: 'list<int>', sqlType: 'BIGINT[]' },
    { name: 's', type: 'list<string>', sqlType: 'VARCHAR[]' },
  ],
} as unknown as TablePlan;

/** Row i's lists: null every 7th row, empty every 5th, else 1–9 items (null items every 11th). */
function floats(i: number): (number | null)[] | null {
  if (i % 7 === 3) return null;
  if (i % 5 === 1) return [];
  return Array.from({ length: 1 + (i % 9) }, (_, k) => ((i + k) % 11 === 0 ? null : i / 7 + k * 0.125));
}
function ints(i: number): (number | null)[] | null {
  if (i % 13 === 2) return null;
  return Array.from({ length: i % 4 }, (_, k) => (k === 2 && i % 3 === 0 ? null : i * 1000 + k - 2 ** 40));
}
function strs(i: number): (string | null)[] | null {
  if (i % 6 === 5) return null;
  return Array.from({ length: i % 5 }, (_, k) => (k === 1 && i % 4 === 0 ? null : k === 3 ? `a long tag ${i} ünïcødé ${'x'.repeat(i % 17)}` : `t${(i + k) % 10}`));
}

function listColumn<T extends number | string>(rows: ((T | null)[] | null)[], numeric: boolean): ColumnData {
  const offsets = new Int32Array(rows.length + 1);
  const items: (T | null)[] = [];
  const nulls = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    if (r === null) nulls[i] = 1;
    else items.push(...r);
    offsets[i + 1] = items.length;
  });
  return ColumnData.lists({
    offsets,
    nums: numeric ? Float64Array.from(items, (v) => (v === null ? NaN : (v as number))) : null,
    strs: numeric ? null : (items as (string | null)[]),
    nulls,
  });
}

function chunk(start: number, n: number): ColumnData[] {
  const rows = Array.from({ length: n }, (_, k) => start + k);
  return [
    ColumnData.numbers(Float64Array.from(rows)),
    listColumn(rows.map(floats), true),
    listColumn(rows.map(ints), true),
    listColumn(rows.map(strs), false),
  ];
}

async function roundTrip(o: Output, out: string, chunks: number[]): Promise<void> {
  const w = await o.createTable(TABLE);
  let start = 0;
  for (const n of chunks) {
    w.append(chunk(start, n), n);
    await w.flushIfFull?.();
    start += n;
  }
  await w.close();
  await o.writeLabels([]);
  await o.writeManifest({ specHash: 'x', seed: 1, scale: 1, datagenVersion: 'v', algorithmVersion: 1, planHash: 'p' }, []);
  await o.commit();
  const db = await Db.open(out);
  try {
    expect(await db.value(`SELECT string_agg(column_type, ',' ORDER BY column_name) FROM (DESCRIBE t)`)).toBe('DOUBLE[],BIGINT,BIGINT[],VARCHAR[]');
    const rows = await db.rows('SELECT i, f, n, s FROM t ORDER BY rowid');
    expect(rows.length).toBe(start);
    const bad = rows.filter((r) => JSON.stringify([r.f, r.n?.map((v: bigint | null) => (v === null ? null : Number(v))) ?? null, r.s]) !== JSON.stringify([floats(r.i), ints(r.i), strs(r.i)]));
    expect(bad.slice(0, 2)).toEqual([]);
    // DuckDB's own list functions see the same lengths.
    const want = Array.from({ length: start }, (_, i) => strs(i)?.length ?? 0).reduce((a, b) => a + b, 0);
    expect(await db.value('SELECT sum(len(s))::BIGINT FROM t')).toBe(want);
  } finally {
    db.close();
  }
}

describe('list columns', () => {
  // chunk sizes: several vectors per chunk, a partial vector, a chunk smaller than a vector
  const chunks = [5000, 2048, 1, 777, 4096];
  it('come back exactly when appended on this thread', async () => {
    const out = tempFile('l.duckdb');
    await roundTrip(await DuckDBFileSink.open(out), out, chunks);
  });
  it('come back exactly when appended on the output thread', async () => {
    const out = tempFile('l.duckdb');
    await roundTrip(new OutputThread({ format: 'duckdb', path: out, shard: 0, shards: 1 }), out, chunks);
  });

  it('gather, concatenate and clone row lists', () => {
    const a = chunk(0, 10)[3];
    const b = chunk(10, 5)[3];
    const all = concatLists([a.list!, b.list!], 15);
    expect(Array.from({ length: 15 }, (_, i) => all.listAt(i))).toEqual(Array.from({ length: 15 }, (_, i) => strs(i)));
    const g = all.gather([14, -1, 3, 5]);
    expect(g.lists()).toEqual([strs(14), null, strs(3), strs(5)]);
    const c = chunk(0, 20)[1].clone();
    expect(Array.from(c.listAt(4) as Float64Array)).toEqual(floats(4)!.map((v) => v ?? NaN));
    expect(c.key(3)).toBeNull();
    expect(c.key(2)).toBe(JSON.stringify(floats(2)));
  });
});
