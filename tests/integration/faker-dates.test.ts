import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, generate } from '../support/run-spec.ts';

/* faker's relative date methods count back from the spec's timeframe end, not from the wall clock. */
describe('faker relative dates follow the timeframe', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate({
    version: '1.0', metadata: { name: 'fk' }, constraints: {},
    timeframe: { start: '2018-01-01T00:00:00Z', end: '2018-12-31T23:59:59Z', freq: 'D' },
    nodes: [{ id: 'p', kind: 'entity', pk: 'id', rows: 2000, columns: [
      { name: 'id', type: 'int', generator: { sequence: {} } },
      { name: 'past', type: 'string', generator: { faker: { method: 'date.past' } } },
      { name: 'born', type: 'string', generator: { faker: { method: 'date_of_birth' } } },
    ] }],
  })));
  afterAll(() => db?.close());

  it('date.past lies in the year before timeframe.end; birth dates before it', async () => {
    const r = (await db.rows(`SELECT min(past::TIMESTAMP) AS lo, max(past::TIMESTAMP) AS hi, max(born::DATE) AS b FROM p`))[0];
    expect(new Date(r.lo).getTime()).toBeGreaterThanOrEqual(Date.parse('2017-12-31T23:59:59Z'));
    expect(new Date(r.hi).getTime()).toBeLessThanOrEqual(Date.parse('2018-12-31T23:59:59Z'));
    expect(new Date(r.b).getTime()).toBeLessThan(Date.parse('2018-12-31T00:00:00Z'));
  });
});
