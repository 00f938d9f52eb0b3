/*
 * `_label_events` (issue 18 §2): one row per anomaly event, linked from `_labels` by event_id; the events, the
 * labels and the diff against `datagen run --without-scenarios` agree exactly; the events are the same for any
 * chunk size, worker count and shard split; `datagen labels --level event` exports them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import { col, entity, fact, idCol, spec } from '../support/harness.ts';
import { compileOrThrow, Db, ScenarioPair, tempFile } from '../support/run-spec.ts';

const START = Date.parse('2025-03-03T00:00:00Z');
export const EVENTS_DOC = {
  ...spec([
    fact('funnel', [], [
      col('hour_id', 'int', { sequence: { start: 0 } }),
      col('ts', 'datetime', { expression: { code: `${START} + hour_id * 3600000` } }),
      col('app_opens', 'int', { distribution: { type: 'poisson', params: { lambda: 750 } } }),
      col('menu_opens', 'int', { distribution: { type: 'binomial', params: { n: 'app_opens', p: 0.63 } } }),
      col('orders', 'int', { distribution: { type: 'binomial', params: { n: 'menu_opens', p: 0.12 } } }),
    ], { rows: 28 * 24 }),
    entity('accounts', 120, [idCol('account_id', 500)]),
    fact('usage', ['accounts'], [
      idCol('usage_id'), col('account_id', 'int', { lookup: { from: 'accounts.account_id' } }),
      col('day', 'datetime', { datetime_series: { within: 'timeframe', freq: 'D' } }),
      col('events', 'int', { distribution: { type: 'negative_binomial', params: { mean: 20, dispersion_k: 3 } } }),
      col('cost', 'float', { expression: { code: 'events * 0.02' } }),
    ], { grain: { every: 'day' } }),
  ], { start: '2025-03-03T00:00:00Z', end: '2025-03-30T23:59:59Z' }),
  scenarios: [
    { id: 'conv_drop', type: 'rate_drop', target: 'funnel.orders', window: { start: '2025-03-10', duration: '1d' }, params: { denominator: 'menu_opens', min_shift: 0.02 } },
    { id: 'cap', type: 'cap_violation', target: 'usage', selection: { random_k: 2 }, window: { start: '2025-03-20', duration: '2d' }, params: { cap: 1, exceed_by: 2 } },
  ],
  anomaly_campaigns: [
    { id: 'fun', families: ['mixed'], targets: ['funnel.app_opens', 'funnel.orders'], count: 5, window: { start: '2025-03-12', end: '2025-03-28' }, duration: { min: '4h', max: '1d' }, min_gap: '12h', difficulty: { easy: 0.4, medium: 0.4, hard: 0.2 }, seed: 3 },
    { id: 'acct', families: ['spike', 'drop'], targets: ['usage.events'], count: 4, duration: { min: '2d', max: '4d' }, entities: 2, seed: 5 },
  ],
};

let pair: ScenarioPair;
const rows = (sql: string) => pair.rows(sql);

beforeAll(async () => {
  pair = await ScenarioPair.run(EVENTS_DOC, 'datagen-events-');
  const diff = (table: string, pk: string, columns: string[]) => columns.map((c) => `SELECT '${table}' AS t, x.${pk}::VARCHAR AS k, '${c}' AS c FROM w.${table} x JOIN b.${table} y USING (${pk}) WHERE x.${c} IS DISTINCT FROM y.${c}`).join(' UNION ALL ');
  await pair.run(`CREATE TEMP TABLE diff AS ${diff('funnel', 'hour_id', ['app_opens', 'menu_opens', 'orders'])} UNION ALL ${diff('usage', 'usage_id', ['events', 'cost'])}`);
}, 120_000);
afterAll(() => pair?.close());

describe('_label_events', () => {
  it('one row per scenario and campaign event, each with a change; every scenario label names its event', async () => {
    const ev = await rows(`SELECT event_id, campaign, cells FROM w._label_events ORDER BY event_id`);
    expect(ev.map((e) => e.event_id)).toEqual(['acct_01', 'acct_02', 'acct_03', 'acct_04', 'cap', 'conv_drop', 'fun_01', 'fun_02', 'fun_03', 'fun_04', 'fun_05']);
    expect(ev.filter((e) => e.campaign === 'fun').length).toBe(5);
    for (const e of ev) expect(e.cells).toBeGreaterThan(0);
    expect(await rows(`SELECT count(*) AS n FROM w._labels WHERE event_id IS DISTINCT FROM scenario OR event_id NOT IN (SELECT event_id FROM w._label_events)`)).toEqual([{ n: 0 }]);
    expect(await rows(`SELECT count(*) AS n FROM b._label_events`)).toEqual([{ n: 0 }]);
  });

  it('events ↔ labels: target cells, entities and affected columns agree exactly', async () => {
    // column events: cells = the target's cell labels; entities = their entity keys; every labelled column is affected
    const bad = await rows(`
      WITH l AS (SELECT event_id, count(*) AS n, list_sort(list_distinct(list(entity_key))) AS ents FROM w._labels WHERE level = 'cell' AND "column" = (SELECT target_column FROM w._label_events e WHERE e.event_id = _labels.event_id) GROUP BY 1)
      SELECT e.event_id, e.cells, l.n, e.entities, l.ents FROM w._label_events e JOIN l USING (event_id) WHERE e.cells <> l.n OR e.entities <> coalesce(l.ents, [])`);
    expect(bad).toEqual([]);
    const outside = await rows(`SELECT l.event_id, l."column" FROM w._labels l JOIN w._label_events e USING (event_id) WHERE l."column" IS NOT NULL AND NOT list_contains(e.affected_columns, l."column")`);
    expect(outside).toEqual([]);
    // row events: one label per added row
    expect(await rows(`SELECT e.cells, (SELECT count(*) FROM w._labels l WHERE l.event_id = 'cap' AND level = 'row') AS n FROM w._label_events e WHERE event_id = 'cap'`)).toEqual([{ cells: 8, n: 8 }]); // 2 accounts × 2 days × (cap 1 + 2 − the day's 1 row)
    // an event's labels lie in its window (window labels: days of it)
    expect(await rows(`SELECT count(*) AS n FROM w._labels l JOIN w._label_events e USING (event_id) WHERE l."start" < e."start" - INTERVAL 1 DAY OR l."end" > e."end" + INTERVAL 1 DAY`)).toEqual([{ n: 0 }]);
    // entity events of the account campaign: two entities each
    expect(await rows(`SELECT DISTINCT n_entities FROM w._label_events WHERE campaign = 'acct'`)).toEqual([{ n_entities: 2 }]);
  });

  it('events ↔ the --without-scenarios diff: every differing cell is a labelled cell of an event that affects its column', async () => {
    const unexplained = await rows(`SELECT d.* FROM diff d WHERE NOT EXISTS (SELECT 1 FROM w._labels l JOIN w._label_events e USING (event_id) WHERE l."table" = d.t AND l.row_key = d.k AND l."column" = d.c AND list_contains(e.affected_columns, d.c))`);
    expect(unexplained).toEqual([]);
    const phantom = await rows(`SELECT l.* FROM w._labels l WHERE level = 'cell' AND NOT EXISTS (SELECT 1 FROM diff d WHERE l."table" = d.t AND l.row_key = d.k AND l."column" = d.c)`);
    expect(phantom).toEqual([]);
    // each event's target cells are exactly the diff's cells of its target column in its rows
    const [n] = await rows(`SELECT count(*) AS n FROM diff`);
    expect(n.n).toBeGreaterThan(0);
  });

  it('severity and detectability are measured: a z per event, bands from it', async () => {
    const ev = await rows(`SELECT event_id, family, detectability, measured_difficulty, severity FROM w._label_events`);
    for (const e of ev) {
      if (e.detectability === null) continue;
      expect(e.measured_difficulty).toBe(e.detectability >= 6 ? 'easy' : e.detectability >= 3 ? 'medium' : 'hard');
    }
    expect(ev.filter((e) => e.detectability !== null).length).toBeGreaterThanOrEqual(9);
  });

  it('datagen labels --level event writes one JSON line per event, --level cell the labels', async () => {
    expect(await pair.cli('labels', 'with.duckdb', '--level', 'event', '-o', 'events.jsonl')).toBe(0);
    const lines = readFileSync(join(pair.cwd, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(11);
    expect(lines.find((l) => l.event_id === 'cap').affected_columns).toEqual([]);
    expect(Array.isArray(lines[0].entities)).toBe(true);
    expect(await pair.cli('labels', 'with.duckdb', '--level', 'event', '-f', 'csv', '-o', 'events.csv')).toBe(0);
    expect(readFileSync(join(pair.cwd, 'events.csv'), 'utf8').split('\n')[0]).toMatch(/^event_id,scenario,campaign,family/);
    expect(await pair.cli('labels', 'with.duckdb', '--level', 'nope')).not.toBe(0);
  });
});

describe('_label_events is the same whatever the split', () => {
  const plan = compileOrThrow(EVENTS_DOC);
  const SELECT = `SELECT md5(string_agg(md5(CAST(ROW(event_id, campaign, family, difficulty, "table", target_column, affected_columns, entities, "start", "end", magnitude, cells, expected, observed, severity, detectability, measured_difficulty, overlapping_events) AS VARCHAR)), '' ORDER BY event_id)) || ':' || count(*)`;
  let ref = '';

  it('chunk sizes and workers', async () => {
    for (const [i, opts] of [{ workers: 1 }, { workers: 1, chunkRows: 97 }, { workers: 3, workerMinRows: 0, chunkRows: 200, workerTaskRows: 200 }].entries()) {
      const out = tempFile(`events-${i}.duckdb`);
      await runPlan(plan, { out, ...opts });
      const db = await Db.open(out);
      const digest = String(await db.value(`${SELECT} FROM _label_events`));
      db.close();
      if (i === 0) ref = digest;
      else expect(digest).toBe(ref);
    }
  }, 120_000);

  it('3 Parquet shards: shard 0 writes the events, equal to the single run\'s', async () => {
    const dir = tempFile('events-shards');
    for (let i = 0; i < 3; i++) await runPlan(plan, { out: dir, format: 'parquet', shard: { index: i, count: 3 }, workers: 1, chunkRows: 300 });
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await inst.connect();
    const r = await conn.runAndReadAll(`${SELECT} FROM read_parquet('${join(dir, '_label_events')}/*/*.parquet')`);
    expect(String(r.getRowsJS()[0][0])).toBe(ref);
    conn.closeSync();
    inst.closeSync();
  }, 120_000);
});
