import { describe, expect, it } from 'vitest';
import { CDR_PIPELINE, rawTopicOf, TOPIC } from '../../../shared/cdr/pipeline.ts';
import { encodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { encodeKafkaEvent } from '../../../shared/kafka/msk-event.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import { REPLAY_HEADER } from '../../../shared/replay/constants.ts';
import { decodeDeadLetters } from '../../../shared/replay/decode.ts';

const IMSI = '208150123456789';

function record(partial: Partial<StageRecord>): StageRecord {
  return {
    topic: TOPIC.dlq,
    partition: 1,
    offset: 7,
    timestamp: 1_000,
    key: null,
    value: null,
    headers: {},
    ...partial,
  };
}

describe('decodeDeadLetters — ORION rejected records', () => {
  const headers = Object.fromEntries(
    Object.entries(
      encodeFailureHeaders({
        reason: 'MALFORMED_IMSI',
        message: 'IMSI has 14 digits',
        stage: 'validation',
        sourceTopic: rawTopicOf('ma'),
        sourcePartition: 3,
        sourceOffset: 1200,
        sourceTimestamp: 1_700_000_000_000,
        failedAt: 1_700_000_000_500,
      }),
    ).map(([k, v]) => [k, Buffer.from(v)]),
  );

  it('reads the failure headers and keeps key, bytes and the other headers', () => {
    const value = Buffer.from('20815012345678;0612345678;60');
    const [letter, ...rest] = decodeDeadLetters(
      record({
        topic: TOPIC.rejected,
        key: Buffer.from(IMSI),
        value,
        headers: { ...headers, 'trace-id': Buffer.from('abc'), [REPLAY_HEADER.count]: Buffer.from('2') },
      }),
    );
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({
      format: 'orion',
      at: { topic: TOPIC.rejected, partition: 1, offset: 7 },
      source: { topic: 'cdr.raw.ma', partition: 3, offset: 1200 },
      reason: 'MALFORMED_IMSI',
      stage: 'validation',
      failedAt: 1_700_000_000_500,
      replayCount: 2,
      index: 0,
      of: 1,
    });
    expect(letter?.value).toEqual(value);
    expect(letter?.key?.toString()).toBe(IMSI);
    expect(Object.keys(letter?.headers ?? {}).sort()).toEqual(['orion.replay.count', 'trace-id']);
  });

  it('treats broken failure headers as an unknown record, never drops it', () => {
    const broken = { ...headers, 'orion.source.offset': Buffer.from('x') };
    const [letter] = decodeDeadLetters(record({ headers: broken, value: Buffer.from('raw') }));
    expect(letter?.format).toBe('unknown');
    expect(letter?.reason).toBe('UNKNOWN_FORMAT');
  });
});

describe('decodeDeadLetters — AWS Kafka on-failure destination records', () => {
  const event = encodeKafkaEvent(
    [
      {
        topic: TOPIC.enriched,
        partition: 4,
        offset: 11,
        timestamp: 1_700_000_000_000,
        key: Buffer.from(IMSI),
        value: Buffer.from(JSON.stringify({ cdr_id: 'a', country: 'SN' })),
        headers: { [REPLAY_HEADER.count]: '1' },
      },
      {
        topic: TOPIC.enriched,
        partition: 4,
        offset: 10,
        timestamp: 1_700_000_000_000,
        key: null,
        value: Buffer.from('{"cdr_id":"b"}'),
      },
    ],
    { bootstrapServers: '127.0.0.1:9092' },
  );
  const doc = {
    requestContext: {
      requestId: 'r-1',
      functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:orion-storage',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 4,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-03-12T08:15:00.000Z',
    payload: event,
  };

  it('returns every original record of the document, in offset order, with its source and stage', () => {
    const letters = decodeDeadLetters(record({ value: Buffer.from(JSON.stringify(doc)) }), CDR_PIPELINE);
    expect(letters.map((l) => [l.index, l.of, l.source?.offset])).toEqual([
      [0, 2, 10],
      [1, 2, 11],
    ]);
    expect(letters[1]).toMatchObject({
      format: 'aws-on-failure',
      reason: 'RetriesExhausted',
      stage: 'storage',
      failedAt: Date.parse('2026-03-12T08:15:00.000Z'),
      source: { topic: TOPIC.enriched, partition: 4, offset: 11 },
      replayCount: 1,
    });
    expect(letters[1]?.key?.toString()).toBe(IMSI);
    expect(letters[0]?.key).toBeNull();
    expect(letters[1]?.value?.toString()).toContain('"cdr_id":"a"');
  });

  it('names the stage from the pipeline: the stage reading the source topic, else the function in the ARN', () => {
    const value = Buffer.from(JSON.stringify(doc));
    expect(decodeDeadLetters(record({ value })).map((l) => l.stage)).toEqual([undefined, undefined]);
    const byArn = {
      ...doc,
      payload: Object.values(event.records)
        .flat()
        .map((r) => ({ ...r, topic: 'elsewhere' })),
    };
    expect(
      decodeDeadLetters(record({ value: Buffer.from(JSON.stringify(byArn)) }), CDR_PIPELINE).map(
        (l) => l.stage,
      ),
    ).toEqual(['storage', 'storage']);
    const validation = {
      ...doc,
      payload: Object.values(event.records)
        .flat()
        .map((r) => ({ ...r, topic: rawTopicOf('ma') })),
    };
    expect(
      decodeDeadLetters(record({ value: Buffer.from(JSON.stringify(validation)) }), CDR_PIPELINE)[0]?.stage,
    ).toBe('validation');
  });

  it('accepts a payload given as a JSON string or as a list of records', () => {
    const asString = { ...doc, payload: JSON.stringify(event) };
    const asList = { ...doc, payload: Object.values(event.records).flat() };
    for (const d of [asString, asList]) {
      expect(
        decodeDeadLetters(record({ value: Buffer.from(JSON.stringify(d)) })).map((l) => l.source?.offset),
      ).toEqual([10, 11]);
    }
  });

  it('does not take a JSON CDR for an on-failure document', () => {
    const [letter] = decodeDeadLetters(record({ value: Buffer.from('{"cdr_id":"x","payload":{}}') }));
    expect(letter?.format).toBe('unknown');
  });
});
