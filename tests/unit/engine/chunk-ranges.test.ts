/*
 * Chunk layout (issue 19, item 3): a fanout table's chunks may cut inside a parent's children, so a parent with
 * millions of children streams in chunks of at most chunkRows rows; a behaviour table's chunks hold whole parents.
 * Whatever the cutting (tasks of the worker pool, then chunks inside a task), the chunks tile the range and give
 * every row the same primary parent as the whole range does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkRanges, parentRows, type RowRange, type TableLayout, wholeRange } from '../../../src/engine/table.ts';

function layoutOf(counts: number[], split: boolean): TableLayout {
  return { counts: Int32Array.from(counts), total: counts.reduce((a, b) => a + b, 0), split };
}

/** The chunks of `range` at `size` rows, each split again at `inner` rows (a pool task, then a worker's chunks). */
function cut(layout: TableLayout, range: RowRange, size: number, inner?: number): RowRange[] {
  const out: RowRange[] = [];
  for (const r of chunkRanges(layout, range, size)) out.push(...(inner ? chunkRanges(layout, r, inner) : [r]));
  return out;
}

function concat(parts: Float64Array[]): number[] {
  return parts.flatMap((p) => [...p]);
}

describe('chunkRanges', () => {
  it('cuts one parent with 10 children into chunks of 4, 4 and 2 rows; each chunk knows its parent', () => {
    const layout = layoutOf([0, 10, 0], true);
    const chunks = [...chunkRanges(layout, wholeRange(layout), 4)];
    expect(chunks).toEqual([
      { rowStart: 0, rowEnd: 4, parentStart: 0, parentEnd: 2 },
      { rowStart: 4, rowEnd: 8, parentStart: 1, parentEnd: 2, firstChild: 4 },
      { rowStart: 8, rowEnd: 10, parentStart: 1, parentEnd: 3, firstChild: 8 },
    ]);
    for (const c of chunks) expect([...parentRows(layout.counts!, c)]).toEqual(new Array(c.rowEnd - c.rowStart).fill(1));
  });

  it('a behaviour table (split: false) keeps whole parents, even past chunkRows', () => {
    const layout = layoutOf([3, 10, 2, 2], false);
    expect([...chunkRanges(layout, wholeRange(layout), 4)].map((c) => [c.rowStart, c.rowEnd, c.parentStart, c.parentEnd, c.firstChild])).toEqual([
      [0, 3, 0, 1, undefined],
      [3, 13, 1, 2, undefined],
      [13, 17, 2, 4, undefined],
    ]);
  });

  it('property: for any counts (zeros included), range and chunk sizes, chunks tile the rows, stay within the size and keep every row\'s parent', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 120 }),
        fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
        fc.nat(),
        fc.nat(),
        (counts, size, inner, a, b) => {
          const layout = layoutOf(counts, true);
          // A range of whole parents [lo, hi) (as a shard writes), or the whole table.
          const lo = a % (counts.length + 1);
          const hi = lo + (b % (counts.length - lo + 1));
          const before = counts.slice(0, lo).reduce((x, y) => x + y, 0);
          const range = { rowStart: before, rowEnd: before + counts.slice(lo, hi).reduce((x, y) => x + y, 0), parentStart: lo, parentEnd: hi };
          const chunks = cut(layout, range, size, inner);
          let at = range.rowStart;
          for (const c of chunks) {
            expect(c.rowStart).toBe(at);
            expect(c.rowEnd).toBeGreaterThan(c.rowStart);
            expect(c.rowEnd - c.rowStart).toBeLessThanOrEqual(Math.min(size, inner ?? size));
            at = c.rowEnd;
          }
          expect(at).toBe(range.rowEnd);
          expect(concat(chunks.map((c) => parentRows(layout.counts!, c)))).toEqual([...parentRows(layout.counts!, range)]);
          // The whole range's parents, row by row: parent q repeated counts[q] times.
          expect([...parentRows(layout.counts!, range)]).toEqual(counts.slice(lo, hi).flatMap((n, i) => new Array<number>(n).fill(lo + i)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a parentless table is cut by rows', () => {
    const layout: TableLayout = { counts: null, total: 10, split: false };
    expect([...chunkRanges(layout, wholeRange(layout), 4)].map((c) => [c.rowStart, c.rowEnd])).toEqual([[0, 4], [4, 8], [8, 10]]);
  });
});
