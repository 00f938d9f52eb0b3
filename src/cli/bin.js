#!/usr/bin/env node
// Entry point of the `datagen` command. It runs the CLI from its esbuild bundle (node_modules/.cache/datagen/,
// rebuilt when a source changes: src/engine/workers/bundle.ts), which starts in ~0.6 s; building it, or running
// without it (no esbuild, a read-only install, DATAGEN_WORKER_TSX set), goes through tsx (~1.2 s).
import { fileURLToPath } from 'node:url';
import { cachedBundle } from '../engine/workers/bundle-cache.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let entry = process.env.DATAGEN_WORKER_TSX ? null : cachedBundle(root, 'cli');
if (!entry) {
  const { register } = await import('tsx/esm/api');
  register();
  if (!process.env.DATAGEN_WORKER_TSX) entry = (await import('../engine/workers/bundle.ts')).workerBundle('cli');
}
// main and installSignalHandlers from one module graph: the interrupt handler must see this run's outputs.
const { main, installSignalHandlers } = await import(entry ? entry.href : './main.ts');
installSignalHandlers(); // SIGINT/SIGTERM/SIGHUP/SIGQUIT and stdout errors: src/cli/signals.ts
// A reader that stops early (`datagen labels out.duckdb | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
