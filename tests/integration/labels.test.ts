/*
 * Ground truth in a real DuckDB file (DSL §5.7, issue 5): every label of outliers and anomaly agrees
 * with the data as SQL sees it (row keys, entity keys, observed values, windows, delta, severity), a run
 * without the labelled modifiers differs in exactly the labelled rows, and `datagen labels` exports
 * the table as JSON Lines or CSV.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { readLabels } from '../../src/sinks/labels.ts';
import { Db, generate } from '../support/run-spec.ts';
import { col, entity, fact, idCol, spec } from '../support/harness.ts';

const amountMods = [
  { transform: 'anomaly', args: { spike_dates: ['2024-02-10'], spike_multiplier: 4, windows: [{ start: '2024-03-01', duration: '5d', multiplier: 0.5, kind: 'drop', scope: { channel: 'web' } }] } },
  { transform: 'outliers', args: { rate: 0.01 } },
];

function doc(withAnomalies: boolean) {
  return spec([
    entity('users', 500, [idCol('user_id', 100), col('tier', 'string', { choice: { choices: ['free', 'pro'] } })]),
    fact('events', ['users'], [
      idCol('event_id', 1),
      col('user_id', 'int', { lookup: { from: 'users.user_id' } }),
      col('ts', 'datetime', { datetime_series: { within: 'timeframe', freq: 'H' } }),
      col('channel', 'string', { choice: { choices: ['web', 'app'] } }),
      { ...col('amount', 'float', { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.5 } } }), ...(withAnomalies ? { modifiers: amountMods } : {}) },
    ], { fanout: { distribution: 'poisson', lambda: 40 } }),
  ], { start: '2024-01-01T00:00:00Z', end: '2024-03-31T23:59:59Z' });
}

let db: Db;
let base: Db;
let file: string;
let cwd: string;

beforeAll(async () => {
  const a = await generate(doc(true));
  db = a.db;
  file = db.file;
  base = (await generate(doc(false))).db;
  cwd = mkdtempSync(join(tmpdir(), 'datagen-labels-'));
});
afterAll(() => {
  db?.close();
  base?.close();
});

describe('_labels agrees with the data', () => {
  it('has the issue-5 columns, in order', async () => {
    const cols = await db.rows(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_labels' ORDER BY ordinal_position`);
    expect(cols.map((c) => c.column_name)).toEqual(['label_id', 'scenario', 'kind', 'level', 'table', 'column', 'entity_key', 'row_key', 'start', 'end', 'expected', 'observed', 'delta', 'magnitude', 'severity', 'description', 'event_id']);
    expect(cols.find((c) => c.column_name === 'start')!.data_type).toBe('TIMESTAMP');
  });

  it('every label points at a row whose value is `observed`, of the entity `entity_key`, inside its window', async () => {
    const counts = await db.rows(`SELECT kind, count(*) AS n FROM _labels GROUP BY 1 ORDER BY 1`);
    const n = Object.fromEntries(counts.map((r) => [r.kind, r.n]));
    expect(n.anomaly_spike).toBeGreaterThan(50);
    expect(n.anomaly_drop).toBeGreaterThan(50);
    expect(n.outlier_spike).toBeGreaterThan(50);
    const bad = await db.rows(`
      SELECT l.* FROM _labels l LEFT JOIN events e ON e.event_id::VARCHAR = l.row_key
      WHERE e.event_id IS NULL OR l."table" <> 'events' OR l."column" <> 'amount' OR l.observed IS DISTINCT FROM e.amount
         OR l.entity_key <> e.user_id::VARCHAR OR abs(l.delta - (l.observed - l.expected)) > 1e-9 * abs(l.observed)
         OR (l.kind LIKE 'anomaly%' AND NOT (e.ts >= l."start" AND e.ts < l."end"))
         OR (l.kind = 'anomaly_drop' AND e.channel <> 'web')
         OR (l.kind LIKE 'outlier%' AND l."start" IS NOT NULL)
         OR l.severity <> CASE WHEN l.expected = 0 THEN 'critical' WHEN abs(l.delta) / abs(l.expected) < 0.1 THEN 'low' WHEN abs(l.delta) / abs(l.expected) < 0.25 THEN 'medium' WHEN abs(l.delta) / abs(l.expected) < 0.5 THEN 'high' ELSE 'critical' END
         OR l.scenario IS NOT NULL OR l.description NOT LIKE '%' || l.row_key || '%'`);
    expect(bad, JSON.stringify(bad[0])).toEqual([]);
    const ids = await db.rows(`SELECT min(label_id) AS lo, max(label_id) AS hi, count(DISTINCT label_id) AS n, count(*) AS total FROM _labels`);
    expect(ids[0]).toEqual({ lo: 1, hi: ids[0].total, n: ids[0].total, total: ids[0].total });
  });

  it('a run without the modifiers differs in exactly the labelled rows, by exactly expected → observed', async () => {
    const rows = await base.rows(`SELECT event_id, amount FROM events ORDER BY event_id`);
    const mine = await db.rows(`SELECT event_id, amount, ts, user_id, channel FROM events ORDER BY event_id`);
    expect(mine.length).toBe(rows.length);
    const changed = new Map<number, [number, number]>();
    for (let i = 0; i < rows.length; i++) {
      expect(mine[i].event_id).toBe(rows[i].event_id);
      expect(mine[i].user_id).toBeDefined();
      if (mine[i].amount !== rows[i].amount) changed.set(rows[i].event_id, [rows[i].amount, mine[i].amount]);
    }
    const labels = await db.rows(`SELECT row_key, expected, observed FROM _labels`);
    const labelled = new Map<number, Record<string, any>>();
    for (const l of labels) labelled.set(Number(l.row_key), l);
    expect(new Set(labelled.keys())).toEqual(new Set(changed.keys()));
    for (const [id, [before, after]] of changed) {
      expect(labelled.get(id)!.expected).toBe(before);
      expect(labelled.get(id)!.observed).toBe(after);
    }
  });
});

describe('datagen labels', () => {
  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, isTTY: false, cwd });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('jsonl (default): one object per label, the same as readLabels()', async () => {
    const r = await cli('labels', file);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    const labels = await readLabels(file);
    expect(lines).toEqual(labels);
    expect(lines.length).toBe(await db.value(`SELECT count(*) FROM _labels`));
    const first = lines.find((l) => l.kind === 'anomaly_spike')!;
    expect(Object.keys(first)).toEqual(['label_id', 'scenario', 'kind', 'level', 'table', 'column', 'entity_key', 'row_key', 'start', 'end', 'expected', 'observed', 'delta', 'magnitude', 'severity', 'description', 'event_id']);
    expect([first.start, first.end]).toEqual(['2024-02-10T00:00:00.000Z', '2024-02-11T00:00:00.000Z']);
  });

  it('csv to a file (-o): a header and one line per label', async () => {
    const r = await cli('labels', file, '--format', 'csv', '-o', 'labels.csv');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = readFileSync(join(cwd, 'labels.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('label_id,scenario,kind,level,table,column,entity_key,row_key,start,end,expected,observed,delta,magnitude,severity,description,event_id');
    expect(lines.length - 1).toBe(await db.value(`SELECT count(*) FROM _labels`));
    expect(lines[1]).toMatch(/^1,,(anomaly|outlier)_\w+,cell,events,amount,\d+,\d+,/);
  });

  it('a file that is not a datagen output, or a missing file, is an error (exit 1); a bad format is usage (exit 2)', async () => {
    expect((await cli('labels', 'nope.duckdb')).code).toBe(1);
    expect((await cli('labels', file, '--format', 'xml')).code).toBe(2);
  });
});
