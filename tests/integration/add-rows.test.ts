/*
 * Scenarios that add rows (issue 5): `cap_violation` (extra rows per entity and period beyond a cap, with
 * new keys) and `data_quality` with mode `duplicate` (rows written twice). In real DuckDB files: the run
 * without scenarios differs exactly by the labelled rows, the labels' counts are what SQL computes, the
 * added rows carry their template's written values, and the output is the same for any chunking, worker
 * count and shard split.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runPlan } from '../../src/run/run.ts';
import { col, compileDoc, entity, fact, idCol, planOf, spec } from '../support/harness.ts';
import { generate, ScenarioPair } from '../support/run-spec.ts';

const DOC = {
  ...spec([
    entity('accounts', 400, [idCol('account_id', 100)]),
    fact('chats', ['accounts'], [
      idCol('chat_id'), col('account_id', 'int', { lookup: { from: 'accounts.account_id' } }),
      col('opened_at', 'datetime', { datetime_series: { within: 'timeframe', freq: 'H' } }),
    ], { fanout: { distribution: 'poisson', lambda: 6 } }),
    fact('chat_days', ['chats'], [
      idCol('day_id'), col('chat_id', 'int', { lookup: { from: 'chats.chat_id' } }), col('account_id', 'int', { lookup: { from: 'chats.account_id' } }),
      col('day', 'date', { datetime_series: { within: 'timeframe', freq: 'D' } }),
      col('cost', 'float', { distribution: { type: 'lognormal', params: { mean: 0, sigma: 0.6 } } }),
    ], { fanout: { distribution: 'poisson', lambda: 12 } }),
  ], { start: '2025-01-01T00:00:00Z', end: '2025-03-31T23:59:59Z', seed: 11 }),
  scenarios: [
    { id: 'cap', type: 'cap_violation', target: 'chat_days', selection: { random_k: 5, key: 'account_id' }, window: { start: '2025-02-01', duration: '10d' }, params: { cap: 3, exceed_by: 2 } },
    { id: 'cap_auto', type: 'cap_spike', target: 'chats.chat_id', selection: { share: 0.05 }, window: { start: '2025-02-01', end: '2025-02-28' }, params: { period: 'week' }, difficulty: 'easy' },
    { id: 'dups', type: 'data_quality', target: 'chat_days.cost', selection: { share: 0.5 }, window: { start: '2025-03-01', duration: '5d' }, params: { mode: 'duplicate', share: 0.1 } },
    { id: 'spike', type: 'cost_spike', target: 'chat_days.cost', selection: { random_k: 20, key: 'account_id' }, window: { start: '2025-02-03', duration: '3d' } },
  ],
};

let pair: ScenarioPair;
let cwd: string;
const rows = (sql: string) => pair.rows(sql);
const one = (sql: string) => pair.one(sql);

beforeAll(async () => {
  pair = await ScenarioPair.run(DOC, 'datagen-add-rows-');
  cwd = pair.cwd;
});
afterAll(() => pair?.close());

describe('rows added by scenarios', () => {
  it('the run without scenarios differs by exactly the rows labelled as added (plus the labelled cells)', async () => {
    // Rows of the scenario run that the run without scenarios does not have (as a multiset; cost left out: the spike changes cells).
    for (const [table, cols] of [['chats', 'chat_id, account_id, opened_at'], ['chat_days', 'day_id, chat_id, account_id, day']] as const) {
      const pk = cols.split(',')[0];
      const extra = await rows(`SELECT ${pk}::VARCHAR AS k, count(*) AS n FROM (SELECT ${cols} FROM w.${table} EXCEPT ALL SELECT ${cols} FROM b.${table}) GROUP BY 1 ORDER BY 1`);
      const labelled = await rows(`SELECT row_key AS k, count(*) AS n FROM w._labels WHERE "table" = '${table}' AND "column" IS NULL GROUP BY 1 ORDER BY 1`);
      expect(extra.length).toBeGreaterThan(10);
      expect(labelled).toEqual(extra);
      // nothing went missing
      expect(await one(`SELECT count(*) FROM (SELECT ${cols} FROM b.${table} EXCEPT ALL SELECT ${cols} FROM w.${table})`)).toBe(0);
    }
    // the rows of the run without scenarios come first, in the same order
    const n = await one(`SELECT count(*) FROM b.chat_days`);
    expect(await one(`SELECT count(*) FROM (SELECT day_id, rowid FROM b.chat_days EXCEPT SELECT day_id, rowid FROM w.chat_days WHERE rowid < ${n})`)).toBe(0);
  });

  it('cap_violation: every selected account-day in the window ends with max(rows, cap) + exceed_by rows; labels carry the counts', async () => {
    const groups = await rows(`
      SELECT entity_key, "start", any_value(expected) AS expected, any_value(observed) AS observed, count(*) AS added, count(DISTINCT expected) AS e, count(DISTINCT observed) AS o
      FROM w._labels WHERE scenario = 'cap' GROUP BY ALL ORDER BY ALL`);
    const accounts = new Set(groups.map((g) => g.entity_key)).size; // the 5 chosen accounts that have rows in the window
    expect(accounts).toBeGreaterThanOrEqual(3);
    expect(accounts).toBeLessThanOrEqual(5);
    expect(groups.length).toBeGreaterThanOrEqual(10);
    const counts = async (db: string) => new Map((await rows(`SELECT account_id::VARCHAR AS a, day::TIMESTAMP AS d, count(*) AS n FROM ${db}.chat_days GROUP BY ALL`)).map((r) => [`${r.a}|${Number(r.d)}`, r.n]));
    const [withCounts, withoutCounts] = [await counts('w'), await counts('b')];
    for (const g of groups) {
      expect([g.e, g.o]).toEqual([1, 1]);
      const k = `${g.entity_key}|${Number(g.start)}`;
      expect(withoutCounts.get(k)).toBe(g.expected);
      expect(withCounts.get(k)).toBe(g.observed);
      expect(g.observed).toBe(Math.max(g.expected, 3) + 2);
      expect(g.added).toBe(g.observed - g.expected);
    }
    // every account-day of the 5 accounts inside the window that has rows is capped
    const inWindow = await one(`SELECT count(DISTINCT (account_id, day)) FROM b.chat_days WHERE account_id::VARCHAR IN (SELECT entity_key FROM w._labels WHERE scenario = 'cap') AND day >= DATE '2025-02-01' AND day < DATE '2025-02-11'`);
    expect(groups.length).toBe(inWindow);
  });

  it('cap_violation without a cap: the cap is the most rows any entity has in a period without scenarios', async () => {
    const cap = await one(`SELECT max(n) FROM (SELECT account_id, date_trunc('week', opened_at) AS wk, count(*) AS n FROM b.chats GROUP BY ALL)`);
    const bad = await rows(`SELECT * FROM w._labels WHERE scenario = 'cap_auto' AND (observed <> greatest(expected, ${cap}) + 3 OR magnitude <> 3 OR entity_key IS NULL)`);
    expect(bad).toEqual([]);
    expect(await one(`SELECT count(DISTINCT entity_key) FROM w._labels WHERE scenario = 'cap_auto'`)).toBeGreaterThan(5);
  });

  it('added rows copy the written values of a row of the same entity and period, under new unique keys', async () => {
    const copies = await rows(`
      SELECT d.* FROM w.chat_days d JOIN w._labels l ON l.scenario = 'cap' AND l.row_key = d.day_id::VARCHAR
      WHERE NOT EXISTS (SELECT 1 FROM w.chat_days o WHERE o.day_id NOT IN (SELECT row_key::BIGINT FROM w._labels WHERE scenario = 'cap')
                        AND o.chat_id = d.chat_id AND o.account_id = d.account_id AND o.day = d.day AND o.cost = d.cost)`);
    expect(copies).toEqual([]);
    const repeated = await one(`SELECT count(*) - count(DISTINCT day_id) FROM w.chat_days`);
    expect(repeated).toBe(await one(`SELECT count(*) FROM w._labels WHERE scenario = 'dups'`));
    // new keys continue the sequence after the table's own rows (duplicates keep theirs)
    const max = await one(`SELECT max(day_id) FROM b.chat_days`);
    expect(await one(`SELECT count(*) FROM w._labels WHERE scenario = 'cap' AND row_key::BIGINT <= ${max}`)).toBe(0);
    expect(await one(`SELECT count(DISTINCT row_key) = count(*) FROM w._labels WHERE scenario = 'cap'`)).toBe(true);
  });

  it('data_quality duplicate: the labelled keys are exactly those written twice, as identical rows', async () => {
    const twice = await rows(`SELECT day_id::VARCHAR AS k FROM w.chat_days GROUP BY day_id HAVING count(*) > 1 ORDER BY 1`);
    const labelled = await rows(`SELECT row_key AS k FROM w._labels WHERE scenario = 'dups' ORDER BY 1`);
    expect(labelled).toEqual(twice);
    expect(await one(`SELECT count(*) FROM (SELECT day_id FROM w.chat_days GROUP BY day_id HAVING count(DISTINCT (chat_id, account_id, day, cost)) > 1)`)).toBe(0);
    expect(await one(`SELECT count(*) FROM w._labels WHERE scenario = 'dups' AND NOT (expected = 1 AND observed = 2 AND delta = 1 AND severity = 'critical')`)).toBe(0);
    // share 0.5 of the accounts' rows in 5 days, each with probability 0.1
    const inWindow = await one(`SELECT count(*) FROM b.chat_days WHERE day >= DATE '2025-03-01' AND day < DATE '2025-03-06'`);
    const n = labelled.length;
    expect(Math.abs(n - inWindow * 0.05)).toBeLessThan(4 * Math.sqrt(inWindow * 0.05));
  });

  it('the same tables and labels for any chunk size and worker count; shards add the rows of their own templates', async () => {
    const digest = async (file: string) => {
      await pair.run(`ATTACH '${file}' AS x (READ_ONLY)`);
      const out = [];
      for (const t of ['chats', 'chat_days']) out.push(await one(`SELECT md5(string_agg(md5(CAST(r AS VARCHAR)), '' ORDER BY r.rowid)) || ':' || count(*) FROM x.${t} r`));
      out.push(await one(`SELECT md5(string_agg(md5(CAST(r AS VARCHAR)), '' ORDER BY label_id)) FROM x._labels r`));
      await pair.run('DETACH x');
      return out;
    };
    const ref = await digest(join(cwd, 'with.duckdb'));
    const plan = planOf(DOC);
    await runPlan(plan, { out: join(cwd, 'small.duckdb'), chunkRows: 500, workers: 1 });
    await runPlan(plan, { out: join(cwd, 'workers.duckdb'), workers: 3, workerMinRows: 0, workerTaskRows: 2000, chunkRows: 1000 });
    expect(await digest(join(cwd, 'small.duckdb'))).toEqual(ref);
    expect(await digest(join(cwd, 'workers.duckdb'))).toEqual(ref);
    for (let i = 0; i < 3; i++) await runPlan(plan, { out: join(cwd, 'parts'), format: 'parquet', shard: { index: i, count: 3 } });
    for (const t of ['chats', 'chat_days']) {
      const set = (from: string) => one(`SELECT md5(string_agg(h, '' ORDER BY h)) || ':' || count(*) FROM (SELECT md5(CAST(r AS VARCHAR)) AS h FROM (${from}) r)`);
      const union = await set(`SELECT * EXCLUDE (shard) FROM read_parquet('${join(cwd, 'parts', t)}/*/*.parquet', hive_partitioning = true)`);
      expect(union).toBe(await set(`SELECT * FROM w.${t}`));
    }
    const labels = (from: string) => one(`SELECT md5(string_agg(h, '' ORDER BY h)) FROM (SELECT md5(CAST(ROW(scenario, kind, "table", "column", entity_key, row_key, "start", "end", expected, observed) AS VARCHAR)) AS h FROM ${from})`);
    expect(await labels(`read_parquet('${join(cwd, 'parts', '_labels')}/*/*.parquet')`)).toBe(await labels('w._labels'));
  });
});

