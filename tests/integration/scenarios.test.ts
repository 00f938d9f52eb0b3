/*
 * The scenarios contract in real DuckDB files (issue 5): `datagen run --without-scenarios` writes the
 * same dataset without them, and diffing the two files cell by cell gives exactly the cells `_labels`
 * names for the scenarios — no unlabelled change, no label without a change — with the label's
 * expected/observed values, delta and severity as SQL computes them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { col, entity, fact, idCol, spec } from '../support/harness.ts';
import { ScenarioPair } from '../support/run-spec.ts';

const START = Date.parse('2025-03-03T00:00:00Z');
const DOC = {
  ...spec([
    fact('funnel', [], [
      col('hour_id', 'int', { sequence: { start: 0 } }),
      col('ts', 'datetime', { expression: { code: `${START} + hour_id * 3600000` } }),
      col('app_opens', 'int', { distribution: { type: 'poisson', params: { lambda: 750 } } }),
      col('menu_opens', 'int', { distribution: { type: 'binomial', params: { n: 'app_opens', p: 0.63 } } }),
      col('orders', 'int', { distribution: { type: 'binomial', params: { n: 'menu_opens', p: 0.12 } } }),
    ], { rows: 28 * 24 }),
    entity('accounts', 300, [idCol('account_id', 500)]),
    fact('usage', ['accounts'], [
      idCol('usage_id'), col('account_id', 'int', { lookup: { from: 'accounts.account_id' } }),
      col('day', 'date', { datetime_series: { within: 'timeframe', freq: 'D' } }),
      col('events', 'int', { distribution: { type: 'negative_binomial', params: { mean: 20, dispersion_k: 3 } } }),
      col('cost', 'float', { expression: { code: 'events * 0.02' } }),
    ], { fanout: { distribution: 'poisson', lambda: 15 } }),
  ], { start: '2025-03-03T00:00:00Z', end: '2025-03-30T23:59:59Z' }),
  scenarios: [
    { id: 'opens_spike', type: 'spike', target: 'funnel.app_opens', window: { start: '2025-03-05', duration: '1d' }, difficulty: 'easy' },
    { id: 'conv_drop', type: 'rate_drop', target: 'funnel.orders', window: { start: '2025-03-10', duration: '1d' }, params: { denominator: 'menu_opens' } },
    { id: 'night_mix', type: 'mix_shift', target: 'funnel.app_opens', window: { start: '2025-03-15', duration: '1d' } },
    { id: 'impossible', type: 'data_quality', target: 'funnel.orders', selection: { random_k: 4 }, window: { start: '2025-03-20', duration: '1d' }, params: { denominator: 'menu_opens' } },
    { id: 'vol', type: 'volume_spike', target: 'usage.events', selection: { random_k: 3 }, window: { start: '2025-03-12', duration: '5d' }, description_template: 'account {entity} sent {multiplier}× its usual events' },
  ],
};

let pair: ScenarioPair;
const rows = (sql: string) => pair.rows(sql);
const cli = (...argv: string[]) => pair.cli(...argv);

beforeAll(async () => {
  pair = await ScenarioPair.run(DOC, 'datagen-scenarios-');
});
afterAll(() => pair?.close());

/** Every (table, row key, column, before, after) whose value differs between the files. */
function diffSql(table: string, pk: string, columns: string[]): string {
  return columns.map((c) => `SELECT '${table}' AS t, x.${pk}::VARCHAR AS k, '${c}' AS c, y.${c}::DOUBLE AS before, x.${c}::DOUBLE AS after FROM w.${table} x JOIN b.${table} y USING (${pk}) WHERE x.${c} IS DISTINCT FROM y.${c}`).join(' UNION ALL ');
}

