/**
 * Starting a thread (generation worker, output thread) from its entry module, given as the URL of its built
 * JavaScript: `new URL('./worker-main.js', import.meta.url)` (pool.ts, src/run/output-thread.ts).
 *
 * - Built (dist/, what the npm package runs: `npm run build`, src/build.mjs): that file exists next to the module
 *   that asks (every chunk lives in dist/) and is started as is. Nothing is bundled or written at run time.
 * - From the sources (vitest, `node --import tsx`, bench/, `node src/cli/bin.js`): the `.ts` beside the URL is the
 *   entry. It is bundled once with esbuild (a dev dependency) into `node_modules/.cache/datagen/` of the checkout
 *   and rebuilt when a source changes, so a worker starts in ~0.4 s instead of ~1.3 s through tsx (which resolves
 *   and transforms ~100 TypeScript modules per thread); without esbuild or a writable cache it loads through tsx
 *   (worker.js).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT as ROOT } from '../../paths.ts';
import { cacheDir, cachedBundle } from './bundle-cache.js';

/** Defined (true) by src/build.mjs in the built package: threads start from their built files. */
declare const __DATAGEN_DIST__: boolean | undefined;

/** The TypeScript entry point beside a thread's built-file URL (`x.js` → `x.ts`), for runs from the sources. */
function sourceEntry(entry: URL): string {
  return fileURLToPath(entry).replace(/\.js$/, '.ts');
}

interface Manifest {
  file: string;
  inputs: Record<string, number>;
}

const cache = new Map<string, URL | null>();

/** From the sources: the URL of the cached esbuild bundle of the thread whose built file would be `entry`, or
 *  null (use the tsx entry point). Bundles are named after the entry file (`worker-main`, `output-worker`). */
export function workerBundle(entry: URL): URL | null {
  const name = basename(fileURLToPath(entry), '.js');
  if (cache.has(name)) return cache.get(name)!;
  const url = buildBundle(name, sourceEntry(entry));
  cache.set(name, url);
  return url;
}

function buildBundle(name: string, source: string): URL | null {
  if (process.env.DATAGEN_WORKER_TSX) return null;
  try {
    const dir = cacheDir(ROOT);
    const manifestFile = join(dir, `${name}.json`);
    const cached = cachedBundle(ROOT, name);
    if (cached) return cached;
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    // __DATAGEN_WORKER_BUNDLE__: the faker-js library is loaded only by workers whose plan needs it (faker/lib.ts).
    const define = { __DATAGEN_WORKER_BUNDLE__: 'true' };
    const r = esbuild.buildSync({ entryPoints: [source], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT, define });
    const code = r.outputFiles[0].text;
    const inputs: Record<string, number> = {};
    for (const f of Object.keys(r.metafile.inputs)) inputs[f] = statSync(join(ROOT, f)).mtimeMs; // paths relative to ROOT
    const file = `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
    mkdirSync(dir, { recursive: true });
    const tmp = `${join(dir, file)}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, join(dir, file));
    const mtmp = `${manifestFile}.${process.pid}.tmp`;
    writeFileSync(mtmp, JSON.stringify({ file, inputs } satisfies Manifest));
    renameSync(mtmp, manifestFile);
    // Bundles of earlier sources: remove those not touched for an hour (a run started before may still load one).
    for (const f of readdirSync(dir)) {
      if (f !== file && f.startsWith(`${name}-`) && f.endsWith('.mjs') && statSync(join(dir, f)).mtimeMs < Date.now() - 3_600_000) rmSync(join(dir, f), { force: true });
    }
    return pathToFileURL(join(dir, file));
  } catch {
    return null;
  }
}

/**
 * Start the thread whose built entry is `entry` with `data` as its workerData: built, that file; from the sources,
 * its bundle without the TypeScript loader (plain JavaScript: `--import tsx` costs ~0.3 s per thread), or else
 * worker.js, which loads the `.ts` entry through tsx. Node options a worker does not accept (`--trace-gc`, ...)
 * are left out rather than failing the run.
 */
export function startWorker(entry: URL, data: Record<string, unknown>): Worker {
  if (typeof __DATAGEN_DIST__ !== 'undefined') return withExecArgv(entry, data);
  const bundle = workerBundle(entry);
  const workerData = { ...data, tsxEntry: pathToFileURL(sourceEntry(entry)).href };
  if (!bundle) return new Worker(new URL('./worker.js', import.meta.url), { workerData });
  return withExecArgv(bundle, workerData);
}

function withExecArgv(file: URL, workerData: Record<string, unknown>): Worker {
  try {
    return new Worker(file, { workerData, execArgv: withoutTsx(process.execArgv) });
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(file, { workerData, execArgv: [] });
  }
}

/** Node options without `--import tsx` / `--loader tsx` (and their `=` forms). */
function withoutTsx(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if ((a === '--import' || a === '--loader' || a === '--require' || a === '-r') && /tsx/.test(args[i + 1] ?? '')) {
      i++;
      continue;
    }
    if (/^--(import|loader|require)=.*tsx/.test(a)) continue;
    out.push(a);
  }
  return out;
}