describe('rows added to tables without a parent', () => {
  it.each([['an entity', true], ['a fact without a parent', false]] as const)('cap_violation on %s: the new keys continue the sequence, labels name them', async (_what, isEntity) => {
    const cols = [idCol('tick_id'), col('at', 'datetime', { expression: { code: '1709251200000 + tick_id * 3600000' } })];
    const doc = {
      ...spec([isEntity ? entity('ticks', 72, cols) : fact('ticks', [], cols, { rows: 72 })], { start: '2024-03-01T00:00:00Z', end: '2024-03-05T00:00:00Z', seed: 3 }),
      scenarios: [{ id: 'over', type: 'cap_violation', target: 'ticks', window: { start: '2024-03-02', duration: '1d' }, params: { cap: 1, exceed_by: 1 } }],
    };
    const { db } = await generate(doc);
    try {
      const added = await db.rows(`SELECT tick_id FROM ticks WHERE rowid >= 72 ORDER BY rowid`);
      expect(added.length).toBeGreaterThan(0);
      expect(added.map((r) => Number(r.tick_id))).toEqual(added.map((_r, j) => 73 + j));
      const labels = await db.rows(`SELECT row_key FROM _labels WHERE scenario = 'over' ORDER BY row_key::BIGINT`);
      expect(labels.map((r) => r.row_key)).toEqual(added.map((r) => String(r.tick_id)));
    } finally {
      db.close();
    }
  });
});

