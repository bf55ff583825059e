import { describe, expect, it } from 'vitest';
import { readBatchResponse } from '../../../localstack/esm/batch-response.ts';

const ids = new Set(['t-0@5', 't-0@6', 'a-b-1@7']);

describe('readBatchResponse', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty object', {}],
    ['empty list', { batchItemFailures: [] }],
  ])('%s is success', (_, response) => {
    expect(readBatchResponse(response, ids, true)).toEqual({ kind: 'success' });
  });

  it('reads the string identifier "<topic>-<partition>@<offset>"', () => {
    const v = readBatchResponse({ batchItemFailures: [{ itemIdentifier: 't-0@6' }] }, ids, true);
    expect(v).toEqual({ kind: 'partial', failedIds: new Set(['t-0@6']) });
  });

  it('reads the documented object identifier { "topic-partition", offset }, topics with dashes included', () => {
    const v = readBatchResponse(
      {
        batchItemFailures: [
          { itemIdentifier: { 'topic-partition': 'a-b-1', offset: 7 } },
          { itemIdentifier: { 'topic-partition': 't-0', offset: '5' } },
        ],
      },
      ids,
      true,
    );
    expect(v).toEqual({ kind: 'partial', failedIds: new Set(['a-b-1@7', 't-0@5']) });
  });

  it.each([
    ['an offset not in the batch', { batchItemFailures: [{ itemIdentifier: 't-0@99' }] }],
    [
      'a partition not in the batch',
      { batchItemFailures: [{ itemIdentifier: { 'topic-partition': 't-9', offset: 5 } }] },
    ],
    ['garbage', { batchItemFailures: [{ itemIdentifier: 42 }] }],
    ['a missing identifier', { batchItemFailures: [{}] }],
    ['a non-array', { batchItemFailures: 'x' }],
    ['a string response', 'oops'],
  ])('%s fails the whole batch', (_, response) => {
    expect(readBatchResponse(response, ids, true).kind).toBe('invalid');
  });

  it('ignores the response without ReportBatchItemFailures', () => {
    expect(readBatchResponse({ batchItemFailures: [{ itemIdentifier: 't-0@5' }] }, ids, false)).toEqual({
      kind: 'success',
    });
  });
});
