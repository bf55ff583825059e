import { defineConfig } from 'vitest/config';

/**
 * Two projects:
 * - `unit` (test/unit, test/infra): pure code, no services, runs in parallel;
 * - `stack` (test/integration, test/e2e): real Kafka, Cassandra and DynamoDB Local, brought up by
 *   the global setup when not already running; files run one at a time because they share
 *   one broker on a 2-core machine.
 */
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'stack',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/stack-global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
