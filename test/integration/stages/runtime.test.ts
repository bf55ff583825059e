/**
 * The stage runtime against the real embedded Kafka broker: the handler's one batched produce
 * lands forwards on the next topic and rejects (original key, bytes, headers + failure headers)
 * on the reject topic; transient failures come back as the AWS partial batch response; a produce
 * that fails makes every unconfirmed record a failure. Unique topics per run.
 */
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { loadRuntimeConfig } from '../../../shared/runtime/config.ts';
import { createKafkaHandler, type KafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import { forward, reject, TransientError } from '../../../shared/runtime/outcome.ts';
import { perRecordStage } from '../../../shared/runtime/stage.ts';
import { testEndpoints, testKafka, uniqueName } from '../../support/endpoints.ts';
import { endOffsets, mskEventOf, readSince } from './kafka-io.ts';

const brokers = testEndpoints().kafkaBrokers;
const SRC = uniqueName('it.runtime.src');
const OUT = uniqueName('it.runtime.out');
const REJ = uniqueName('it.runtime.rej');

let kafka: Kafka;
let admin: Admin;
const handlers: KafkaHandler[] = [];

/** value `ok…` → forward to OUT (or to `target`), `bad…` → reject, `boom…` → transient failure. */
function stageTo(target: string) {
  return perRecordStage('validation', (record) => {
    const v = record.value?.toString() ?? '';
    if (v.startsWith('bad')) return reject('UNPARSEABLE', 'not a CDR');
    if (v.startsWith('boom')) throw new TransientError('STORAGE_UNAVAILABLE', 'down');
    return forward(target, record.key, `out:${v}`, { headers: { 'orion.stage.out': 'validation' } });
  });
}

function handlerTo(target: string, env: Record<string, string> = {}): KafkaHandler {
  const h = createKafkaHandler(stageTo(target), {
    config: loadRuntimeConfig({ KAFKA_BROKERS: brokers.join(','), KAFKA_CLIENT_ID: 'it-runtime', ...env }),
    rejectTopic: REJ,
  });
  handlers.push(h);
  return h;
}

beforeAll(async () => {
  kafka = testKafka('it-runtime', brokers);
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: SRC, numPartitions: 3 },
      { topic: OUT, numPartitions: 3 },
      { topic: REJ, numPartitions: 1 },
    ],
  });
});

afterAll(async () => {
  for (const h of handlers) await h.close();
  await admin?.deleteTopics({ topics: [SRC, OUT, REJ] }).catch(() => undefined);
  await admin?.disconnect();
});

/** Produces `values` to SRC, partition by index, and returns them as read back from the broker. */
async function seed(values: string[]) {
  const before = await endOffsets(admin, SRC);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: SRC,
    messages: values.map((v, i) => ({
      partition: i % 3,
      key: `key-${i}`,
      value: v,
      headers: { traceparent: `00-${i}`, 'x-origin': 'it' },
    })),
  });
  await producer.disconnect();
  return readSince(kafka, admin, SRC, before);
}

