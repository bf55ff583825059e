import { describe, expect, it } from 'vitest';
import { streamBatchVerdict } from '../../../localstack/esm/dynamodb-streams/batch-response.ts';
import { type ShardRecord, toShardRecord } from '../../../localstack/esm/dynamodb-streams/event.ts';

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';

/** Records with sequence numbers 8, 9, 10, 11, 12 (10 < 9 as strings: compared as integers). */
const batch: ShardRecord[] = ['8', '9', '10', '11', '12'].map((seq) =>
  toShardRecord(
    { eventName: 'INSERT', dynamodb: { Keys: { id: { S: seq } }, SequenceNumber: seq } },
    { streamArn: ARN, shardId: 's', readAt: 0 },
  ),
);

const verdict = (response: unknown, report = true) => {
  const v = streamBatchVerdict(response, batch, report);
  return v.kind === 'partial' ? { kind: 'partial', failed: v.failed.map((r) => r.id) } : { kind: v.kind };
};

describe('streamBatchVerdict (services-ddb-batchfailurereporting)', () => {
  it('without ReportBatchItemFailures the response is ignored: success', () => {
    expect(verdict({ batchItemFailures: [{ itemIdentifier: '9' }] }, false)).toEqual({ kind: 'success' });
    expect(verdict('garbage', false)).toEqual({ kind: 'success' });
  });

  it.each([
    ['a null response', null],
    ['no response', undefined],
    ['an empty response', {}],
    ['a null batchItemFailures list', { batchItemFailures: null }],
    ['an empty batchItemFailures list', { batchItemFailures: [] }],
  ])('complete success: %s', (_label, response) => {
    expect(verdict(response)).toEqual({ kind: 'success' });
  });

  it('one failure: it and every later record are retried, the earlier ones are done', () => {
    expect(verdict({ batchItemFailures: [{ itemIdentifier: '10' }] })).toEqual({
      kind: 'partial',
      failed: ['10', '11', '12'],
    });
  });

  it('several failures: the lowest sequence number is the checkpoint (compared as integers)', () => {
    expect(
      verdict({
        batchItemFailures: [{ itemIdentifier: '11' }, { itemIdentifier: '9' }, { itemIdentifier: '10' }],
      }),
    ).toEqual({ kind: 'partial', failed: ['9', '10', '11', '12'] });
  });

  it('the first record failing: the whole batch is retried (still a partial response)', () => {
    expect(verdict({ batchItemFailures: [{ itemIdentifier: '8' }] })).toEqual({
      kind: 'partial',
      failed: ['8', '9', '10', '11', '12'],
    });
  });

  it.each([
    ['an empty string itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['an itemIdentifier with a bad key name', { batchItemFailures: [{ itemIdentifer: '9' }] }],
    ['a sequence number not in the batch', { batchItemFailures: [{ itemIdentifier: '99' }] }],
    ['a number instead of the sequence number string', { batchItemFailures: [{ itemIdentifier: 9 }] }],
    [
      'the Kafka identifier shape',
      { batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 9 } }] },
    ],
    ['batchItemFailures not an array', { batchItemFailures: { itemIdentifier: '9' } }],
    ['a response that is not an object', 'ok'],
  ])('complete failure: %s', (_label, response) => {
    expect(verdict(response)).toEqual({ kind: 'invalid' });
  });
});
