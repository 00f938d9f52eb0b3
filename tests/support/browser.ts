/**
 * The one place browser tests get a headless Chromium from (issue 20). `npm ci` is enough: when no system
 * browser is present, the Chromium shipped inside the `@sparticuz/chromium` dev dependency is unpacked
 * (to the OS temporary folder, ~2 s the first time) and used.
 *
 * Which browser, in order:
 *   1. DATAGEN_TEST_NPM_BROWSER=1   the npm browser, whatever else is installed (CI and `npm run test:fresh`
 *                                   use it to prove the npm path);
 *   2. CHROMIUM_PATH=/path/to/chrome that executable (an error when it does not exist: it was asked for);
 *   3. /usr/bin/chromium            Debian's package, when installed;
 *   4. otherwise                    the npm browser.
 *
 * Every browser test launches through `launchBrowser()`, so each of them runs on a fresh machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright, type Browser } from 'playwright-core';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
export const FORCE_NPM_ENV = 'DATAGEN_TEST_NPM_BROWSER';

/** Flags every launch gets: no sandbox (containers, root), nothing that reaches the network on its own. */
export const COMMON_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Flags of @sparticuz/chromium's recommended list (made for one-page Lambda runs) that are left out:
 * --single-process ends the whole browser when its first page closes, and the other two relax the page's
 * security model (cross-origin reads from file:// pages, mixed content) while the tests check how a page
 * behaves under the normal one.
 */
const DROPPED_NPM_FLAGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

export interface FoundBrowser {
  executablePath: string;
  args: string[];
  /** Extra environment for the browser process (the npm browser's own fonts). */
  env?: Record<string, string>;
  source: 'CHROMIUM_PATH' | 'system' | 'npm';
}

/** Whether the executable starts (a half-unpacked or foreign-architecture binary does not). */
function starts(exe: string): boolean {
  try {
    return /Chrom/i.test(execFileSync(exe, ['--version'], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
}

/**
 * Several test processes may want the npm browser at once, and @sparticuz/chromium returns `<tmp>/chromium` as
 * soon as that file exists — also while another process is still writing it. A lock directory (mkdir is atomic)
 * serialises the unpacking. Its holder touches it every 5 s, so a lock untouched for a minute is left from a
 * killed process and is taken over (a slow unpack on a loaded machine keeps its lock).
 */
async function withUnpackLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), 'datagen-test-chromium.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const heartbeat = setInterval(() => {
    try {
      utimesSync(lock, new Date(), new Date());
    } catch {
      // taken over after all: the unpack check below still refuses a binary that does not start
    }
  }, 5_000);
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    rmSync(lock, { recursive: true, force: true });
  }
}

let npmBrowser: Promise<FoundBrowser> | undefined;

/** The Chromium inside the @sparticuz/chromium package, unpacked once per machine. */
export function findNpmBrowser(): Promise<FoundBrowser> {
  npmBrowser ??= (async () => {
    let Chromium;
    try {
      Chromium = (await import('@sparticuz/chromium')).default;
    } catch (e) {
      throw new Error(`no system Chromium and the npm one cannot be loaded (${(e as Error).message}): run \`npm ci\` (it installs the @sparticuz/chromium dev dependency), or set CHROMIUM_PATH`);
    }
    Chromium.setGraphicsMode = false; // the reports are SVG: no WebGL, no SwiftShader
    const executablePath = await withUnpackLock(async () => {
      const unpacked = join(tmpdir(), 'chromium');
      // Left half-written by a killed run: unpack again.
      if (existsSync(unpacked) && !starts(unpacked)) rmSync(unpacked, { force: true });
      const exe = await Chromium.executablePath();
      if (!starts(exe)) throw new Error(`the Chromium unpacked from @sparticuz/chromium (${exe}) does not start on this machine (it is a Linux build): set CHROMIUM_PATH to a local Chromium`);
      return exe;
    });
    return {
      executablePath,
      args: [...new Set([...Chromium.args.filter((a) => !DROPPED_NPM_FLAGS.has(a)), ...COMMON_FLAGS])],
      // Its fonts are unpacked beside it (fonts.conf names <tmp>/fonts): text renders the same on any machine.
      env: { FONTCONFIG_PATH: join(tmpdir(), 'fonts') },
      source: 'npm' as const,
    };
  })();
  npmBrowser.catch(() => (npmBrowser = undefined));
  return npmBrowser;
}

/** The browser this machine's tests use (see the file header for the order). */
export async function findBrowser(env: NodeJS.ProcessEnv = process.env): Promise<FoundBrowser> {
  if (env[FORCE_NPM_ENV] === '1') return findNpmBrowser();
  const chosen = env.CHROMIUM_PATH;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CHROMIUM_PATH=${chosen} does not exist: point it at a Chromium executable, or unset it to use ${SYSTEM_CHROMIUM} or the npm browser`);
    return { executablePath: chosen, args: COMMON_FLAGS, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, args: COMMON_FLAGS, source: 'system' };
  return findNpmBrowser();
}

/** Launch the browser headless; `found` says which one it is. */
export async function launchBrowser(): Promise<{ browser: Browser; found: FoundBrowser }> {
  const found = await findBrowser();
  const browser = await playwright.launch({
    executablePath: found.executablePath,
    args: found.args,
    headless: true,
    env: found.env ? { ...process.env, ...found.env } as Record<string, string> : undefined,
    timeout: 0, // bounded by the hook's timeout (tests/vitest.config.ts)
  });
  return { browser, found };
}
