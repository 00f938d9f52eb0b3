#!/usr/bin/env node
// Entry point of the `datagen` command. The npm package runs it built: dist/bin.js, bundled with the CLI by
// `npm run build` (src/build.mjs; `npm ci` builds through `prepare`), which defines __DATAGEN_DIST__. Run from the
// sources (`node src/cli/bin.js`, the tests), it registers tsx first for the TypeScript modules (~1 s slower).
if (typeof __DATAGEN_DIST__ === 'undefined') (await import('tsx/esm/api')).register();
// main and installSignalHandlers from one module graph: the interrupt handler must see this run's outputs.
const { main, installSignalHandlers } = await import('./main.ts');
installSignalHandlers(); // SIGINT/SIGTERM/SIGHUP/SIGQUIT and stdout errors: src/cli/signals.ts
// A reader that stops early (`datagen labels out.duckdb | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
