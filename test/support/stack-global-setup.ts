/**
 * Vitest global setup of the `stack` project: makes sure the real Kafka, Cassandra and DynamoDB
 * Local are up before any integration test runs, and says which ones it started and which it
 * reused. At teardown it stops only what it started, and only when no other test run (another
 * terminal, another engineer) still uses the stack. `ORION_KEEP_STACK=1` keeps everything running.
 *
 * Components given by `KAFKA_BROKERS`, `CASSANDRA_CONTACT_POINTS` or `DYNAMODB_ENDPOINT` are only
 * health-checked; if they are unreachable the run fails with the reason.
 */
import { stackUp, stopComponent } from '../../localstack/embedded/stack.ts';
import type { ComponentName } from '../../localstack/embedded/types.ts';
import { acquireLease, otherLeasesAlive, releaseLease } from './stack-lease.ts';

const PREFIX = '[orion stack]';

/** Brings the stack up (or reuses it) and returns the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  const lease = acquireLease();
  const started = Date.now();
  let reports: Awaited<ReturnType<typeof stackUp>>;
  try {
    reports = await stackUp({ log: (line) => console.log(`${PREFIX} ${line}`) });
  } catch (error) {
    releaseLease(lease);
    throw new Error(
      `${PREFIX} the integration tests need Kafka, Cassandra and DynamoDB Local and the stack could not start:\n` +
        `${error instanceof Error ? error.message : String(error)}`,
    );
  }
  for (const r of reports) {
    const how =
      r.outcome === 'started'
        ? `STARTED embedded ${r.component} ${r.version} (pid ${r.pids.join(',')}) in ${((r.coldStartMs ?? 0) / 1000).toFixed(1)} s`
        : r.outcome === 'reused'
          ? `REUSED running embedded ${r.component} ${r.version} (pid ${r.pids.join(',')})`
          : `EXTERNAL ${r.component} (from the environment)`;
    console.log(`${PREFIX} ${how} at ${r.address}`);
  }
  console.log(`${PREFIX} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const ours = reports.filter((r) => r.outcome === 'started').map((r) => r.component);

  return async () => {
    releaseLease(lease);
    if (ours.length === 0) return;
    if (process.env.ORION_KEEP_STACK === '1') {
      console.log(`${PREFIX} ORION_KEEP_STACK=1: leaving ${ours.join(', ')} running`);
      return;
    }
    if (otherLeasesAlive()) {
      console.log(`${PREFIX} another test run still uses the stack: leaving ${ours.join(', ')} running`);
      return;
    }
    for (const component of ours as ComponentName[]) await stopComponent(component);
    console.log(`${PREFIX} stopped what this run started: ${ours.join(', ')}`);
  };
}
