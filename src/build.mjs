#!/usr/bin/env node
/**
 * `npm run build` (and `prepare`, so `npm ci` leaves a working `npx datagen`): the npm package's dist/.
 *
 *   dist/index.js, dist/bin.js   the library and the `datagen` command: one esbuild build with code splitting, so the
 *                                modules a command loads lazily (`import()`) are chunks of their own (dist/*-HASH.js)
 *                                and `datagen --version` reads only what it needs
 *   dist/worker-main.js          a generation worker thread \  self-contained bundles; they define
 *   dist/output-worker.js        the output thread          /  __DATAGEN_WORKER_BUNDLE__ (faker-js loads on demand)
 *   dist/spec-validator.cjs      the spec schema's validator, precompiled (ajv standalone code, the same ajv options
 *                                and schemas: src/spec/schema-registry.ts createAjv): compiling it costs every
 *                                `compile`/`run` ~0.4 s of CPU
 *   dist/studio/                 `datagen studio`: the page (studio.js, studio.css) and the job process (child.js)
 *   dist/types/                  declarations (tsc, tsconfig.build.json): the `types` of package.json's exports
 *
 * Every JavaScript file sits in dist/ itself, so `new URL('./worker-main.js', import.meta.url)` (the way
 * src/run/workers/pool.ts and src/run/output-thread.ts name a thread's entry) finds it from any chunk.
 * __DATAGEN_DIST__ tells src/cli/bin.js and src/run/workers/bundle.ts that they run built.
 * npm packages stay imports (`packages: 'external'`): they are the package's dependencies.
 *
 * `--js-only` leaves out the declarations (bench/cases/startup.ts rebuilds the JavaScript before it measures).
 *
 * Why esbuild for the JavaScript and tsc only for the types: the sources import with `.ts` extensions, which
 * esbuild resolves as it bundles (tsc would need rewriteRelativeImportExtensions and would leave ~250 files for Node
 * to load one by one at start-up); tsc is the only tool that writes faithful declarations.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const jsOnly = process.argv.includes('--js-only');
// A full build starts from nothing; --js-only keeps dist/types and replaces the JavaScript.
if (jsOnly && existsSync(dist)) for (const f of readdirSync(dist, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.js'))) rmSync(join(dist, f.name));
else rmSync(dist, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outdir: dist,
  entryNames: '[name]',
  logLevel: 'warning',
  legalComments: 'none',
};

await build({
  ...common,
  entryPoints: { index: 'src/index.ts', bin: 'src/cli/bin.js' },
  splitting: true,
  chunkNames: '[name]-[hash]',
  define: { __DATAGEN_DIST__: 'true' },
});
await build({
  ...common,
  entryPoints: { 'worker-main': 'src/run/workers/worker-main.ts', 'output-worker': 'src/run/output-worker.ts' },
  define: { __DATAGEN_DIST__: 'true', __DATAGEN_WORKER_BUNDLE__: 'true' },
});

// The precompiled spec validator: createAjv from the sources (through tsx, a dev dependency like esbuild).
const { tsImport } = await import('tsx/esm/api');
const registry = await tsImport('./spec/schema-registry.ts', import.meta.url);
const standaloneCode = createRequire(import.meta.url)('ajv/dist/standalone').default;
const ajv = registry.createAjv({ source: true });
writeFileSync(join(dist, 'spec-validator.cjs'), standaloneCode(ajv, ajv.getSchema(registry.DOCUMENT_SCHEMA_ID)));

// datagen studio (src/studio, docs/studio.md) in dist/studio/: its page (studio.js and studio.css: CodeMirror, Preact,
// dagre, vega-embed bundled for the browser, no CDN) and its job process (child.js, which imports dist/index.js).
const { pageBuildOptions } = await tsImport('./studio/page-build.ts', import.meta.url);
await build({ ...pageBuildOptions(root), outdir: join(dist, 'studio') });
await build({ ...common, entryPoints: { child: 'src/studio/child.ts' }, outdir: join(dist, 'studio'), define: { __DATAGEN_DIST__: 'true' } });

if (jsOnly) process.exit(0);

// Declarations. Their relative imports keep the sources' `.ts` extension; they are rewritten to `.js`, which
// TypeScript resolves to the `.d.ts` beside it under every moduleResolution a consumer may use.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('build: tsc -p tsconfig.build.json failed');
  process.exit(1);
}
(function rewrite(dir) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (statSync(file).isDirectory()) rewrite(file);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(file, 'utf8');
      const out = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.ts(['"])/g, '$1$2.js$3');
      if (out !== text) writeFileSync(file, out);
    }
  }
})(join(dist, 'types'));
