import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults:short`: the short fault runs (small counts, one kill, 10 s outages, a 20 s
 * soak) on a private stack they start themselves. Not part of `npm test` yet: on the 2-core
 * machine they take about 14 minutes and are not yet reliably green (see the README's "Failure
 * behaviour"), which would take CI past its budget.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/faults/short.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
