import { describe, expect, it } from 'vitest';
import { readBatchResponse } from '../../../localstack/esm/batch-response.ts';
import {
  batchItemIdentifier,
  encodeKafkaEvent,
  kafkaItemIdentifier,
} from '../../../shared/kafka/msk-event.ts';
import { createStageMetrics } from '../../../shared/observability/metrics.ts';
import { createKafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import { forward, TransientError } from '../../../shared/runtime/outcome.ts';
import { perRecordStage } from '../../../shared/runtime/stage.ts';
import { quietLogger } from '../../support/handler-doubles.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

describe('partial batch response (Kafka)', () => {
  it('batchItemIdentifier serializes to exactly {"partition":"<topic>-<partition>","offset":<number>}', () => {
    expect(JSON.stringify(batchItemIdentifier('cdr.raw.fr', 3, 100))).toBe(
      '{"partition":"cdr.raw.fr-3","offset":100}',
    );
  });

  it('the handler returns the documented schema, byte for byte, and the emulator reads it as those records', async () => {
    const handler = createKafkaHandler(
      perRecordStage('validation', (record) => {
        if (record.offset === 100) throw new TransientError('STORAGE_UNAVAILABLE', 'down');
        return forward('cdr.validated', record.key, 'ok', { eventTimeMs: 1_700_000_000_000 });
      }),
      {
        producer: { send: async () => {} },
        rejectTopic: 'cdr.rejected',
        logger: quietLogger(),
        metrics: createStageMetrics('validation', 'test'),
        now: () => 1_700_000_100_000,
      },
    );
    const records = [99, 100].map((offset) => ({
      topic: 'cdr.raw.fr',
      partition: 3,
      offset,
      timestamp: 1_700_000_000_000,
      key: Buffer.from('k'),
      value: Buffer.from('v'),
    }));
    const event = encodeKafkaEvent(records, { bootstrapServers: '127.0.0.1:9092' });
    const response = await handler(event);

    // What Lambda receives: the handler's return value serialized to JSON.
    const wire = JSON.stringify(response);
    expect(wire).toBe('{"batchItemFailures":[{"itemIdentifier":{"partition":"cdr.raw.fr-3","offset":100}}]}');
    // The partition value is the event's `records` key of that record.
    expect(Object.keys(event.records)).toContain(
      JSON.parse(wire).batchItemFailures[0].itemIdentifier.partition,
    );

    const invoked = new Set(records.map((r) => kafkaItemIdentifier(r.topic, r.partition, r.offset)));
    expect(readBatchResponse(JSON.parse(wire), invoked, true)).toEqual({
      kind: 'partial',
      failedIds: new Set(['cdr.raw.fr-3@100']),
    });
  });
});
