import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults:short`: the CDR pipeline's short fault runs (small counts, one kill, 10 s
 * outages, a 20 s soak) on a private stack they start themselves, 7–9 minutes on the 2-core machine.
 * `npm test` runs them after the unit and stack projects. The full-size runs are `npm run test:faults`.
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
