/**
 * End to end on the real stack: the storage stage (real runtime handler) fed by the ESM emulator
 * with the storage stage's mapping settings; Cassandra is stopped in the middle of the run, so the
 * records of that window exhaust their retries and reach the on-failure topic in AWS's format;
 * Cassandra comes back; the replay job republishes them to their source topic; the mapping stores
 * them — every CDR exactly once.
 *
 * Topics, consumer group and keyspace are private to the test. Stopping Cassandra affects whoever
 * shares the stack for ~30 s; Cassandra is restarted in `finally` whatever happens.
 */
import type cassandra from 'cassandra-driver';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComponent, stopComponent } from '../../../localstack/embedded/stack.ts';
import {
  type EventSourceMappingHandle,
  startEventSourceMapping,
} from '../../../localstack/esm/event-source-mapping.ts';
import { CDR_PIPELINE, stageSpec } from '../../../shared/cdr/pipeline.ts';
import { storageStage } from '../../../shared/cdr/stages/storage-stage.ts';
import type { CdrRepository } from '../../../shared/cdr/storage/cdr-repository.ts';
import { CDR_TABLE } from '../../../shared/cdr/storage/cdr-schema.ts';
import { toEnrichedCdr } from '../../../shared/cdr/storage/stored-cdr.ts';
import { PRODUCER_CONFIG } from '../../../shared/kafka/client.ts';
import { createBatchProducer } from '../../../shared/kafka/producer.ts';
import { eventSourceMappingSettings } from '../../../shared/pipeline/esm-settings.ts';
import { eventSourceMappingsOf } from '../../../shared/pipeline/index.ts';
import { runReplay } from '../../../shared/replay/replay-job.ts';
import { parseReplayRequest } from '../../../shared/replay/request.ts';
import { createKafkaHandler, type KafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import type { LocalCassandraConfig } from '../../../shared/storage/cassandra/config.ts';
import { testEndpoints, uniqueName } from '../../support/endpoints.ts';
import { sampleEnrichedCdr } from '../../unit/cdr/enriched-cdr-fixture.ts';
import { disposeStorageFixture, repositoryFixture } from '../storage/cassandra-fixture.ts';
import { endOffsets, type ReplayFixture, replayFixture } from './fixtures.ts';

const BEFORE = 20;
const DURING = 30;

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(v)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let f: ReplayFixture;
let client: cassandra.Client;
let config: LocalCassandraConfig;
let repo: CdrRepository;
let handler: KafkaHandler;
let mapping: EventSourceMappingHandle | undefined;
let producer: Producer;

beforeAll(async () => {
  if (testEndpoints().external.cassandra) {
    throw new Error('this test stops the embedded Cassandra; CASSANDRA_CONTACT_POINTS points elsewhere');
  }
  f = await replayFixture();
  ({ client, config, repo } = await repositoryFixture('it_replay'));
  handler = createKafkaHandler(storageStage({ writer: repo }), {
    producer: createBatchProducer(f.connections, { timeoutMs: 10_000 }),
  });
  producer = f.kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
});

afterAll(async () => {
  await mapping?.stop().catch(() => {});
  await producer?.disconnect();
  await handler?.close();
  if (client) await disposeStorageFixture(client, config.keyspace);
  await f?.close();
});

describe('Cassandra outage → cdr.dlq → replay', () => {
  it('stores every CDR exactly once after the replay', async () => {
    const enriched = await f.topic('enriched', 3);
    const dlq = await f.topic('dlq', 2);
    const storage = stageSpec('storage');
    const [spec] = eventSourceMappingsOf(storage);
    mapping = await startEventSourceMapping({
      kafka: f.kafka,
      brokers: testEndpoints().kafkaBrokers,
      producer,
      stage: storage.name,
      handler: (event) => handler(event),
      // The storage stage's settings (batch size, bisect, partial batch response), on private topics;
      // fewer retries and no maximum record age so that the outage window is short.
      config: eventSourceMappingSettings(storage, spec!, {
        functionName: 'orion-storage',
        overrides: {
          topic: enriched,
          consumerGroupId: uniqueName('it-replay-storage'),
          maximumRetryAttempts: 2,
          maximumRecordAgeInSeconds: -1,
          onFailureDestination: `kafka://${dlq}`,
        },
      }),
      retryBackoffMs: 50,
      retryBackoffMaxMs: 200,
    });
    const cdrs = Array.from({ length: BEFORE + DURING }, (_, i) =>
      sampleEnrichedCdr(50_000 + i, { imsi: `20801000000${String(i).padStart(4, '0')}` }),
    );
    const produce = (list: typeof cdrs) =>
      producer.send({
        topic: enriched,
        acks: -1,
        messages: list.map((c) => ({ key: c.imsi, value: JSON.stringify(c) })),
      });
    const stored = () => repo.countAll(CDR_TABLE.byId);
    const group = mapping.config.consumerGroupId;
    const drained = async () => {
      const [committed] = await f.admin.fetchOffsets({ groupId: group, topics: [enriched] });
      const ends = await f.admin.fetchTopicOffsets(enriched);
      return ends.every(
        (e) =>
          Number(committed?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1) ===
          Number(e.high),
      );
    };

    // 1. Normal operation.
    await produce(cdrs.slice(0, BEFORE));
    await until('the first CDRs stored', stored, (n) => n === BEFORE, 60_000);

    // 2. Cassandra stops: the next CDRs fail, are retried, then written to the on-failure topic.
    let outageMs = 0;
    const stoppedAt = Date.now();
    try {
      await stopComponent('cassandra');
      await produce(cdrs.slice(BEFORE));
      // The mapping is done with the outage CDRs once its group has committed the topic's end.
      await until('the mapping to commit every outage CDR', drained, (d) => d, 120_000);
    } finally {
      await startComponent('cassandra');
      outageMs = Date.now() - stoppedAt;
    }
    await until(
      'Cassandra queryable again',
      () => client.execute('SELECT release_version FROM system.local'),
      () => true,
      120_000,
    );
    const inDlq = await endOffsets(f.admin, dlq);
    expect(await stored()).toBe(BEFORE);
    expect(
      inDlq,
      `${DURING - inDlq} of the ${DURING} CDRs that failed during the outage were committed without being stored ` +
        'nor sent to the on-failure topic: the stage runtime names only the first failed record of each partition ' +
        'in batchItemFailures, while the event source mapping retries only the records named there ' +
        '(AWS: "so Lambda can retry only the failed records")',
    ).toBe(DURING);

    // 3. Replay the DLQ to the records' source topic; the running mapping stores them.
    const summary = await runReplay(
      parseReplayRequest({ jobId: uniqueName('outage'), filter: { stages: ['storage'] } }, CDR_PIPELINE),
      f.deps(dlq),
    );
    expect(summary).toMatchObject({
      partial: false,
      total: { read: DURING, matched: DURING, republished: DURING },
    });
    await until('every CDR stored', stored, (n) => n >= BEFORE + DURING, 120_000);
    // Let the mapping drain anything else (it must not store a second row).
    await new Promise((r) => setTimeout(r, 2_000));

    expect(await repo.countAll(CDR_TABLE.byId)).toBe(BEFORE + DURING);
    expect(await repo.countAll(CDR_TABLE.bySubscriberDay)).toBe(BEFORE + DURING);
    for (const c of [cdrs[0], cdrs[BEFORE], cdrs[BEFORE + DURING - 1]]) {
      const row = await repo.byId(c!.cdr_id);
      expect(row && toEnrichedCdr(row)).toEqual(c);
    }
    expect(await endOffsets(f.admin, dlq)).toBe(DURING); // nothing failed again
    expect(await endOffsets(f.admin, enriched)).toBe(BEFORE + 2 * DURING); // originals + replays
    console.info(
      `[replay] Cassandra down for ${(outageMs / 1000).toFixed(1)} s; replayed ${summary.total.republished} CDRs in ${summary.durationMs} ms`,
    );
  }, 400_000);
});
