/*
 * VARCHAR columns reach DuckDB as 16-byte string records: inline up to 12 UTF-8 bytes, longer strings as
 * (length, prefix, pointer) records whose bytes are copied into DuckDB once per vector (src/sinks/duckdb.ts
 * copyLongStrings). Every kind of string must come back exactly, whichever thread appends.
 */
import { describe, expect, it } from 'vitest';
import { ColumnData } from '../../../src/model/column-data.ts';
import type { TablePlan } from '../../../src/ir/types.ts';
import { DuckDBFileSink } from '../../../src/sinks/duckdb.ts';
import { ChunkEncoder } from '../../../src/sinks/encode.ts';
import type { Output } from '../../../src/sinks/output.ts';
import { OutputThread } from '../../../src/run/output-thread.ts';
import { Db, tempFile } from '../../support/run-spec.ts';

const TABLE = { id: 't', columns: [{ name: 'i', type: 'int', sqlType: 'BIGINT' }, { name: 's', type: 'string', sqlType: 'VARCHAR' }] } as unknown as TablePlan;

/** Row i's string: null, empty, ASCII of 1–40 bytes (12 and 13 bytes included), multi-byte UTF-8 (≤ 12 code units but > 12 bytes), emoji. */
function value(i: number): string | null {
  switch (i % 9) {
    case 0: return null;
    case 1: return '';
    case 2: return 'x'.repeat(12);
    case 3: return 'y'.repeat(13);
    case 4: return `row ${i} ${'z'.repeat(i % 31)}`;
    case 5: return 'é'.repeat(7); // 7 code units, 14 bytes
    case 6: return `ünïcødé ${i} — ${'∑'.repeat(i % 5)}`;
    case 7: return `😀${i}`;
    default: return `${i}`.repeat(1 + (i % 4));
  }
}

async function roundTrip(o: Output, out: string, chunks: number[]): Promise<void> {
  const w = await o.createTable(TABLE);
  let start = 0;
  for (const n of chunks) {
    const ids = Float64Array.from({ length: n }, (_, k) => start + k);
    w.append([ColumnData.numbers(ids), ColumnData.strings(Array.from({ length: n }, (_, k) => value(start + k)))], n);
    await w.flushIfFull?.();
    start += n;
  }
  await w.close();
  await o.writeLabels([]);
  await o.writeManifest({ specHash: 'x', seed: 1, scale: 1, datagenVersion: 'v', algorithmVersion: 1, planHash: 'p' }, []);
  await o.commit();
  const db = await Db.open(out);
  try {
    const rows = await db.rows('SELECT i, s FROM t ORDER BY rowid');
    expect(rows.length).toBe(start);
    const bad = rows.filter((r) => r.s !== value(Number(r.i)));
    expect(bad.slice(0, 3)).toEqual([]);
    // DuckDB's own view of the bytes (prefix comparisons, lengths) agrees with the strings.
    expect(await db.value(`SELECT count(*) FROM t WHERE s LIKE 'row %' AND NOT starts_with(s, 'row ')`)).toBe(0);
    expect(await db.value(`SELECT sum(octet_length(encode(s)))::BIGINT FROM t`)).toBe(rows.reduce((a, r) => a + Buffer.byteLength((r.s as string | null) ?? ''), 0));
  } finally {
    db.close();
  }
}

describe('string records', () => {
  // chunk sizes: several vectors per chunk, a partial vector, a chunk smaller than a vector
  const chunks = [5000, 2048, 1, 777, 4096];
  it('come back exactly when appended on this thread', async () => {
    const out = tempFile('s.duckdb');
    await roundTrip(await DuckDBFileSink.open(out), out, chunks);
  });
  it('come back exactly when appended on the output thread', async () => {
    const out = tempFile('s.duckdb');
    await roundTrip(new OutputThread({ format: 'duckdb', path: out, shard: 0, shards: 1 }), out, chunks);
  });
});

describe('coded strings (choice columns)', () => {
  const dict = ['a', null, 'ccc'];
  const enumCols = [{ name: 'e', type: 'string', sqlType: 'VARCHAR', enumValues: ['ccc', 'a', 'zz'] }] as never;
  const codes = Uint8Array.from({ length: 100 }, (_, i) => i % 3);
  const bytes = (d: ColumnData) => {
    const e = new ChunkEncoder(enumCols, false).encode([d], 100).columns[0];
    return { codes: [...new Uint8Array(e.buf, 0, 100)], validity: e.validity ? [...e.validity] : null };
  };

  it('encode to the same ENUM codes and nulls as the strings they stand for', () => {
    const spelled = Array.from(codes, (c) => dict[c]);
    expect(bytes(ColumnData.coded(codes, dict))).toEqual(bytes(ColumnData.strings(spelled)));
    expect(bytes(ColumnData.coded(codes, dict)).codes.slice(0, 3)).toEqual([1, 0, 0]);
  });

  it('become plain strings once read: a change made through `str` is what gets written', () => {
    const d = ColumnData.coded(codes, dict);
    expect(d.length).toBe(100);
    d.str![0] = 'zz';
    expect(d.coded).toBeNull();
    expect(bytes(d).codes[0]).toBe(2);
  });
});
