#!/usr/bin/env node
// Entry point of the `datagen` command: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
const { removeUnfinishedOutputs } = await import('../sinks/duckdb.ts');
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
