import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/*
 * Timeouts are sized for a loaded 2-core machine, not an idle one: the slowest test here takes about 10 s idle,
 * and a shared machine has been seen to run a test 15× slower than that. They are the one place a test's time
 * limit is set (tests do not pass their own), and they only bound a hang: no test asserts how fast anything is —
 * speed is measured in bench/.
 */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 60_000,
    pool: 'forks',
  },
});
