/**
 * Short variants of the fault runs (issue 14; the full ones are `npm run test:faults`): each
 * scenario small — a few thousand CDRs, one kill, 10 s outages, a 20 s soak — on a private stack
 * (three brokers, a Cassandra, a DynamoDB Local under /tmp/orion-faults, beside the shared stack)
 * started once for the file. Every scenario must end with exact accounting checked independently
 * (a full scan of both hot-storage tables, the reject and dead-letter topics read back):
 * generated = stored + rejected + (dead-lettered − replayed), 0 duplicate rows, 0 lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScenarioName, scenarioSpec, soakSummary } from './scenarios.ts';
import { CDR_FAULT_PIPELINE } from './support/fault-pipeline.ts';
import { type FaultStack, startFaultStack } from './support/private-stack.ts';
import {
  type FaultEnvironment,
  openFaultEnvironment,
  runScenario,
  type ScenarioResult,
} from './support/scenario.ts';
import { formatTable } from './support/table.ts';

const pipeline = CDR_FAULT_PIPELINE;
/** Own home and ports (below the ephemeral range), beside the shared stack and `npm run test:faults`. */
const TEST_STACK = {
  home: '/tmp/orion-faults/it-stack',
  kafkaPort: 23092,
  cassandraPort: 23042,
  cassandraStoragePort: 23700,
  dynamodbPort: 23800,
} as const;
let stack: FaultStack | undefined;
let env: FaultEnvironment | undefined;
/** Every scenario's row, printed once at the end (passed or not) so CI's log carries the figures. */
const results: ScenarioResult[] = [];
/** Quiet by default; `ORION_FAULTS_LOG=1` prints the main job's and the faults' lines. */
const log = process.env.ORION_FAULTS_LOG ? (line: string) => console.log(line) : () => undefined;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  stack = await startFaultStack(log, TEST_STACK);
  env = await openFaultEnvironment(stack, log);
}, 300_000);

afterAll(async () => {
  if (results.length > 0) console.log(`\n== fault runs (short)\n${formatTable(results)}`);
  await env?.close();
  await stack?.down();
}, 120_000);

/** Runs the short variant of `name` and checks what every scenario must end with. */
async function run(name: ScenarioName): Promise<{ result: ScenarioResult; summary: string }> {
  const result = await runScenario(env!, pipeline, scenarioSpec(name, pipeline, { profile: 'short' }));
  results.push(result);
  const summary = JSON.stringify({ ...result, timeline: result.timeline?.length }, null, 1);
  const details = result.details as { refusedByBroker: number; expectedIds: number };
  expect(result.generated + details.refusedByBroker, summary).toBe(
    scenarioSpec(name, pipeline, { profile: 'short' }).count,
  );
  expect(result.duplicates, summary).toBe(0);
  expect(result.lost, summary).toBe(0);
  expect(result.stored, summary).toBeGreaterThanOrEqual(details.expectedIds);
  expect(result.generated, summary).toBe(
    result.stored + result.rejected + (result.deadLettered - result.replayed),
  );
  expect(result.exact, summary).toBe(true);
  return { result, summary };
}

describe('fault runs, short (private 3-broker stack)', () => {
  it('a stage worker SIGKILLed mid-batch is replaced; its batches are delivered again, nothing lost or doubled', async () => {
    const { result, summary } = await run('worker-kill');
    const restarts =
      (result.details.mainJob as { workerRestarts?: Record<string, number> }).workerRestarts ?? {};
    expect(
      Object.values(restarts).reduce((a, b) => a + b, 0),
      summary,
    ).toBe(1);
    expect(result.deadLettered, summary).toBe(0);
  }, 300_000);

  it('a broker of three SIGKILLed mid-run: producers ride out the leader failover, nothing lost or doubled', async () => {
    const { result, summary } = await run('broker-kill');
    const fault = result.details.fault as { faults: number; injectedAt: number; restoredAt: number };
    expect(fault.faults, summary).toBe(1);
    // The broker was really away for a while, during the generation (not after it).
    expect(fault.restoredAt - fault.injectedAt, summary).toBeGreaterThanOrEqual(5_000);
    expect(
      result.notes.some((n) => n.startsWith('kafka-2 SIGKILLed')),
      summary,
    ).toBe(true);
  }, 300_000);

  it('a broker of three restarted cleanly, then its leaders elected back (an MSK rolling update): nothing lost or doubled', async () => {
    const { result, summary } = await run('rolling-restart');
    const fault = result.details.fault as { faults: number };
    expect(fault.faults, summary).toBe(1);
    expect(
      result.notes.some((n) => n.startsWith('kafka-1 stopped cleanly')),
      summary,
    ).toBe(true);
    expect(result.deadLettered, summary).toBe(0);
  }, 300_000);

  it('Cassandra stopped 10 s: storage dead-letters what exhausts its retries, the replay brings it home', async () => {
    const { result, summary } = await run('cassandra-stop');
    expect(result.deadLettered, summary).toBeGreaterThan(0);
    expect(result.replayed, summary).toBe(result.deadLettered);
    expect(Object.keys(result.details.deadLettersByStage as object), summary).toEqual(['storage']);
  }, 400_000);

  it('DynamoDB Local stopped 10 s: enrichment dead-letters, the replay brings it home', async () => {
    const { result, summary } = await run('dynamodb-stop');
    expect(result.deadLettered, summary).toBeGreaterThan(0);
    expect(result.replayed, summary).toBe(result.deadLettered);
    expect(Object.keys(result.details.deadLettersByStage as object), summary).toEqual(['enrichment']);
  }, 300_000);

  it('a replay SIGKILLed half-way and resumed with the same job id republishes each dead letter once', async () => {
    const { result, summary } = await run('replay-kill');
    const replays = result.details.replays as Array<{ killedAt?: number }>;
    expect(replays.length, summary).toBe(2);
    expect(replays[0]!.killedAt, summary).toBeGreaterThan(0);
    const onTopics = result.details.replayedOnTopics as { records: number; distinct: number };
    // Each dead letter republished once across the kill: as many records on the topics as the job
    // republished, each with its own replay id.
    expect(onTopics.records, summary).toBe(result.details.republished);
    expect(onTopics.distinct, summary).toBe(onTopics.records);
    expect(result.replayed, summary).toBe(result.deadLettered);
  }, 300_000);

  it('a 20 s soak reports RSS and lag over time for every process, with their slope', async () => {
    const { result, summary } = await run('soak');
    const soak = soakSummary(result);
    expect(soak.samples, summary).toBeGreaterThanOrEqual(10);
    for (const name of [
      'validation worker',
      'storage worker',
      'kafka-1',
      'kafka-3',
      'cassandra',
      'dynamodb',
    ]) {
      expect(soak.rssMb[name]?.max, `${name}: ${JSON.stringify(soak)}`).toBeGreaterThan(0);
    }
    expect(Number.isFinite(soak.lag.slopePerMinute), summary).toBe(true);
  }, 300_000);
});
