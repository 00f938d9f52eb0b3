/*
 * `datagen score` end to end (issue 18 §4): detections built from the file's own events score perfectly, an empty
 * detector finds nothing, a SQL rolling z-score detector (the README's loop) runs through `datagen query -f csv`,
 * bad detection files and report paths are refused with a code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { col, fact, spec } from '../support/harness.ts';
import { ScenarioPair } from '../support/run-spec.ts';
import { main } from '../../src/cli/main.ts';

const START = Date.parse('2025-03-03T00:00:00Z');
const DOC = {
  ...spec([
    fact('funnel', [], [
      col('hour_id', 'int', { sequence: { start: 0 } }),
      col('ts', 'datetime', { expression: { code: `${START} + hour_id * 3600000` } }),
      col('app_opens', 'int', { distribution: { type: 'poisson', params: { lambda: 750 } } }),
      col('orders', 'int', { distribution: { type: 'binomial', params: { n: 'app_opens', p: 0.12 } } }),
    ], { rows: 28 * 24 }),
  ], { start: '2025-03-03T00:00:00Z', end: '2025-03-30T23:59:59Z' }),
  anomaly_campaigns: [{ id: 'c', families: ['spike', 'drop'], targets: ['funnel.app_opens'], count: 6, duration: { min: '3h', max: '12h' }, min_gap: '1d', window: { start: '2025-03-10', end: '2025-03-29' }, difficulty: { easy: 1 }, seed: 2 }],
};

let pair: ScenarioPair;
async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) }, isTTY: false, cwd: pair.cwd });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  pair = await ScenarioPair.run(DOC, 'datagen-score-');
}, 120_000);
afterAll(() => pair?.close());

describe('datagen score', () => {
  it('the events themselves as detections: recall, precision and F1 are 100 %; --report holds every figure', async () => {
    const ev = await pair.rows(`SELECT "table", "start", "end" FROM w._label_events`);
    expect(ev).toHaveLength(6);
    writeFileSync(join(pair.cwd, 'perfect.jsonl'), ev.map((e) => JSON.stringify({ table: e.table, start: new Date(e.start).toISOString(), end: new Date(e.end).toISOString() })).join('\n'));
    const r = await cli('score', 'with.duckdb', 'perfect.jsonl', '--report', 'score.json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/all events\s+6\/6\s+recall 100\.0%\s+precision 100\.0%\s+F1 100\.0%/);
    const report = JSON.parse(readFileSync(join(pair.cwd, 'score.json'), 'utf8'));
    expect(report.event).toMatchObject({ events: 6, found: 6, precision: 1, recall: 1 });
    expect(report.point).toMatchObject({ precision: 1, recall: 1 });
    expect(report.events).toHaveLength(6);
    // the report may be replaced; another file may not
    expect((await cli('score', 'with.duckdb', 'perfect.jsonl', '--report', 'score.json')).code).toBe(0);
    writeFileSync(join(pair.cwd, 'notes.json'), '{"mine": true}\n');
    const refused = await cli('score', 'with.duckdb', 'perfect.jsonl', '--report', 'notes.json');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/DG_OUTPUT_NOT_OURS/);
  });

  it('an empty detector finds nothing (a CSV with only its header)', async () => {
    writeFileSync(join(pair.cwd, 'empty.csv'), 'table,entity,timestamp\n');
    const r = await cli('score', 'with.duckdb', 'empty.csv', '--level', 'point');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^point level/);
    expect(r.stdout).toMatch(/all events\s+0\/6\s+recall\s+0\.0%\s+precision\s+—/);
  });

  it('the README loop: a rolling z-score detector in SQL, exported with datagen query -f csv, then scored', async () => {
    const sql = `WITH s AS (SELECT ts, app_opens AS x, avg(app_opens) OVER w AS m, stddev_samp(app_opens) OVER w AS sd FROM funnel
      WINDOW w AS (PARTITION BY hour(ts) ORDER BY ts ROWS BETWEEN 7 PRECEDING AND 1 PRECEDING))
      SELECT 'funnel' AS "table", ts AS "timestamp", round(abs(x - m) / sd, 2) AS score FROM s WHERE abs(x - m) / sd > 4 ORDER BY ts`;
    const q = await cli('query', 'with.duckdb', sql, '-f', 'csv');
    expect(q.code).toBe(0);
    writeFileSync(join(pair.cwd, 'z.csv'), q.stdout);
    const r = await cli('score', 'with.duckdb', 'z.csv', '--report', 'z.json');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(pair.cwd, 'z.json'), 'utf8'));
    // easy spikes and drops of 3–12 hours on ~750 opens an hour: a 4σ rule finds most of them
    expect(report.event.recall).toBeGreaterThanOrEqual(0.5);
    expect(report.event.detections).toBe(q.stdout.trim().split('\n').length - 1);
  });

  it('bad input: a detections file that does not parse, a missing database, a bad option', async () => {
    writeFileSync(join(pair.cwd, 'bad.csv'), 'table,timestamp\nfunnel,soon\n');
    const r = await cli('score', 'with.duckdb', 'bad.csv');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: DG_BAD_DETECTIONS: bad\.csv line 2: timestamp "soon" is not an ISO-8601 instant/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await cli('score', 'nope.duckdb', 'bad.csv')).stderr).toMatch(/DG_DB_MISSING/);
    writeFileSync(join(pair.cwd, 'notes.duckdb'), 'not a database\n');
    expect((await cli('score', 'notes.duckdb', 'empty.csv')).stderr).toMatch(/^error: DG_DB_NOT_DUCKDB: /);
    // a DuckDB file without events (generated --without-scenarios has an empty _label_events: nothing to score)
    const none = await cli('score', 'without.duckdb', 'empty.csv');
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/all events\s+0\/0/);
    expect((await cli('score', 'with.duckdb', 'missing.csv')).stderr).toMatch(/DG_BAD_DETECTIONS: detections file "missing.csv" cannot be read/);
    expect((await cli('score', 'with.duckdb', 'bad.csv', '--tolerance', 'soon')).stderr).toMatch(/DG_BAD_OPTION: --tolerance "soon"/);
    expect((await cli('score', 'with.duckdb', 'bad.csv', '--level', 'cell')).code).toBe(2);
  });
});
