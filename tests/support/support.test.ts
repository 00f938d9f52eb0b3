/*
 * The test helpers' own rules: which browser the browser tests get (tests/support/browser.ts) and when golden
 * files are rewritten (tests/support/golden.ts).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMON_FLAGS, findBrowser, SYSTEM_CHROMIUM } from './browser.ts';
import { updateGolden } from './golden.ts';

describe('findBrowser', () => {
  it('DATAGEN_TEST_NPM_BROWSER=1 gives the npm Chromium even when CHROMIUM_PATH is set; it starts and has the test flags', async () => {
    const found = await findBrowser({ DATAGEN_TEST_NPM_BROWSER: '1', CHROMIUM_PATH: process.execPath });
    expect(found.source).toBe('npm');
    expect(existsSync(found.executablePath)).toBe(true);
    for (const flag of COMMON_FLAGS) expect(found.args).toContain(flag);
    expect(found.args).not.toContain('--single-process');
    expect(found.args).not.toContain('--disable-web-security');
    expect(found.env?.FONTCONFIG_PATH).toMatch(/fonts$/);
  });

  it('CHROMIUM_PATH wins over the system browser, and a missing one is an error that names it', async () => {
    await expect(findBrowser({ CHROMIUM_PATH: process.execPath })).resolves.toMatchObject({ source: 'CHROMIUM_PATH', executablePath: process.execPath });
    await expect(findBrowser({ CHROMIUM_PATH: '/nonexistent/chrome' })).rejects.toThrow(/CHROMIUM_PATH=\/nonexistent\/chrome does not exist/);
  });

  it(`without settings: ${SYSTEM_CHROMIUM} when installed, else the npm one`, async () => {
    const found = await findBrowser({});
    expect(found.source).toBe(existsSync(SYSTEM_CHROMIUM) ? 'system' : 'npm');
  });
});

describe('UPDATE_GOLDEN', () => {
  it('only 1 rewrites; unset, empty and 0 compare; anything else is refused', () => {
    expect(updateGolden('1')).toBe(true);
    for (const v of [undefined, '', '0']) expect(updateGolden(v), String(v)).toBe(false);
    for (const v of ['true', 'yes', '2']) expect(() => updateGolden(v), v).toThrow(`UPDATE_GOLDEN=${v}: set UPDATE_GOLDEN=1`);
  });
});
