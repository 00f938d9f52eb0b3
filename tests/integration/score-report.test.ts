/*
 * `datagen score --html` (issue 18 §4): a self-contained page — no request leaves the file, no console error, every
 * chart it announces renders in headless Chromium — that lists every event of _label_events, shows the figures of
 * the JSON report (embedded, equal to `--report`'s, and the tables print them), and draws each event on its series
 * (the target summed per bucket over its entities, as SQL computes it on the file) with the detections that find it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { launchBrowser } from '../support/browser.ts';
import { col, entity, fact, idCol, spec } from '../support/harness.ts';
import { ScenarioPair } from '../support/run-spec.ts';

const START = Date.parse('2025-03-03T00:00:00Z');
const DOC = {
  ...spec([
    fact('funnel', [], [
      col('hour_id', 'int', { sequence: { start: 0 } }),
      col('ts', 'datetime', { expression: { code: `${START} + hour_id * 3600000` } }),
      col('app_opens', 'int', { distribution: { type: 'poisson', params: { lambda: 750 } } }),
      col('orders', 'int', { distribution: { type: 'binomial', params: { n: 'app_opens', p: 0.12 } } }),
    ], { rows: 42 * 24 }),
    entity('accounts', 40, [idCol('account_id', 500)]),
    fact('usage', ['accounts'], [
      idCol('usage_id'), col('account_id', 'int', { lookup: { from: 'accounts.account_id' } }),
      col('day', 'datetime', { datetime_series: { within: 'timeframe', freq: 'D' } }),
      col('events', 'int', { distribution: { type: 'negative_binomial', params: { mean: 20, dispersion_k: 3 } } }),
    ], { grain: { every: 'day' } }),
  ], { start: '2025-03-03T00:00:00Z', end: '2025-04-13T23:59:59Z' }),
  scenarios: [{ id: 'cap', type: 'cap_violation', target: 'usage', selection: { random_k: 2 }, window: { start: '2025-04-01', duration: '2d' }, params: { cap: 1, exceed_by: 2 } }],
  anomaly_campaigns: [
    { id: 'fun', families: ['mixed'], targets: ['funnel.app_opens', 'funnel.orders'], count: 4, window: { start: '2025-03-10', end: '2025-04-06' }, duration: { min: '6h', max: '1d' }, min_gap: '1d', difficulty: { easy: 0.5, medium: 0.5 }, seed: 4 },
    { id: 'acct', families: ['spike'], targets: ['usage.events'], count: 3, window: { start: '2025-03-10', end: '2025-03-30' }, duration: '2d', entities: 1, seed: 6 },
  ],
};

let pair: ScenarioPair;
let browser: Browser;
let scored: { code: number; stdout: string; stderr: string };
let events: { event_id: string; table: string; entities: string[]; start: Date; end: Date; cells: number }[];

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) }, isTTY: false, cwd: pair.cwd });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  pair = await ScenarioPair.run(DOC, 'datagen-score-html-');
  ({ browser } = await launchBrowser());
  events = (await pair.rows(`SELECT event_id, "table", entities, "start", "end", cells FROM w._label_events ORDER BY "table", "start", event_id`)) as typeof events;
  // a detector that finds every other event (a window on its entity), plus one false alarm
  const lines = events.filter((_, i) => i % 2 === 0).map((e) => JSON.stringify({ table: e.table, ...(e.entities.length ? { entity: e.entities[0] } : {}), start: new Date(e.start).toISOString(), end: new Date(e.end).toISOString() }));
  lines.push(JSON.stringify({ table: 'funnel', timestamp: '2025-03-04T05:00:00Z', score: 9 }));
  writeFileSync(join(pair.cwd, 'd.jsonl'), lines.join('\n') + '\n');
  scored = await cli('score', 'with.duckdb', 'd.jsonl', '--report', 'r.json', '--html', 'r.html');
}, 180_000);
afterAll(async () => {
  await browser?.close();
  pair?.close();
});

describe('datagen score --html', () => {
  it('is self-contained, renders every chart, lists every event, and its figures are the JSON report\'s', async () => {
    expect(scored.code, scored.stderr).toBe(0);
    const html = readFileSync(join(pair.cwd, 'r.html'), 'utf8');
    const json = JSON.parse(readFileSync(join(pair.cwd, 'r.json'), 'utf8'));
    // nothing fetched: no external script, stylesheet, image or frame (outside the inlined scripts)
    expect(html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')).not.toMatch(/<(script|img|iframe)[^>]+src=|<link[^>]+href=/i);
    expect(html.match(/<script\b[^>]*>/gi)!.every((t) => !/\bsrc=/.test(t))).toBe(true);
    // the embedded report is the --report file
    const embedded = JSON.parse(/<script id="score-report" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]);
    expect(embedded).toEqual(json);
    expect(json.event.events).toBe(events.filter((e) => e.cells > 0).length);
    expect(json.event.found).toBe(Math.ceil(events.length / 2));
    expect(json.event.falsePositives).toBe(1);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (q) => void (!q.url().startsWith('file:') && requests.push(q.url())));
    await page.goto(`file://${join(pair.cwd, 'r.html')}`);
    await page.waitForSelector('body[data-rendered]', { timeout: 0 });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const announced = Number(await page.getAttribute('body', 'data-charts'));
    expect(announced).toBe(1 + events.length); // the groups chart and one per event
    expect(Number(await page.getAttribute('body', 'data-rendered'))).toBe(announced);
    expect(await page.locator('[data-error]').count()).toBe(0);
    // every event: a row and a chart
    for (const e of events) {
      expect(await page.locator(`#row-${e.event_id}`).count(), e.event_id).toBe(1);
      expect(await page.locator(`#event-${e.event_id} svg`).count(), e.event_id).toBeGreaterThan(0);
    }
    // the tables print the report's figures
    const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
    const first = (await page.locator('#event-level table.figures tbody tr').first().locator('td').allTextContents()).map((s) => s.trim());
    expect(first).toEqual(['all events', String(json.event.events), String(json.event.found), pct(json.event.recall), String(json.event.detections), String(json.event.truePositives), String(json.event.falsePositives), pct(json.event.precision), pct(json.event.f1)]);
    for (const [fam, f] of Object.entries(json.byFamily) as [string, { recall: number | null; precision: number | null }][]) {
      const cells = (await page.locator('#event-level table.figures tbody tr', { hasText: fam }).first().locator('td').allTextContents()).map((s) => s.trim());
      expect(cells[3], fam).toBe(pct(f.recall));
      expect(cells[7], fam).toBe(pct(f.precision));
    }
    const adjusted = (await page.locator('#point-level tbody tr').nth(1).locator('td').allTextContents()).map((s) => s.trim());
    expect(adjusted).toEqual(['point-adjusted', String(json.pointAdjusted.truthPoints), String(json.pointAdjusted.covered), pct(json.pointAdjusted.recall), String(json.pointAdjusted.detectedPoints), String(json.pointAdjusted.hits), pct(json.pointAdjusted.precision), pct(json.pointAdjusted.f1)]);
    await page.close();
  });

  it('draws each event on its series (as SQL sums it) with the detections that find it', async () => {
    const html = readFileSync(join(pair.cwd, 'r.html'), 'utf8');
    const specs = JSON.parse(/<script id="chart-specs" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]);
    const json = JSON.parse(readFileSync(join(pair.cwd, 'r.json'), 'utf8'));
    for (const [i, e] of events.entries()) {
      const layers = specs[1 + i].layer as { data: { values: Record<string, unknown>[] }; mark: { type: string } }[];
      expect(layers[0].data.values[0]).toEqual({ t: new Date(e.start).toISOString(), t2: new Date(e.end).toISOString() }); // the window
      const line = layers.find((l) => l.mark.type === 'line')!;
      const hourly = +e.end - +e.start < 86_400_000;
      const [bucket, pad] = hourly ? ['hour', 2] : ['day', 21];
      const [t, x, ent] = e.table === 'funnel' ? ['ts', 'app_opens', null] : ['day', 'events', 'account_id'];
      const target = (await pair.rows(`SELECT target_column FROM w._label_events WHERE event_id = '${e.event_id}'`))[0].target_column as string | null;
      const sum = target === null ? 'count(*)' : `sum(${target})`;
      const sql = `SELECT epoch_ms(date_trunc('${bucket}', ${t})) AS b, ${sum}::DOUBLE AS v FROM w.${e.table}
        WHERE ${t} >= date_trunc('${bucket}', TIMESTAMP '${new Date(e.start).toISOString()}' - INTERVAL ${pad} DAY) AND ${t} < TIMESTAMP '${new Date(e.end).toISOString()}' + INTERVAL ${pad} DAY
        ${ent ? `AND ${ent}::VARCHAR IN (${e.entities.map((k) => `'${k}'`).join(', ')})` : ''} GROUP BY 1 ORDER BY 1`;
      const expected = (await pair.rows(sql)).map((r) => ({ t: new Date(Number(r.b)).toISOString(), value: Number(r.v) }));
      expect(line.data.values.map((v) => ({ t: new Date(Date.parse(String(v.t))).toISOString(), value: v.value })), `${e.event_id} (${x})`).toEqual(expected);
      expect(expected.length).toBeGreaterThan(hourly ? 48 : 20);
      // the rules of the detections that find this event: as many as the report counts
      const rules = layers.find((l) => l.mark.type === 'rule');
      const scored = json.events.find((s: { event_id: string }) => s.event_id === e.event_id);
      const finding = (rules?.data.values ?? []).filter((d) => d.kind === 'finds this event').length;
      expect(finding, e.event_id).toBe(scored?.detections ?? 0);
    }
  });

  it('refuses to replace a file it did not write, and one file for both reports', async () => {
    expect((await cli('score', 'with.duckdb', 'd.jsonl', '--html', 'r.html')).code).toBe(0); // its own report
    writeFileSync(join(pair.cwd, 'notes.html'), '<!doctype html><title>mine</title>\n');
    const refused = await cli('score', 'with.duckdb', 'd.jsonl', '--html', 'notes.html');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: DG_OUTPUT_NOT_OURS: --html "notes.html"/);
    expect(readFileSync(join(pair.cwd, 'notes.html'), 'utf8')).toBe('<!doctype html><title>mine</title>\n');
    expect((await cli('score', 'with.duckdb', 'd.jsonl', '--report', 'same.out', '--html', 'same.out')).stderr).toMatch(/--report and --html name the same file/);
  });
});
