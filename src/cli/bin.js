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
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
process.exitCode = await main(process.argv.slice(2));