describe('stage runtime on the real broker', () => {
  it('forwards, rejects with failure headers, and reports a transient failure with the records held back after it', async () => {
    // partition 0: ok bad ok ; partition 1: ok boom ok ; partition 2: bad ok ok
    const input = await seed(['ok-0', 'ok-1', 'bad-2', 'bad-3', 'boom-4', 'ok-5', 'ok-6', 'ok-7', 'ok-8']);
    expect(input).toHaveLength(9);
    const outBefore = await endOffsets(admin, OUT);
    const rejBefore = await endOffsets(admin, REJ);

    const response = await handlerTo(OUT)(mskEventOf(input, brokers.join(',')));

    // The failed record and the one held back after it on its partition (ok-7), nothing else.
    const boom = input.find((r) => r.value?.toString() === 'boom-4')!;
    const retried = input.filter((r) => r.partition === boom.partition && r.offset >= boom.offset);
    expect(retried.map((r) => r.value?.toString())).toEqual(['boom-4', 'ok-7']);
    expect(response).toEqual({
      batchItemFailures: retried.map((r) => ({
        itemIdentifier: { partition: `${SRC}-${r.partition}`, offset: r.offset },
      })),
    });

    const out = await readSince(kafka, admin, OUT, outBefore);
    // 'ok-7' is on boom's partition after it: held back (redelivered by the ESM), not produced.
    expect(out.map((r) => r.value?.toString()).sort()).toEqual([
      'out:ok-0',
      'out:ok-1',
      'out:ok-5',
      'out:ok-6',
      'out:ok-8',
    ]);
    for (const r of out) {
      const i = Number(r.value!.toString().split('-')[1]);
      expect(r.key?.toString()).toBe(`key-${i}`); // key preserved
      expect(r.headers['orion.stage.out']?.toString()).toBe('validation');
    }

    const rejected = await readSince(kafka, admin, REJ, rejBefore);
    expect(rejected).toHaveLength(2);
    for (const r of rejected) {
      const source = input.find((s) => s.key?.equals(r.key!))!;
      expect(r.value?.equals(source.value!)).toBe(true); // original bytes
      expect(r.headers.traceparent?.toString()).toBe(source.headers.traceparent?.toString()); // original headers kept
      const meta = decodeFailureHeaders(r.headers)!;
      expect(meta).toMatchObject({
        reason: 'UNPARSEABLE',
        message: 'not a CDR',
        stage: 'validation',
        sourceTopic: SRC,
        sourcePartition: source.partition,
        sourceOffset: source.offset,
        sourceTimestamp: source.timestamp,
      });
      expect(Math.abs(meta.failedAt - Date.now())).toBeLessThan(60_000);
    }
  });

  it('reuses its producer across invocations (same execution environment)', async () => {
    const handler = handlerTo(OUT);
    const outBefore = await endOffsets(admin, OUT);
    await handler(mskEventOf(await seed(['ok-a']), brokers.join(',')));
    await handler(mskEventOf(await seed(['ok-b']), brokers.join(',')));
    // A new execution environment (cold start) gets a producer of its own.
    await handlerTo(OUT)(mskEventOf(await seed(['ok-c']), brokers.join(',')));
    const out = await readSince(kafka, admin, OUT, outBefore);
    const producerOf = (value: string) => out.find((r) => r.value?.toString() === value)?.producerId;
    expect(out.map((r) => r.value?.toString()).sort()).toEqual(['out:ok-a', 'out:ok-b', 'out:ok-c']);
    // Idempotent producers get a broker-assigned id: the same one proves the same producer.
    expect(Number(producerOf('out:ok-a'))).toBeGreaterThanOrEqual(0);
    expect(producerOf('out:ok-b')).toBe(producerOf('out:ok-a'));
    expect(producerOf('out:ok-c')).not.toBe(producerOf('out:ok-a'));
  });

  it('reports every record whose output was not confirmed when the produce fails', async () => {
    const missing = uniqueName('it.runtime.missing'); // never created; auto-creation is off
    const input = await seed(['ok-x', 'ok-y', 'bad-z']);
    const rejBefore = await endOffsets(admin, REJ);
    const response = await handlerTo(missing, { KAFKA_PRODUCE_TIMEOUT_MS: '4000' })(
      mskEventOf(input, brokers.join(',')),
    );
    expect(
      response.batchItemFailures
        .map((f) => f.itemIdentifier)
        .sort((x, y) => x.partition.localeCompare(y.partition)),
    ).toEqual(input.map((r) => ({ partition: `${SRC}-${r.partition}`, offset: r.offset })));
    // Nothing was written (the produce failed before any append), and every record will be redelivered.
    expect(await endOffsets(admin, REJ)).toEqual(rejBefore);
  });
});
