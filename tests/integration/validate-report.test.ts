/*
 * The HTML report of `datagen validate --html` in headless Chromium (driven by playwright-core; the browser comes
 * from tests/support/browser.ts: /usr/bin/chromium or CHROMIUM_PATH when present, else the one inside the
 * @sparticuz/chromium dev dependency): it loads from a file without console errors or network requests, renders every chart it
 * announces (dependency graph, one per column profile, one per check with expected-vs-observed data), puts failed
 * checks first with their examples, keeps hostile text inert, and a screenshot of it is a real picture.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { renderHtml, scriptJson } from '../../src/validate/report/html.ts';
import type { CheckResult, ValidationReport } from '../../src/validate/types.ts';
import { launchBrowser } from '../support/browser.ts';
import { EXAMPLES_DIR, readJson } from '../support/run-spec.ts';
import { corruptCopy, generateFile, validateFile } from '../support/validate.ts';

const dir = mkdtempSync(join(tmpdir(), 'datagen-report-'));

let browser: Browser;

beforeAll(async () => {
  ({ browser } = await launchBrowser());
});
afterAll(async () => {
  await browser?.close();
});

interface Loaded { page: Page; errors: string[]; requests: string[]; announced: number; rendered: number }

/** Open a report file; collect console errors, page errors and any request that is not the file itself. */
async function load(file: string): Promise<Loaded> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-rendered]', { timeout: 0 }); // bounded by the test's own timeout (tests/vitest.config.ts)
  const announced = Number(await page.getAttribute('body', 'data-charts'));
  const rendered = Number(await page.getAttribute('body', 'data-rendered'));
  return { page, errors, requests, announced, rendered };
}

/** Charts the report must show: the graph, one per profiled column with bins or top values, one per check with chart data. */
function expectedCharts(r: ValidationReport): number {
  const profiles = (r.profiles ?? []).flatMap((p) => p.columns).filter((c) => c.histogram?.length || c.top?.length).length;
  return 1 + profiles + r.checks.filter((c) => c.chart).length;
}

/** Decode a PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes) and count its distinct colours: a blank page has one or two. */
function pngStats(png: Buffer): { width: number; height: number; colours: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const bpp = png[25] === 6 ? 4 : 3;
  expect(png[24]).toBe(8);
  const idat: Buffer[] = [];
  for (let off = 8; off < png.length;) {
    const len = png.readUInt32BE(off);
    if (png.toString('ascii', off + 4, off + 8) === 'IDAT') idat.push(png.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  let prev = Buffer.alloc(stride);
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c;
      const pred = filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4
        ? (Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c) : 0;
      line[i] = (line[i] + pred) & 0xff;
    }
    for (let x = 0; x < width && colours.size < 5000; x++) colours.add(line.readUIntBE(x * bpp, 3));
    prev = line;
  }
  return { width, height, colours: colours.size };
}

const hostile = '</script><img src=x onerror="window.__pwned=1">';

function fabricated(): CheckResult[] {
  const base = { category: 'behavioural' as const, hard: false, tolerance: 0.01, examples: [] };
  return [
    { ...base, check: 'dow_pattern', table: 'events', column: 'occurred_at', status: 'fail', expected: [0.2, 0.1], observed: [0.1, 0.2], examples: [hostile, 2],
      message: `weekday shares ${hostile}`, chart: { kind: 'bars', title: 'weekday share', labels: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], expected: [0.16, 0.16, 0.16, 0.16, 0.16, 0.1, 0.1], observed: [0.1, 0.16, 0.16, 0.16, 0.16, 0.1, 0.16], unit: '%' } },
    { ...base, check: 'trend', table: 'events', column: 'amount', status: 'pass', expected: 1, observed: 1,
      message: 'monthly mean follows the declared trend', chart: { kind: 'line', title: 'mean by month', x: ['2024-01', '2024-02', '2024-03'], expected: [1, 1.1, 1.2], observed: [1.01, 1.09, 1.22], xLabel: 'month' } },
    { ...base, check: 'vintage_curve', table: 'events', status: 'warn', expected: 1, observed: 1,
      message: 'cohort activity by age', chart: { kind: 'heatmap', title: 'cohort × age', rows: ['2024-01', '2024-02'], cols: ['0', '1', '2'], observed: [[1, 0.6, 0.4], [1, 0.5, NaN]], expected: [[1, 0.6, 0.45], [1, 0.6, 0.45]] } },
  ];
}

