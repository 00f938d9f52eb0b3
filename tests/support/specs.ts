/** Small specs several test files share. */

/** A `visit` entity of `rows` rows whose lookup picks shops `weights_by` a column with no positive value: a run error. */
export function noPositiveWeightsSpec(rows: number): object {
  return {
    version: '1.0', metadata: { name: 'w' }, constraints: {},
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-01-02T00:00:00Z', freq: 'H' },
    nodes: [
      { id: 'shop', kind: 'entity', pk: 'id', rows: 5, columns: [
        { name: 'id', type: 'int', generator: { sequence: {} } },
        { name: 'w', type: 'float', generator: { choice: { choices: [0, -1] } } },
      ] },
      { id: 'visit', kind: 'entity', pk: 'id', rows, columns: [
        { name: 'id', type: 'int', generator: { sequence: {} } },
        { name: 'shop_id', type: 'int', generator: { lookup: { from: 'shop.id', weights_by: 'shop.w' } } },
      ] },
    ],
  };
}
