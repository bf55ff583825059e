import type { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { encodeKafkaEvent, type RawKafkaRecord } from '../../../shared/kafka/msk-event.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import { createLogger } from '../../../shared/observability/logger.ts';
import { createStageMetrics, type StageMetric } from '../../../shared/observability/metrics.ts';
import { UnsupportedEventError } from '../../../shared/runtime/errors.ts';
import { createKafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import { forward, type Outcome, reject, TransientError } from '../../../shared/runtime/outcome.ts';
import { perRecordStage, type Stage } from '../../../shared/runtime/stage.ts';
import { quietLogger, recordingProducer } from '../../support/handler-doubles.ts';
import { captureOutput } from '../observability/capture.ts';

// Metrics are covered by test/unit/observability; keep this output quiet.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const quietMetrics = (): Metrics => createStageMetrics('validation', 'test');

function raw(topic: string, partition: number, offset: number, value: string, key = 'k'): RawKafkaRecord {
  return {
    topic,
    partition,
    offset,
    timestamp: 1_700_000_000_000 + offset,
    key: Buffer.from(key),
    value: Buffer.from(value),
  };
}

/** value "ok" → forward, "bad" → reject, "boom" → throw (transient), "crash" → non-Transient throw. */
function decide(record: StageRecord): Outcome {
  const v = record.value?.toString() ?? '';
  if (v.startsWith('bad')) return reject('UNPARSEABLE', 'cannot parse');
  if (v.startsWith('boom')) throw new TransientError('STORAGE_UNAVAILABLE', 'down');
  if (v.startsWith('crash')) throw new TypeError('bug');
  return forward('cdr.validated', record.key, `fwd:${v}`, { eventTimeMs: 1_700_000_000_000 });
}

function handlerFor(stage: Stage, producer: ReturnType<typeof recordingProducer>) {
  return createKafkaHandler(stage, {
    producer,
    rejectTopic: 'cdr.rejected',
    logger: quietLogger(),
    metrics: quietMetrics(),
    now: () => 1_700_000_100_000,
  });
}

const event = (records: RawKafkaRecord[], eventSource: 'aws:kafka' | 'SelfManagedKafka' = 'aws:kafka') =>
  encodeKafkaEvent(records, { bootstrapServers: '127.0.0.1:9092', eventSource });

describe('createKafkaHandler', () => {
  it('returns an empty batchItemFailures and produces forwards and rejects in ONE send', async () => {
    const producer = recordingProducer();
    const handler = handlerFor(perRecordStage('validation', decide), producer);
    const res = await handler(
      event([
        raw('cdr.raw.fr', 0, 10, 'ok1'),
        raw('cdr.raw.fr', 0, 11, 'bad1'),
        raw('cdr.raw.be', 2, 5, 'ok2'),
      ]),
    );
    expect(res).toEqual({ batchItemFailures: [] });
    expect(producer.calls).toHaveLength(1);
    expect(producer.calls[0]!.map((r) => [r.topic, String(r.value)])).toEqual([
      ['cdr.validated', 'fwd:ok1'],
      ['cdr.rejected', 'bad1'],
      ['cdr.validated', 'fwd:ok2'],
    ]);
  });

  it('accepts self-managed Kafka events and refuses other event sources', async () => {
    const handler = handlerFor(perRecordStage('validation', decide), recordingProducer());
    await expect(handler(event([raw('t', 0, 1, 'ok')], 'SelfManagedKafka'))).resolves.toEqual({
      batchItemFailures: [],
    });
    await expect(handler({ eventSource: 'aws:sqs', records: {} } as never)).rejects.toBeInstanceOf(
      UnsupportedEventError,
    );
  });

  it('reports every record from the first failure of a partition on, as {partition: "<topic>-<partition>", offset}', async () => {
    const producer = recordingProducer();
    const handler = handlerFor(perRecordStage('validation', decide), producer);
    const res = await handler(
      event([
        raw('cdr.raw.fr', 3, 100, 'ok'),
        raw('cdr.raw.fr', 3, 101, 'boom'),
        raw('cdr.raw.fr', 3, 102, 'ok'), // after the failure: held back, not produced
        raw('cdr.raw.fr', 3, 103, 'crash'),
        raw('cdr.raw.fr', 4, 7, 'ok'),
        raw('cdr.raw.ma', 0, 42, 'crash'),
      ]),
    );
    expect(res.batchItemFailures).toEqual([
      { itemIdentifier: { partition: 'cdr.raw.fr-3', offset: 101 } },
      { itemIdentifier: { partition: 'cdr.raw.fr-3', offset: 102 } }, // held back: must be redelivered too
      { itemIdentifier: { partition: 'cdr.raw.fr-3', offset: 103 } },
      { itemIdentifier: { partition: 'cdr.raw.ma-0', offset: 42 } },
    ]);
    // Only records before the failure point of their partition are produced, in order.
    expect(producer.calls[0]!.map((r) => String(r.value))).toEqual(['fwd:ok', 'fwd:ok']);
    expect(JSON.parse(JSON.stringify(res))).toEqual(res); // plain JSON, as Lambda serializes it
  });

  it('isolates records: one throwing record does not fail the others of its batch', async () => {
    const producer = recordingProducer();
    const handler = handlerFor(perRecordStage('validation', decide), producer);
    const records = Array.from({ length: 20 }, (_, i) => raw('cdr.raw.fr', i, 0, i === 7 ? 'crash' : 'ok'));
    const res = await handler(event(records));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: { partition: 'cdr.raw.fr-7', offset: 0 } }]);
    expect(producer.calls[0]).toHaveLength(19);
  });

  it('fails every record when the stage throws', async () => {
    const producer = recordingProducer();
    const throwing: Stage = {
      name: 'validation',
      processBatch: async () => {
        throw new TransientError('REFERENCE_DATA_UNAVAILABLE', 'dynamodb down');
      },
    };
    const res = await handlerFor(
      throwing,
      producer,
    )(event([raw('t', 0, 5, 'ok'), raw('t', 0, 6, 'ok'), raw('t', 1, 9, 'ok')]));
    expect(res.batchItemFailures).toEqual([
      { itemIdentifier: { partition: 't-0', offset: 5 } },
      { itemIdentifier: { partition: 't-0', offset: 6 } },
      { itemIdentifier: { partition: 't-1', offset: 9 } },
    ]);
    expect(producer.calls[0]).toEqual([]);
  });

  it('fails every record when the stage breaks its contract (wrong number of results)', async () => {
    const broken: Stage = { name: 'validation', processBatch: async () => [] };
    const res = await handlerFor(broken, recordingProducer())(event([raw('t', 0, 5, 'ok')]));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: { partition: 't-0', offset: 5 } }]);
  });

  it('when the produce fails, every record whose output was not confirmed is a failure', async () => {
    const producer = recordingProducer(new Error('broker down'));
    const doneFirst: Stage = {
      name: 'storage',
      async processBatch(records) {
        return records.map((r) => (r.value?.toString() === 'done' ? { kind: 'done' } : decide(r)));
      },
    };
    const res = await handlerFor(
      doneFirst,
      producer,
    )(
      event([
        raw('t', 0, 1, 'done'), // nothing to produce: settled before the produce
        raw('t', 0, 2, 'ok'), // output not confirmed → partition fails from here
        raw('t', 0, 3, 'bad'),
        raw('t', 1, 1, 'done'),
        raw('t', 2, 8, 'bad'),
      ]),
    );
    expect(res.batchItemFailures).toEqual([
      { itemIdentifier: { partition: 't-0', offset: 2 } },
      { itemIdentifier: { partition: 't-0', offset: 3 } },
      { itemIdentifier: { partition: 't-2', offset: 8 } },
    ]);
  });

  it('writes rejects with the original key, bytes and headers plus the failure headers', async () => {
    const producer = recordingProducer();
    const handler = handlerFor(perRecordStage('validation', decide), producer);
    const input = {
      ...raw('cdr.raw.fr', 3, 77, 'bad;\u00e9', 'imsi-key'),
      headers: { traceparent: '00-abc', __proto__x: 'y' },
    };
    await handler(event([input]));
    const out = producer.calls[0]![0]!;
    expect(out.topic).toBe('cdr.rejected');
    expect(String(out.key)).toBe('imsi-key');
    expect(Buffer.compare(out.value as Buffer, Buffer.from('bad;\u00e9'))).toBe(0);
    expect(String(out.headers!.traceparent)).toBe('00-abc');
    expect(decodeFailureHeaders(out.headers!)).toEqual({
      reason: 'UNPARSEABLE',
      message: 'cannot parse',
      stage: 'validation',
      sourceTopic: 'cdr.raw.fr',
      sourcePartition: 3,
      sourceOffset: 77,
      sourceTimestamp: 1_700_000_000_077,
      failedAt: 1_700_000_100_000,
      valueBytes: Buffer.byteLength('bad;\u00e9'),
    });
  });

  it('keeps a header literally named __proto__ as a header', async () => {
    const producer = recordingProducer();
    const handler = handlerFor(perRecordStage('validation', decide), producer);
    const ev = event([raw('t', 0, 1, 'bad')]);
    ev.records['t-0']![0]!.headers = [JSON.parse('{"__proto__":[1,2]}')];
    await handler(ev);
    const headers = producer.calls[0]![0]!.headers!;
    expect(Object.keys(headers)).toContain('__proto__');
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toEqual(Buffer.from([1, 2]));
  });

  it('truncates a huge rejected value and says so in headers', async () => {
    const producer = recordingProducer();
    const handler = handlerFor(perRecordStage('validation', decide), producer);
    await handler(event([raw('t', 0, 1, `bad${'x'.repeat(1024 * 1024)}`)]));
    const out = producer.calls[0]![0]!;
    expect((out.value as Buffer).length).toBe(64 * 1024);
    const meta = decodeFailureHeaders(out.headers!);
    expect(meta?.valueTruncated).toBe(true);
    expect(meta?.valueBytes).toBe(1024 * 1024 + 3);
  });

  it('returns without producing for an event with no records', async () => {
    const producer = recordingProducer();
    const res = await handlerFor(perRecordStage('validation', decide), producer)(event([]));
    expect(res).toEqual({ batchItemFailures: [] });
    expect(producer.calls).toEqual([]);
  });

  it('calls afterProduce once the produce is acknowledged, with the settled records only', async () => {
    const producer = recordingProducer();
    const seen: string[][] = [];
    const stage: Stage = {
      ...perRecordStage('fraud', decide),
      async afterProduce(settled) {
        expect(producer.calls).toHaveLength(1); // outputs are on their topics first
        seen.push(settled.map((s) => `${s.record.offset}:${s.result.kind}`));
      },
    };
    const res = await handlerFor(
      stage,
      producer,
    )(event([raw('p', 0, 1, 'ok'), raw('p', 0, 2, 'bad'), raw('p', 0, 3, 'boom'), raw('p', 0, 4, 'ok')]));
    expect(seen).toEqual([['1:forward', '2:reject']]);
    expect(res.batchItemFailures.map((f) => f.itemIdentifier.offset)).toEqual([3, 4]);
  });

  it('a throwing afterProduce fails the whole batch, and is not called when the produce failed', async () => {
    let calls = 0;
    const stage = (): Stage => ({
      ...perRecordStage('fraud', decide),
      async afterProduce() {
        calls++;
        throw new TransientError('STATE_CONFLICT', 'revision changed');
      },
    });
    const res = await handlerFor(
      stage(),
      recordingProducer(),
    )(event([raw('p', 0, 1, 'ok'), raw('p', 1, 7, 'ok')]));
    expect(res.batchItemFailures).toEqual([
      { itemIdentifier: { partition: 'p-0', offset: 1 } },
      { itemIdentifier: { partition: 'p-1', offset: 7 } },
    ]);
    expect(calls).toBe(1);
    await handlerFor(stage(), recordingProducer(new Error('broker down')))(event([raw('p', 0, 1, 'ok')]));
    expect(calls).toBe(1);
  });

  describe('batchMetrics', () => {
    /** A handler whose metrics are really written (captured), with a logger writing JSON lines. */
    function loudHandler(stage: Stage, producer: ReturnType<typeof recordingProducer>) {
      delete process.env.POWERTOOLS_METRICS_DISABLED;
      return createKafkaHandler(stage, {
        producer,
        rejectTopic: 'out.rejected',
        logger: createLogger({ serviceName: 'test', persistentKeys: { stage: stage.name } }),
        metrics: createStageMetrics(stage.name, 'test'),
        now: () => 1_700_000_100_000,
      });
    }
    const emf = (lines: string[]) => lines.map((l) => JSON.parse(l)).filter((d) => d._aws !== undefined);
    const batchLog = (lines: string[]) =>
      lines.map((l) => JSON.parse(l)).find((d) => d.message !== undefined);

    /** Counts settled records per first letter of their value, remembered while processing. */
    function countingStage(calls: { settled: string[] }[], throwing = false): Stage {
      const letter = new WeakMap<StageRecord, string>();
      const base = perRecordStage('sorting', (record) => {
        letter.set(record, (record.value?.toString() ?? '?').slice(0, 1));
        return decide(record);
      });
      return {
        ...base,
        batchMetrics(settled): StageMetric[] {
          calls.push({ settled: settled.map((s) => `${s.record.offset}:${s.result.kind}`) });
          if (throwing) throw new Error('metrics bug');
          const counts = new Map<string, number>();
          for (const { record } of settled) {
            const l = letter.get(record)!;
            counts.set(l, (counts.get(l) ?? 0) + 1);
          }
          return [...counts].map(([l, value]) => ({ name: 'Settled', value, dimensions: { letter: l } }));
        },
      };
    }

    afterEach(() => {
      process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    });

    it('publishes the stage metrics of the settled records only, after the produce, with the batch line', async () => {
      const calls: { settled: string[] }[] = [];
      const producer = recordingProducer();
      const handler = loudHandler(countingStage(calls), producer);
      let res: Awaited<ReturnType<typeof handler>> | undefined;
      const lines = await captureOutput(async () => {
        res = await handler(
          event([raw('p', 0, 1, 'ok'), raw('p', 0, 2, 'bad'), raw('p', 0, 3, 'ok'), raw('p', 1, 1, 'boom')]),
        );
      });
      expect(res!.batchItemFailures).toEqual([{ itemIdentifier: { partition: 'p-1', offset: 1 } }]);
      expect(calls).toEqual([{ settled: ['1:forward', '2:reject', '3:forward'] }]); // once, settled only
      const docs = emf(lines);
      // Batch line, reason line, then one line per letter; nothing per record.
      expect(docs).toHaveLength(4);
      expect(docs[0]).toMatchObject({ stage: 'sorting', RecordsIn: 4, RecordsForwarded: 2 });
      expect(docs.slice(2).map((d) => [d.letter, d.Settled, d.stage])).toEqual([
        ['o', 2, 'sorting'],
        ['b', 1, 'sorting'],
      ]);
    });

    it('is not called when nothing settled (the produce failed): the redelivery counts them', async () => {
      const calls: { settled: string[] }[] = [];
      const handler = loudHandler(countingStage(calls), recordingProducer(new Error('broker down')));
      const lines = await captureOutput(() => handler(event([raw('p', 0, 1, 'ok')])));
      expect(calls).toEqual([]);
      expect(emf(lines)).toHaveLength(1);
    });

    it('a throwing or refused stage metric loses metrics only, and the batch log says so', async () => {
      const calls: { settled: string[] }[] = [];
      const throwing = loudHandler(countingStage(calls, true), recordingProducer());
      let res: Awaited<ReturnType<typeof throwing>> | undefined;
      let lines = await captureOutput(async () => {
        res = await throwing(event([raw('p', 0, 1, 'ok')]));
      });
      expect(res).toEqual({ batchItemFailures: [] });
      expect(emf(lines)).toHaveLength(1);
      expect(batchLog(lines)).toMatchObject({
        level: 'WARN',
        message: 'batch processed; some stage metrics were not published',
        metricsError: { message: 'metrics bug' },
      });

      const refusing: Stage = {
        ...perRecordStage('sorting', decide),
        batchMetrics: () => [{ name: 'W', value: 1, dimensions: { stage: 'other' } }],
      };
      lines = await captureOutput(() =>
        loudHandler(refusing, recordingProducer())(event([raw('p', 0, 1, 'ok')])),
      );
      expect(emf(lines)).toHaveLength(1);
      expect(batchLog(lines)).toMatchObject({ level: 'WARN', metricsSkipped: 1 });
      expect(batchLog(lines).metricsProblem).toMatch(/set by the runtime/);
    });
  });
});
