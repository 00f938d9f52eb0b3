// Entry point of a generation worker thread: loads the TypeScript sources through tsx (whatever loader the
// main thread runs under: the CLI, vitest, `node --import tsx`), then serves tasks (worker-main.ts).
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
