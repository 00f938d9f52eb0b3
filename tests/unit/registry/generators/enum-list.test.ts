import { describe, expect, it } from 'vitest';
import { col, compileDoc, entity, fact, idCol, runDoc, spec, vocab } from '../../../support/harness.ts';

// enum_list is deterministic: the vocab node has exactly one row per value, in order. A large list
// (10 000 values) checks that nothing is dropped, repeated or reordered across chunks.
const N = 10_000;

describe('enum_list', () => {
  it('a vocab node has exactly the listed rows, in order, whatever the chunk size', () => {
    const values = Array.from({ length: N }, (_, i) => `v${i}`);
    const doc = spec([vocab('v', [idCol(), col('name', 'string', { enum_list: { values } })])]);
    for (const chunkRows of [65_536, 999]) {
      const t = runDoc(doc, { chunkRows }).table('v');
      expect(t.rows).toBe(N);
      expect(t.str('name')).toEqual(values);
      expect(Array.from(t.num('id'))).toEqual(values.map((_, i) => i + 1));
    }
  });

  it('parallel lists of numbers, booleans, nulls and ISO instants keep their types', () => {
    const doc = spec([
      vocab('v', [
        col('code', 'string', { enum_list: { values: ['a', 'b', 'c', 'd'] } }),
        col('n', 'float', { enum_list: { values: [1.5, 2, null, -3] } }),
        col('flag', 'bool', { enum_list: { values: [true, false, true, null] } }),
        col('at', 'datetime', { enum_list: { values: ['2024-01-01T00:00:00Z', '2024-02-01', '2024-03-01T06:00:00', '2024-04-01T00:00:00+01:00'] } }),
        col('i', 'int', { enum_list: { values: [1, 2, 3, 4] } }),
      ]),
    ]);
    const t = runDoc(doc).table('v');
    expect(t.rows).toBe(4);
    expect(t.str('code')).toEqual(['a', 'b', 'c', 'd']);
    expect(Array.from(t.num('n'))).toEqual([1.5, 2, NaN, -3]);
    expect(Array.from(t.num('flag'))).toEqual([1, 0, 1, NaN]);
    expect(Array.from(t.num('at'))).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1, 6), Date.UTC(2024, 2, 31, 23)]);
    expect(Array.from(t.num('i'))).toEqual([1, 2, 3, 4]);
  });

  it('other tables can look the values up (vocab as a dimension table)', () => {
    const doc = spec([
      vocab('status', [idCol('sid'), col('label', 'string', { enum_list: { values: ['new', 'paid', 'shipped'] } })]),
      entity('t', N, [idCol(), col('status', 'string', { lookup: { from: 'status.label' } })]),
    ]);
    const labels = new Set(runDoc(doc).table('t').str('status'));
    expect(labels).toEqual(new Set(['new', 'paid', 'shipped']));
  });

  it('parallel lists of different lengths are DG_ENUM_LENGTH; a vocab without a list is DG_VOCAB_WITHOUT_LIST', () => {
    const errors = (doc: unknown) => compileDoc(doc).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    expect(errors(spec([vocab('v', [col('a', 'string', { enum_list: { values: ['x', 'y'] } }), col('b', 'string', { enum_list: { values: ['x'] } })])]))).toEqual(['DG_ENUM_LENGTH']);
    expect(errors(spec([vocab('v', [idCol()])]))).toEqual(['DG_VOCAB_WITHOUT_LIST']);
  });

  it('rows of a vocab do not scale with rows/--scale', () => {
    const doc = spec([vocab('v', [col('a', 'string', { enum_list: { values: ['x', 'y', 'z'] } })], { rows: 500 }), entity('e', 10, [idCol()]), fact('f', ['e'], [idCol()])]);
    const r = runDoc(doc, { scale: 3 });
    expect(r.table('v').rows).toBe(3);
    expect(r.table('e').rows).toBe(30);
  });
});
