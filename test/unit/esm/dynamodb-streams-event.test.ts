import type { _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import {
  compareSequenceNumbers,
  estimateWrittenAt,
  eventBytes,
  streamEvent,
  toLambdaRecord,
  toShardRecord,
} from '../../../localstack/esm/dynamodb-streams/event.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/orders_outbox/stream/2026-01-01T00:00:00.000';

/** A MODIFY record as the SDK returns it from GetRecords (binary as Uint8Array, time as Date). */
function sdkModify(sequenceNumber = '000000000000000000042'): SdkRecord {
  return {
    eventID: 'e-1',
    eventName: 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2026-01-01T10:20:00.000Z'),
      Keys: { id: { S: 'o-1' } },
      NewImage: {
        id: { S: 'o-1' },
        n: { N: '2' },
        blob: { B: new Uint8Array([1, 2, 255]) },
        nested: {
          M: { tags: { BS: [new Uint8Array([104, 105])] }, list: { L: [{ BOOL: true }, { NULL: true }] } },
        },
        set: { SS: ['a', 'b'] },
        nums: { NS: ['1', '2'] },
      },
      OldImage: { id: { S: 'o-1' }, n: { N: '1' } },
      SequenceNumber: sequenceNumber,
      SizeBytes: 59,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

describe('toLambdaRecord (with-ddb example event)', () => {
  it('has the documented fields, in the example order, with eventSourceARN = the stream ARN', () => {
    const record = toLambdaRecord(sdkModify(), ARN);
    expect(Object.keys(record)).toEqual([
      'eventID',
      'eventName',
      'eventVersion',
      'eventSource',
      'awsRegion',
      'dynamodb',
      'eventSourceARN',
    ]);
    expect(Object.keys(record.dynamodb!)).toEqual([
      'ApproximateCreationDateTime',
      'Keys',
      'NewImage',
      'OldImage',
      'SequenceNumber',
      'SizeBytes',
      'StreamViewType',
    ]);
    expect(record).toMatchObject({
      eventName: 'MODIFY',
      eventSource: 'aws:dynamodb',
      eventSourceARN: ARN,
      dynamodb: { Keys: { id: { S: 'o-1' } }, SequenceNumber: '000000000000000000042', SizeBytes: 59 },
    });
  });

  it('ApproximateCreationDateTime is UNIX epoch seconds', () => {
    expect(toLambdaRecord(sdkModify(), ARN).dynamodb!.ApproximateCreationDateTime).toBe(
      Date.parse('2026-01-01T10:20:00Z') / 1000,
    );
  });

  it('binary attributes become base64 strings, at any depth; other types are kept', () => {
    const image = toLambdaRecord(sdkModify(), ARN).dynamodb!.NewImage!;
    expect(image.blob).toEqual({ B: Buffer.from([1, 2, 255]).toString('base64') });
    expect(image.nested).toEqual({
      M: { tags: { BS: ['aGk='] }, list: { L: [{ BOOL: true }, { NULL: true }] } },
    });
    expect(image.set).toEqual({ SS: ['a', 'b'] });
    expect(image.nums).toEqual({ NS: ['1', '2'] });
    expect(JSON.parse(JSON.stringify(image))).toEqual(image);
  });

  it('an INSERT has no OldImage, a REMOVE no NewImage; a TTL deletion keeps its userIdentity', () => {
    const insert = toLambdaRecord(
      { ...sdkModify(), eventName: 'INSERT', dynamodb: { ...sdkModify().dynamodb, OldImage: undefined } },
      ARN,
    );
    expect(insert.dynamodb).not.toHaveProperty('OldImage');
    const ttl = toLambdaRecord(
      {
        ...sdkModify(),
        eventName: 'REMOVE',
        dynamodb: { ...sdkModify().dynamodb, NewImage: undefined },
        userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
      },
      ARN,
    );
    expect(ttl.dynamodb).not.toHaveProperty('NewImage');
    expect(ttl.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
  });
});

describe('streamEvent / eventBytes', () => {
  it('the event is { Records } in shard order and eventBytes is its exact JSON size', () => {
    const records = ['1', '2', '10'].map((seq) =>
      toShardRecord(sdkModify(seq), { streamArn: ARN, shardId: 'shardId-1', readAt: Date.now() }),
    );
    const event = streamEvent(records);
    expect(event.Records.map((r) => r.dynamodb!.SequenceNumber)).toEqual(['1', '2', '10']);
    expect(eventBytes(records)).toBe(Buffer.byteLength(JSON.stringify(event)));
    expect(eventBytes([])).toBe(Buffer.byteLength(JSON.stringify({ Records: [] })));
  });

  it('a shard record is identified by its sequence number and keyed by its item', () => {
    const r = toShardRecord(sdkModify('77'), { streamArn: ARN, shardId: 's', readAt: 0 });
    expect(r.id).toBe('77');
    expect(r.itemKey).toBe(JSON.stringify({ id: { S: 'o-1' } }));
  });
});

describe('estimateWrittenAt (record age base)', () => {
  const minute = Date.parse('2026-01-01T10:20:00Z');
  it.each([
    ['read within the rounded minute: the read time', minute, minute + 42_000, minute + 42_000],
    ['read long after: at most the end of the rounded minute', minute, minute + 3_600_000, minute + 59_999],
    ['read before the stamp (clock skew): the stamp', minute, minute - 5_000, minute],
    ['no stamp: the read time', undefined, minute, minute],
  ])('%s', (_label, approximate, readAt, expected) => {
    expect(estimateWrittenAt(approximate, readAt)).toBe(expected);
  });
});

describe('compareSequenceNumbers', () => {
  it('compares as integers, not strings', () => {
    expect(compareSequenceNumbers('9', '10')).toBe(-1);
    expect(compareSequenceNumbers('800000000003126276362', '800000000003126276362')).toBe(0);
    expect(compareSequenceNumbers('000000000000000000011', '2')).toBe(1);
  });
});
