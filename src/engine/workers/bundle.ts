/**
 * The code of a thread as one ES module bundled with esbuild (npm packages stay external imports), cached in
 * `node_modules/.cache/datagen/` and rebuilt when a source file changes: the generation workers, the output
 * thread and the CLI itself. A worker then starts in ~0.4 s instead of ~1.3 s through tsx (which resolves and
 * transforms ~100 TypeScript modules per thread), the CLI in ~0.6 s instead of ~1.2 s. When esbuild is not
 * available or the cache folder is not writable, everything loads through tsx (worker.js, bin.js).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT as ROOT } from '../../paths.ts';
import { cacheDir, cachedBundle } from './bundle-cache.js';

/** Entry points by bundle name: generation workers, the output thread, the CLI (src/cli/bin.js loads it). */
const ENTRIES = {
  worker: join(ROOT, 'src', 'engine', 'workers', 'worker-main.ts'),
  output: join(ROOT, 'src', 'sinks', 'output-worker.ts'),
  cli: join(ROOT, 'src', 'cli', 'main.ts'),
} as const;
export type BundleName = keyof typeof ENTRIES;

interface Manifest {
  file: string;
  inputs: Record<string, number>;
}

const cache = new Map<BundleName, URL | null>();

/** URL of the bundled worker module, or null (use the tsx entry point). */
export function workerBundle(name: BundleName = 'worker'): URL | null {
  if (cache.has(name)) return cache.get(name)!;
  const url = buildBundle(name);
  cache.set(name, url);
  return url;
}

function buildBundle(name: BundleName): URL | null {
  if (process.env.DATAGEN_WORKER_TSX) return null;
  try {
    const dir = cacheDir(ROOT);
    const manifestFile = join(dir, `${name}.json`);
    const cached = cachedBundle(ROOT, name);
    if (cached) return cached;
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    // __DATAGEN_WORKER_BUNDLE__: the faker-js library is loaded only by workers whose plan needs it (faker/lib.ts);
    // the CLI's main thread compiles faker columns (their probes need faker-js) and loads it with the module.
    const define: Record<string, string> = name === 'cli' ? {} : { __DATAGEN_WORKER_BUNDLE__: 'true' };
    const r = esbuild.buildSync({ entryPoints: [ENTRIES[name]], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, metafile: true, logLevel: 'silent', absWorkingDir: ROOT, define });
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
 * Start a worker of bundle `name` with `data` as its workerData: the bundle without the TypeScript loader (plain
 * JavaScript: `--import tsx` costs ~0.3 s per thread), or else worker.js, which loads the entry through tsx.
 * Node options a worker does not accept (`--trace-gc`, ...) are left out rather than failing the run.
 */
export function startWorker(name: BundleName, data: Record<string, unknown>): Worker {
  const bundle = workerBundle(name);
  const workerData = { ...data, tsxEntry: pathToFileURL(ENTRIES[name]).href };
  if (!bundle) return new Worker(pathToFileURL(join(ROOT, 'src', 'engine', 'workers', 'worker.js')), { workerData });
  try {
    return new Worker(bundle, { workerData, execArgv: withoutTsx(process.execArgv) });
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(bundle, { workerData, execArgv: [] });
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
