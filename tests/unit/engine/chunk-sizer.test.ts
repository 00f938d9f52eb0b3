/* The default chunk size adapts to wide rows (src/engine/table.ts ChunkSizer); an explicit --chunk-rows is kept. */
import { describe, expect, it } from 'vitest';
import { ColumnData } from '../../../src/model/column-data.ts';
import { CHUNK_BYTES, ChunkSizer } from '../../../src/engine/table.ts';

describe('ChunkSizer', () => {
  const n = 4096;
  it('narrow rows keep the default after the first (probe) chunk', () => {
    const s = new ChunkSizer(65536, true);
    expect(s.rows).toBe(4096);
    s.observe([ColumnData.numbers(n), ColumnData.strings(Array.from({ length: n }, () => 'short@example.com'))], n);
    expect(s.rows).toBe(65536);
  });
  it('rows of kilobytes of text get chunks of about CHUNK_BYTES', () => {
    const s = new ChunkSizer(65536, true);
    s.observe([ColumnData.numbers(n), ColumnData.strings(Array.from({ length: n }, () => 'x'.repeat(2000)))], n);
    expect(s.rows).toBeLessThan(8192);
    expect(s.rows * 6000).toBeGreaterThan(CHUNK_BYTES * 0.9);
  });
  it('an explicit chunk size is never changed', () => {
    const s = new ChunkSizer(65536, false);
    s.observe([ColumnData.strings(Array.from({ length: n }, () => 'x'.repeat(2000)))], n);
    expect(s.rows).toBe(65536);
  });
});
