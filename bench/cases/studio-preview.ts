/**
 * The studio's live preview (issue 16): how long after an edit the page shows data of the edited spec.
 * `edit`: headless Chromium on `datagen studio examples/quickstart.json`; the timed region starts when the edit is
 * typed into the editor (the users' country weights: US 0.4 → 0.1, FR 0.1 → 0.4) and ends when the preview's
 * country chart has been redrawn with FR above US — what a user sees, including the editor's lint delay (~0.3 s),
 * the compile request, the preview (compile at the preview scale, ~50 k rows in the warm job process, profiles,
 * first rows) and the charts' rendering. `server`: the same edit posted to /api/preview from Node (the server's
 * part alone). Every run is a new process: the studio, its job process and the browser start (untimed, in
 * prepare) and the first preview is waited for, as a user's page would have it, before the one timed edit.
 * Target: the quickstart's preview updates in under 1 s after an edit.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { type Studio, startStudio } from '../../src/studio/server.ts';
import { launchBrowser } from '../../tests/support/browser.ts';
import type { BenchCase, VariantRun } from './types.ts';

const QUICKSTART = fileURLToPath(new URL('../../examples/quickstart.json', import.meta.url));
const TARGET_SECONDS = 1;
const BEFORE = '"weights": [0.4, 0.2, 0.2, 0.1, 0.1]';
const AFTER = '"weights": [0.1, 0.2, 0.2, 0.4, 0.1]';

function edited(): { original: string; text: string } {
  const original = readFileSync(QUICKSTART, 'utf8');
  if (!original.includes(BEFORE)) throw new Error(`studio-preview: examples/quickstart.json no longer has ${BEFORE} (the edit this case types)`);
  return { original, text: original.replace(BEFORE, AFTER) };
}

async function openStudio(dir: string): Promise<Studio> {
  const spec = join(dir, 'quickstart.json');
  copyFileSync(QUICKSTART, spec);
  return startStudio({ spec, port: 0 });
}

/** The preview's country chart shows FR above US (the edited weights). A string: tsx would wrap a function in a
 *  helper (`__name`) that does not exist in the page. */
const FR_ABOVE_US = `(() => {
  const l = [...document.querySelectorAll('.table-preview[data-table="users"] figure.profile[data-column="country"] .chart[data-rendered] [aria-roledescription="bar"]')].map((e) => e.getAttribute('aria-label') ?? '');
  const count = (v) => Number(/count: ([\\d,]+)/.exec(l.find((x) => x.includes('value: ' + v)) ?? 'count: 0')[1].replace(/,/g, ''));
  return count('FR') > count('US');
})()`;

let studio: Studio | undefined;
let browser: Browser | undefined;
let page: Page | undefined;

async function closeAll(): Promise<void> {
  await browser?.close();
  await studio?.close();
  browser = undefined;
  studio = undefined;
}

export const studioPreview: BenchCase = {
  name: 'studio-preview',
  title: 'studio: from an edit of the quickstart to its redrawn preview',
  defaultRuns: 7,
  optIn: true,
  variants: [
    {
      name: 'edit',
      role: 'datagen',
      label: 'headless Chromium: type the edit, wait for the redrawn country chart',
      async prepare(dir) {
        studio = await openStudio(dir);
        ({ browser } = await launchBrowser());
        page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(studio.url);
        await page.waitForSelector('.panel.preview[data-state="done"] .table-preview[data-table="users"] .chart[data-rendered]', { timeout: 120_000 });
      },
      async run(): Promise<VariantRun> {
        const { text } = edited();
        const p = page!;
        await p.click('.cm-content');
        await p.keyboard.press('Control+A');
        let serverSeconds: number | undefined;
        p.on('response', (r) => {
          if (r.url().endsWith('/api/preview')) void r.json().then((b: { serverSeconds?: number }) => { serverSeconds ??= b.serverSeconds; }, () => undefined);
        });
        const t0 = performance.now();
        await p.keyboard.insertText(text);
        await p.waitForFunction(FR_ABOVE_US, null, { timeout: 120_000, polling: 'raf' });
        const seconds = (performance.now() - t0) / 1000;
        if (serverSeconds !== undefined) process.stderr.write(`  (server's part ${serverSeconds.toFixed(3)} s)\n`);
        await closeAll();
        return { rows: 0, tables: [], seconds };
      },
    },
    {
      name: 'server',
      role: 'extra',
      label: 'POST /api/preview of the edited spec from Node (the server\'s part)',
      async prepare(dir) {
        studio = await openStudio(dir);
        // A first preview, as the page makes on load: the job process is warm afterwards.
        await preview(edited().original);
      },
      async run(): Promise<VariantRun> {
        const t0 = performance.now();
        const answer = await preview(edited().text);
        const seconds = (performance.now() - t0) / 1000;
        await closeAll();
        if (!answer.ok) throw new Error(`studio-preview: the preview failed: ${JSON.stringify(answer).slice(0, 300)}`);
        return { rows: 0, tables: [], seconds };
      },
    },
  ],
  assess(m) {
    const lines: string[] = [];
    if (m.edit !== undefined) lines.push(`edit → redrawn preview (Chromium) ${m.edit.toFixed(3)} s; target < ${TARGET_SECONDS} s: ${m.edit < TARGET_SECONDS ? 'met' : 'MISSED'}`);
    if (m.server !== undefined) lines.push(`server's preview (POST /api/preview) ${m.server.toFixed(3)} s`);
    return lines;
  },
};

async function preview(text: string): Promise<{ ok?: boolean }> {
  const r = await fetch(`${studio!.url}api/preview`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: studio!.url.replace(/\/$/, '') },
    body: JSON.stringify({ text }),
  });
  if (!r.ok) throw new Error(`studio-preview: /api/preview answered ${r.status}`);
  return await r.json() as { ok?: boolean };
}
