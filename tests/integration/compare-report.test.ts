/*
 * The HTML report of datagen compare in a real browser (tests/support/browser.ts): it loads from a file without
 * console errors or network requests and renders every chart it announces (one per scored column, one per time
 * dimension of each time column).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compareSources } from '../../src/compare/compare.ts';
import { renderCompareHtml } from '../../src/compare/html.ts';
import { launchBrowser } from '../support/browser.ts';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'datagen-compare-report-'));

beforeAll(async () => {
  ({ browser } = await launchBrowser());
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function db(name: string, shift: number): Promise<string> {
  const file = join(dir, name);
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE t (x DOUBLE, d DATE, ts TIMESTAMP, c VARCHAR);
    INSERT INTO t SELECT i + ${shift}, DATE '2025-01-01' + INTERVAL (i) DAY, TIMESTAMP '2025-01-01' + INTERVAL (i * 7 + ${shift}) HOUR, ['a', 'b', 'c'][i % 3 + 1] FROM range(500) r(i)`);
  conn.closeSync();
  instance.closeSync();
  return file;
}

it('renders every chart offline, without errors', async () => {
  const report = await compareSources(await db('a.duckdb', 0), await db('b.duckdb', 3));
  const file = join(dir, 'report.html');
  writeFileSync(file, renderCompareHtml(report));
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
  await page.waitForSelector('body[data-rendered]', { timeout: 0 }); // bounded by the test's own timeout
  const announced = Number(await page.getAttribute('body', 'data-charts'));
  // x, d, ts, c; hour (not for the DATE d), weekday and month of ts; weekday and month of d
  expect(announced).toBe(4 + 3 + 2);
  expect(Number(await page.getAttribute('body', 'data-rendered'))).toBe(announced);
  expect(errors).toEqual([]);
  expect(requests).toEqual([]);
  expect(await page.locator('.chart[data-rendered] svg').count()).toBe(announced);
  await page.close();
});