describe('--without-scenarios: the diff is exactly the labelled cells', () => {
  it('no unlabelled change, no label without a change, label values = the two files', async () => {
    await pair.run(`CREATE TEMP TABLE diff AS ${diffSql('funnel', 'hour_id', ['hour_id', 'ts', 'app_opens', 'menu_opens', 'orders'])} UNION ALL ${diffSql('usage', 'usage_id', ['usage_id', 'account_id', 'day', 'events', 'cost'])}`);
    const [n] = await rows(`SELECT count(*) AS n FROM diff`);
    expect(n.n).toBeGreaterThan(150);
    const unlabelled = await rows(`SELECT * FROM diff d WHERE NOT EXISTS (SELECT 1 FROM w._labels l WHERE l."table" = d.t AND l.row_key = d.k AND l."column" = d.c)`);
    expect(unlabelled, JSON.stringify(unlabelled[0])).toEqual([]);
    const unchanged = await rows(`SELECT * FROM w._labels l WHERE level = 'cell' AND NOT EXISTS (SELECT 1 FROM diff d WHERE l."table" = d.t AND l.row_key = d.k AND l."column" = d.c AND d.before IS NOT DISTINCT FROM l.expected AND d.after IS NOT DISTINCT FROM l.observed)`);
    expect(unchanged, JSON.stringify(unchanged[0])).toEqual([]);
    const [dup] = await rows(`SELECT count(*) - count(DISTINCT ("table", row_key, "column")) AS d FROM w._labels WHERE level = 'cell'`);
    expect(dup.d).toBe(0);
    expect(await rows(`SELECT count(*) AS n FROM b._labels`)).toEqual([{ n: 0 }]);
  });

  it('every label names its scenario, its window contains the row, delta and severity are what SQL computes', async () => {
    const bad = await rows(`
      SELECT l.* FROM (FROM w._labels WHERE level = 'cell') l LEFT JOIN w.funnel f ON l."table" = 'funnel' AND f.hour_id::VARCHAR = l.row_key
        LEFT JOIN w.usage u ON l."table" = 'usage' AND u.usage_id::VARCHAR = l.row_key
      WHERE l.scenario NOT IN ('opens_spike', 'conv_drop', 'night_mix', 'impossible', 'vol')
         OR NOT (coalesce(f.ts, u.day::TIMESTAMP) >= l."start" AND coalesce(f.ts, u.day::TIMESTAMP) < l."end")
         OR l.delta IS DISTINCT FROM l.observed - l.expected
         OR l.severity <> CASE WHEN l.expected IS NULL OR l.observed IS NULL THEN 'high' WHEN l.expected = 0 THEN 'critical'
              WHEN abs(l.delta) / abs(l.expected) < 0.1 THEN 'low' WHEN abs(l.delta) / abs(l.expected) < 0.25 THEN 'medium'
              WHEN abs(l.delta) / abs(l.expected) < 0.5 THEN 'high' ELSE 'critical' END
         OR (l."table" = 'usage' AND l.entity_key <> u.account_id::VARCHAR)`);
    expect(bad, JSON.stringify(bad[0])).toEqual([]);
    const vol = await rows(`SELECT DISTINCT entity_key, description FROM w._labels WHERE scenario = 'vol' AND "column" = 'events' ORDER BY 1`);
    expect(vol).toHaveLength(3);
    for (const v of vol) expect(v.description).toBe(`account ${v.entity_key} sent 2.5× its usual events`);
    // cost = events * 0.02 follows the volume spike: labelled with the same scenario
    const [c] = await rows(`SELECT count(*) AS n FROM w._labels WHERE scenario = 'vol' AND "column" = 'cost'`);
    const [e] = await rows(`SELECT count(*) AS n FROM w._labels WHERE scenario = 'vol' AND "column" = 'events'`);
    expect(c.n).toBe(e.n);
  });

  it('the funnel never increases down its steps except in the rows a data_quality label names', async () => {
    const broken = await rows(`SELECT hour_id::VARCHAR AS k FROM w.funnel WHERE menu_opens > app_opens OR orders > menu_opens ORDER BY 1`);
    const dq = await rows(`SELECT row_key AS k FROM w._labels WHERE kind = 'data_quality' ORDER BY 1`);
    expect(broken).toEqual(dq);
    expect(dq).toHaveLength(4);
  });

  it('datagen labels exports the scenario labels', async () => {
    expect(await cli('labels', 'with.duckdb', '-o', 'labels.jsonl')).toBe(0);
    const [n] = await rows(`SELECT count(*) AS n FROM read_json_auto('${join(pair.cwd, 'labels.jsonl')}') WHERE scenario IS NOT NULL`);
    const [m] = await rows(`SELECT count(*) AS n FROM w._labels`);
    expect(n.n).toBe(m.n);
  });
});
