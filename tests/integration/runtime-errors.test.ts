import { describe, expect, it } from 'vitest';
import { generate } from '../support/run-spec.ts';

/* Problems that only the data can show are run errors with a clear message, never silently skewed data. */
describe('run errors', () => {
  it('weights_by with no positive weight refuses to pick instead of sending every row to the last one', async () => {
    const spec = {
      version: '1.0', metadata: { name: 'w' }, constraints: {},
      timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-01-02T00:00:00Z', freq: 'H' },
      nodes: [
        { id: 'shop', kind: 'entity', pk: 'id', rows: 5, columns: [
          { name: 'id', type: 'int', generator: { sequence: {} } },
          { name: 'w', type: 'float', generator: { choice: { choices: [0, -1] } } },
        ] },
        { id: 'visit', kind: 'entity', pk: 'id', rows: 50, columns: [
          { name: 'id', type: 'int', generator: { sequence: {} } },
          { name: 'shop_id', type: 'int', generator: { lookup: { from: 'shop.id', weights_by: 'shop.w' } } },
        ] },
      ],
    };
    await expect(generate(spec)).rejects.toThrow(/weights_by "shop.w" has no positive value/);
  });
});
