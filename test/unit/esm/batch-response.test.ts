/**
 * The emulator reads partial batch responses exactly as the Lambda guide documents them for Kafka
 * (https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html#kafka-partial-batch-response):
 * `{ "batchItemFailures": [ { "itemIdentifier": { "partition": "topic-partition_number", "offset": 100 } } ] }`.
 */
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

  it('reads the documented identifier { partition: "<topic>-<partition>", offset }, topics with dashes included', () => {
    const v = readBatchResponse(
      {
        batchItemFailures: [
          { itemIdentifier: { partition: 'a-b-1', offset: 7 } },
          { itemIdentifier: { partition: 't-0', offset: 5 } },
        ],
      },
      ids,
      true,
    );
    expect(v).toEqual({ kind: 'partial', failedIds: new Set(['a-b-1@7', 't-0@5']) });
  });

  it('reads the schema exactly as the Lambda guide prints it, parsed from JSON', () => {
    const documented = JSON.parse(
      '{ "batchItemFailures": [ { "itemIdentifier": { "partition": "orders-2", "offset": 100 } } ] }',
    );
    expect(readBatchResponse(documented, new Set(['orders-2@100']), true)).toEqual({
      kind: 'partial',
      failedIds: new Set(['orders-2@100']),
    });
  });

  it.each([
    [
      'an offset not in the batch',
      { batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 99 } }] },
    ],
    [
      'a partition not in the batch',
      { batchItemFailures: [{ itemIdentifier: { partition: 't-9', offset: 5 } }] },
    ],
    // Undocumented shapes: AWS would not read them as the failed records either.
    [
      'a string identifier "<topic>-<partition>@<offset>"',
      { batchItemFailures: [{ itemIdentifier: 't-0@5' }] },
    ],
    [
      'the "topic-partition" key',
      { batchItemFailures: [{ itemIdentifier: { 'topic-partition': 't-0', offset: 5 } }] },
    ],
    [
      'an offset given as a string',
      { batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: '5' } }] },
    ],
    [
      'a partition without its number',
      { batchItemFailures: [{ itemIdentifier: { partition: 't', offset: 5 } }] },
    ],
    ['a fractional offset', { batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 5.5 } }] }],
    ['garbage', { batchItemFailures: [{ itemIdentifier: 42 }] }],
    ['a missing identifier', { batchItemFailures: [{}] }],
    ['a null failure', { batchItemFailures: [null] }],
    ['a non-array', { batchItemFailures: 'x' }],
    ['a string response', 'oops'],
  ])('%s fails the whole batch', (_, response) => {
    expect(readBatchResponse(response, ids, true).kind).toBe('invalid');
  });

  it('one invalid identifier fails the whole batch even next to valid ones', () => {
    const v = readBatchResponse(
      {
        batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 5 } }, { itemIdentifier: 't-0@6' }],
      },
      ids,
      true,
    );
    expect(v.kind).toBe('invalid');
  });

  it('ignores the response without ReportBatchItemFailures', () => {
    expect(
      readBatchResponse(
        { batchItemFailures: [{ itemIdentifier: { partition: 't-0', offset: 5 } }] },
        ids,
        false,
      ),
    ).toEqual({ kind: 'success' });
  });
});
