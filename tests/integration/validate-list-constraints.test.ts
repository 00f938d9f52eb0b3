/* Constraints on list columns hold item by item (docs/behaviours/relations.md, "Lists and vectors"): ranges, enum and pattern. */
import { describe, expect, it } from 'vitest';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

const doc = {
  version: '1.0', metadata: { name: 'list constraints' }, timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-03-01T00:00:00Z', freq: 'H' },
  nodes: [{ id: 'u', kind: 'entity', pk: 'id', rows: 300, columns: [
    { name: 'id', type: 'int', generator: { sequence: {} } },
    { name: 'taste', type: 'list<float>', generator: { dirichlet: { alpha: [1, 2, 3] } } },
    { name: 'tags', type: 'list<string>', generator: { sample: { choices: ['a', 'b', 'c'], k: 2 } } },
  ] }],
  constraints: { ranges: [{ attr: 'u.taste', min: 0, max: 1 }], enum: [{ attr: 'u.tags', values: ['a', 'b', 'c'] }], pattern: [{ attr: 'u.tags', regex: '[a-c]' }] },
};

describe('constraints on list columns', () => {
  it('hold for every item; an item outside fails its row', async () => {
    const file = await generateFile(doc);
    expect(notPassing((await validateFile(doc, file)).checks)).toBe('');
    const bad = await corruptCopy(file, [`UPDATE u SET taste = [0.5, 1.5, -1.0], tags = ['a', 'zz'] WHERE id IN (3, 4)`]);
    const r = (await validateFile(doc, bad)).checks;
    for (const c of ['range', 'enum', 'pattern']) {
      const x = pick(r, c, 'u')[0];
      expect(x.status, c).toBe('fail');
      expect(x.observed, c).toBe('2 rows violate it');
    }
  }, 60_000);
});