describe('HTML report in headless Chromium', () => {
  const doc = readJson(new URL('quickstart.json', EXAMPLES_DIR));
  let clean: string;
  beforeAll(async () => {
    clean = await generateFile(doc, { scale: 0.05 });
  });

  it('renders every announced chart (all three chart kinds), offline and without console errors; hostile text stays text', async () => {
    const report = await validateFile(doc, clean, { profiles: true, specName: 'quickstart.json', dbName: 'quickstart.duckdb' });
    report.checks = [...fabricated(), ...report.checks];
    const html = renderHtml(report);
    expect(html).not.toContain(hostile);
    const file = join(dir, 'fabricated.html');
    writeFileSync(file, html);
    const l = await load(file);
    try {
      expect(l.errors).toEqual([]);
      expect(l.requests).toEqual([]);
      expect(l.announced).toBe(expectedCharts(report));
      expect(l.rendered).toBe(l.announced);
      expect(await l.page.locator('[data-chart] svg').count()).toBe(l.announced);
      expect(await l.page.locator('[data-error]').count()).toBe(0);
      expect(await l.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await l.page.locator('#problems').innerText()).toContain(hostile);
      // The heatmap is drawn as observed and expected side by side.
      expect(await l.page.locator('figure.card.warn svg path, figure.card.warn svg rect').count()).toBeGreaterThan(6);
    } finally {
      await l.page.close();
    }
  });

  it('`datagen validate --html` on a corrupted file: failed checks first with their examples, every chart drawn, a real screenshot', async () => {
    const bad = await corruptCopy(clean, ['DELETE FROM users WHERE user_id IN (SELECT user_id FROM events ORDER BY event_id LIMIT 3)']);
    const spec = new URL('quickstart.json', EXAMPLES_DIR).pathname;
    const html = join(dir, 'bad.html');
    const json = join(dir, 'bad.json');
    const out: string[] = [];
    const code = await main(['validate', spec, bad, '--html', html, '--report', json], { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) }, isTTY: false, cwd: dir });
    expect(code, out.join('')).toBe(1);
    const report = JSON.parse(readFileSync(json, 'utf8')) as ValidationReport;
    expect(statSync(html).size).toBeGreaterThan(100_000);
    const l = await load(html);
    try {
      expect(l.errors).toEqual([]);
      expect(l.requests).toEqual([]);
      expect(l.announced).toBe(expectedCharts(report));
      expect(l.rendered).toBe(l.announced);
      const rows = l.page.locator('#problems table.checks tbody tr');
      const classes = await rows.evaluateAll((trs) => trs.map((tr) => tr.className));
      expect(classes[0]).toBe('fail');
      expect(classes.join(' ')).toMatch(/^(fail ?)+(warn ?)*$/);
      const fk = rows.filter({ hasText: 'foreign_key' }).first();
      expect(await fk.getAttribute('class')).toBe('fail');
      expect(await fk.locator('td').last().locator('code').count()).toBeGreaterThan(0);
      // Every table of the file has a profile section with its row count.
      for (const t of report.tables) expect(await l.page.locator(`#table-${t.table} h3`).innerText()).toContain(t.rows.toLocaleString('en-US'));
      const png = await l.page.screenshot({ fullPage: true, path: join(dir, 'report.png') });
      const s = pngStats(png);
      expect(s.width).toBe(1280);
      expect(s.height).toBeGreaterThan(1500);
      expect(s.colours).toBeGreaterThan(20);
      const chartPng = await l.page.locator('#graph [data-chart]').screenshot();
      expect(pngStats(chartPng).colours).toBeGreaterThan(5);
    } finally {
      await l.page.close();
    }
  });

  it('column profiles: histogram bins hold every non-null value, each bin what SQL counts in (from, to]; top values by count', async () => {
    const report = await validateFile(doc, clean, { profiles: true });
    const users = report.profiles!.find((p) => p.table === 'users')!;
    for (const c of report.profiles!.flatMap((p) => p.columns.map((x) => ({ ...x, rows: p.rows })))) {
      if (c.histogram) expect(c.histogram.reduce((a, b) => a + b.count, 0), c.name).toBe(c.rows - c.nulls);
    }
    const age = users.columns.find((c) => c.name === 'age')!;
    expect(age.histogram).toHaveLength(20);
    const { Db } = await import('../support/run-spec.ts');
    const db = await Db.open(clean);
    try {
      for (const [j, b] of age.histogram!.entries()) {
        const cond = j === 0 ? `age <= ${b.to}` : `age > ${b.from} AND age <= ${b.to}`;
        expect(Number((await db.rows(`SELECT count(*) AS c FROM users WHERE ${cond}`))[0].c), `bin ${j}`).toBe(b.count);
      }
      const plan = users.columns.find((c) => c.name === 'plan')!;
      const top = await db.rows(`SELECT plan::VARCHAR AS v, count(*) AS c FROM users GROUP BY 1 ORDER BY 2 DESC, 1`);
      expect(plan.top).toEqual(top.map((r) => ({ value: r.v, count: Number(r.c) })));
    } finally {
      db.close();
    }
  });

  it('scriptJson never lets markup out of a <script> element', () => {
    const s = scriptJson({ a: '</script><!-- x', b: '\u2028' });
    expect(s).not.toMatch(/<\/script|<!--/i);
    expect(JSON.parse(s)).toEqual({ a: '</script><!-- x', b: '\u2028' });
  });
});
