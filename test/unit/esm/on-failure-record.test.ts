import { describe, expect, it } from 'vitest';
import { buildOnFailureMessage, type OnFailureDocument } from '../../../localstack/esm/on-failure-record.ts';
import { decodeKafkaEvent } from '../../../shared/kafka/msk-event.ts';
import { fetched } from './records.ts';

describe('on-failure record (AWS Kafka destination format)', () => {
  const record = fetched(100, {
    topic: 'my-topic',
    partition: 0,
    key: Buffer.from('test-key'),
    value: Buffer.from('test-value'),
    timestamp: 1749116692330,
    headers: { h: 'x' },
  });
  const message = buildOnFailureMessage({
    record,
    condition: 'RetriesExhausted',
    invokeCount: 3,
    lastInvocation: { requestId: 'e4b46cbf', functionError: 'Unhandled' },
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    bootstrapServers: 'b-1:9092',
    eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/c/1',
    now: new Date('2026-01-01T00:00:00.000Z'),
  });
  const doc = JSON.parse(message.value) as OnFailureDocument;

  it('keeps the original key (same partitioning as the source record)', () => {
    expect(message.key).toEqual(Buffer.from('test-key'));
  });

  it('has the documented metadata', () => {
    expect(Object.keys(doc)).toEqual([
      'requestContext',
      'responseContext',
      'version',
      'timestamp',
      'KafkaBatchInfo',
      'payload',
    ]);
    expect(doc.requestContext).toEqual({
      requestId: 'e4b46cbf',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    });
    expect(doc.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    expect(doc.version).toBe('1.0');
    expect(doc.timestamp).toBe('2026-01-01T00:00:00.000Z');
    expect(doc.KafkaBatchInfo).toEqual({
      batchSize: 1,
      eventSourceArn: 'arn:aws:kafka:us-east-1:000000000000:cluster/c/1',
      bootstrapServers: 'b-1:9092',
      payloadSize: Buffer.byteLength(JSON.stringify(doc.payload)),
      recordInfo: { offset: '100', timestamp: new Date(1749116692330).toISOString() },
    });
  });

  it('carries the record itself as a one-record Kafka event (original bytes recoverable)', () => {
    expect(Object.keys(doc.payload.records)).toEqual(['my-topic-0']);
    expect(doc.payload.records['my-topic-0']![0]).toMatchObject({
      key: 'dGVzdC1rZXk=',
      value: 'dGVzdC12YWx1ZQ==',
      offset: 100,
      partition: 0,
      timestamp: 1749116692330,
      timestampType: 'CREATE_TIME',
      topic: 'my-topic',
    });
    const [decoded] = decodeKafkaEvent(doc.payload);
    expect(decoded!.value).toEqual(Buffer.from('test-value'));
    expect(decoded!.headers.h).toEqual(Buffer.from('x'));
  });
});
