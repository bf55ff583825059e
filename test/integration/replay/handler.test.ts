/**
 * The `replay` Lambda handler itself, configured from its environment like in AWS, against the
 * real `cdr.dlq` of the embedded stack. Other tests may write to `cdr.dlq` at the same time, so
 * the request names the exact offsets this test wrote and filters on this test's source topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPIC, topicSpec } from '../../../shared/cdr/pipeline.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import type { ReplaySummary } from '../../../shared/replay/summary.ts';
import { testEndpoints, uniqueName } from '../../support/endpoints.ts';
import { endOffsets, originals, type ReplayFixture, replayFixture, writeAwsDeadLetters } from './fixtures.ts';

let f: ReplayFixture;
let handler: (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<ReplaySummary>;

beforeAll(async () => {
  f = await replayFixture();
  await applyCatalog(f.admin, [topicSpec(TOPIC.dlq)]);
  const e = testEndpoints();
  process.env.KAFKA_BROKERS = e.kafkaBrokers.join(',');
  process.env.DYNAMODB_ENDPOINT = e.dynamodbEndpoint;
  process.env.REPLAY_JOB_TABLE = f.tableName;
  ({ handler } = await import('../../../functions/replay/handler.ts'));
});

afterAll(async () => {
  await f?.close();
});

describe('functions/replay handler', () => {
  it('stops before the Lambda timeout with a partial summary, then finishes when invoked again with the same job id', async () => {
    const raw = await f.topic('raw', 2);
    const before = await f.admin.fetchTopicOffsets(TOPIC.dlq);
    const start = Number(before.find((o) => o.partition === 0)?.high);
    await writeAwsDeadLetters(f.writer, TOPIC.dlq, originals(raw, 3), 1);
    const event = {
      jobId: uniqueName('handler'),
      source: TOPIC.dlq,
      // Partition 0 from where this test started writing (others may add records after ours).
      range: { kind: 'offsets', partitions: [{ partition: 0, start }] },
      filter: { sourceTopics: [raw] },
    };

    const cut = await handler(event, { getRemainingTimeInMillis: () => 5_000 });
    expect(cut).toMatchObject({
      partial: true,
      stoppedBecause: 'deadline',
      invocation: { read: 0, republished: 0 },
    });

    const done = await handler(event, { getRemainingTimeInMillis: () => 900_000 });
    expect(done.partial).toBe(false);
    expect(done.total.republished).toBe(3);
    expect(await endOffsets(f.admin, raw)).toBe(3);
  });

  it('rejects an invalid request with a typed error naming the field', async () => {
    await expect(
      handler({ jobId: 'x', source: 'cdr.validated' }, { getRemainingTimeInMillis: () => 900_000 }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('source'),
    });
  });
});