describe('checks of scenarios that add rows', () => {
  const codes = (scenario: object) => compileDoc({ ...DOC, scenarios: [scenario] }).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path}`);

  it('a key computed from other columns cannot be renewed: cap_violation is refused with a hint', () => {
    const doc = structuredClone(DOC) as any;
    doc.nodes[1].columns[0] = col('chat_id', 'int', { expression: { code: 'account_id * 1000' } });
    const d = compileDoc({ ...doc, scenarios: [DOC.scenarios[1]] }).diagnostics.find((x) => x.code === 'DG_BAD_PARAM');
    expect(d?.path).toBe('/scenarios/0/target');
    expect(d?.message).toMatch(/new keys.*column "account_id"/);
    expect(d?.hint).toMatch(/duplicate/);
  });

  it('bad parameters point at themselves', () => {
    expect(codes({ id: 'c', type: 'cap_violation', target: 'chats', params: { period: 'fortnight' } })).toEqual(['DG_BAD_PARAM /scenarios/0/params/period']);
    expect(codes({ id: 'c', type: 'cap_violation', target: 'chats', params: { cap: 2.5 } })).toEqual(['DG_OUT_OF_RANGE /scenarios/0/params/cap']);
    expect(codes({ id: 'c', type: 'cap_violation', target: 'chats', params: { exceed_by: 0 } })).toEqual(['DG_OUT_OF_RANGE /scenarios/0/params/exceed_by']);
    expect(codes({ id: 'c', type: 'cap_violation', target: 'chatz' })).toEqual(['DG_UNKNOWN_TABLE /scenarios/0/target']);
    expect(codes({ id: 'c', type: 'data_quality', target: 'chats', params: { mode: 'duplicate', excess: 0.1 } })).toEqual(['DG_UNKNOWN_PARAM /scenarios/0/params/excess']);
    expect(codes({ id: 'c', type: 'data_quality', target: 'chats', params: { mode: 'duplicate', share: 0 } })).toEqual(['DG_OUT_OF_RANGE /scenarios/0/params/share']);
    expect(codes({ id: 'c', type: 'cap_violation', target: 'chats', params: { rate: 1 } })).toEqual(['DG_UNKNOWN_PARAM /scenarios/0/params/rate']);
  });

  it('datagen compile shows the rows a scenario adds', async () => {
    let out = '';
    const code = await main(['compile', 'spec.json'], { stdout: { write: (s: string) => void (out += s) }, stderr: { write: () => undefined }, isTTY: false, cwd });
    expect(code).toBe(0);
    expect(out).toContain('+ rows added by scenario cap(cap_violation: 3 + 2 per day)');
    expect(out).toContain('+ rows added by scenario dups(data_quality duplicate 0.1)');
  });
});
