#!/usr/bin/env node
// Entry point of the `datagen` command. The npm package runs it built: dist/bin.js, bundled with the CLI by
// `npm run build` (src/build.mjs; `npm ci` builds through `prepare`), which defines __DATAGEN_DIST__. Run from the
// sources (`node src/cli/bin.js`, the tests), it registers tsx first for the TypeScript modules (~1 s slower).
if (typeof __DATAGEN_DIST__ === 'undefined') (await import('tsx/esm/api')).register();
// main and removeUnfinishedOutputs from one module graph: the interrupt handler must see this run's outputs.
const { main, removeUnfinishedOutputs } = await import('./main.ts');
// An interrupted run leaves any earlier output as it was and no temporary file behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    removeUnfinishedOutputs();
    process.stderr.write(`\ninterrupted: nothing was written\n`);
    // Not process.exit(): DuckDB's exit-time cleanup can block while its threads are busy.
    process.kill(process.pid, 'SIGKILL');
  });
}
// A reader that stops early (`datagen labels out.duckdb | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
