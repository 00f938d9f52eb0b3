// Entry point of a worker thread when its esbuild bundle is not available (bundle.ts): loads the TypeScript sources
// through tsx (whatever loader the main thread runs under: the CLI, vitest, `node --import tsx`), then runs the
// worker's own entry, `workerData.tsxEntry` (worker-main.ts for generation, src/run/output-worker.ts for output).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.tsxEntry ?? './worker-main.ts');
