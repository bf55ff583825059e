/**
 * Chunking and retry logic of the DynamoDB batch helpers, against a scripted `send` (the real
 * DynamoDB Local is exercised in test/integration/storage).
 */
import type { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../../../shared/runtime/outcome.ts';
import { batchGetItems, UNPROCESSED_KEYS_CODE } from '../../../shared/storage/dynamodb/batch-get.ts';
import { batchPutItems } from '../../../shared/storage/dynamodb/batch-write.ts';

type Keys = Record<string, { Keys: Record<string, string>[] }>;
type Writes = Record<string, { PutRequest: { Item: Record<string, unknown> } }[]>;
const fast = { retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 }, sleep: async () => {} };

/** A fake document client whose BatchGet leaves the first `unprocessedFirst` keys of each first call unprocessed. */
function fakeGet(store: Record<string, Record<string, Record<string, unknown>>>, unprocessedFirst = 0) {
  const calls: Keys[] = [];
  const doc = {
    async send(command: BatchGetCommand) {
      const request = command.input.RequestItems as Keys;
      calls.push(request);
      const Responses: Record<string, Record<string, unknown>[]> = {};
      const UnprocessedKeys: Keys = {};
      let skip = calls.length === 1 ? unprocessedFirst : 0;
      for (const [table, { Keys }] of Object.entries(request)) {
        for (const key of Keys) {
          if (skip-- > 0) {
            UnprocessedKeys[table] = { Keys: [...(UnprocessedKeys[table]?.Keys ?? []), key] };
            continue;
          }
          const id = Object.values(key)[0] as string;
          const item = store[table]?.[id];
          if (item) Responses[table] = [...(Responses[table] ?? []), item];
        }
      }
      return { Responses, UnprocessedKeys };
    },
  };
  return { doc: doc as unknown as DynamoDBDocumentClient, calls };
}

describe('batchGetItems', () => {
  const store = {
    cells: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`c${i}`, { cell_id: `c${i}`, n: i }])),
    subs: { s1: { imsi: 's1' } },
  };

  it('sends at most 100 keys per call across tables, reads duplicates once, omits unknown keys', async () => {
    const { doc, calls } = fakeGet(store);
    const cellKeys = [...Array.from({ length: 150 }, (_, i) => `c${i}`), 'c0', 'c1', 'nope'];
    const found = await batchGetItems(
      doc,
      [
        { table: 'cells', keyName: 'cell_id', keys: cellKeys },
        { table: 'subs', keyName: 'imsi', keys: ['s1', 'unknown'] },
      ],
      fast,
    );
    const sizes = calls.map((c) => Object.values(c).reduce((n, t) => n + t.Keys.length, 0));
    expect(sizes).toEqual([100, 53]);
    expect(found.get('cells')?.size).toBe(150);
    expect(found.get('cells')?.get('c7')).toEqual({ cell_id: 'c7', n: 7 });
    expect(found.get('subs')?.has('unknown')).toBe(false);
  });

  it('retries unprocessed keys until they are read', async () => {
    const { doc, calls } = fakeGet(store, 30);
    const keys = Array.from({ length: 50 }, (_, i) => `c${i}`);
    const found = await batchGetItems(doc, [{ table: 'cells', keyName: 'cell_id', keys }], fast);
    expect(found.get('cells')?.size).toBe(50);
    expect(calls.map((c) => c.cells?.Keys.length)).toEqual([50, 30]);
  });

  it('gives up with a transient error once attempts run out', async () => {
    const doc = {
      send: async (command: BatchGetCommand) => ({
        Responses: {},
        UnprocessedKeys: command.input.RequestItems,
      }),
    } as unknown as DynamoDBDocumentClient;
    const attempt = batchGetItems(doc, [{ table: 'cells', keyName: 'cell_id', keys: ['c1'] }], fast);
    await expect(attempt).rejects.toBeInstanceOf(TransientError);
    await expect(attempt).rejects.toMatchObject({ code: UNPROCESSED_KEYS_CODE });
    const named = batchGetItems(doc, [{ table: 'cells', keyName: 'cell_id', keys: ['c1'] }], {
      ...fast,
      unprocessedCode: 'ITEMS_UNAVAILABLE',
    });
    await expect(named).rejects.toMatchObject({ code: 'ITEMS_UNAVAILABLE' });
  });
});

describe('batchPutItems', () => {
  it('writes in chunks of 25 and retries unprocessed items', async () => {
    const written: string[] = [];
    let first = true;
    const doc = {
      async send(command: BatchWriteCommand) {
        const requests = (command.input.RequestItems as Writes).t ?? [];
        const unprocessed = first ? requests.slice(0, 5) : [];
        first = false;
        for (const r of requests.slice(unprocessed.length)) written.push(r.PutRequest.Item.id as string);
        return { UnprocessedItems: unprocessed.length ? { t: unprocessed } : {} };
      },
    } as unknown as DynamoDBDocumentClient;
    const items = Array.from({ length: 60 }, (_, i) => ({ id: `i${i}` }));
    const report = await batchPutItems(doc, 't', items, { ...fast, concurrency: 1 });
    expect(report).toEqual({ written: 60, calls: 4, retries: 1 });
    expect(new Set(written).size).toBe(60);
    expect(written).toHaveLength(60);
  });

  it('throws when items stay unprocessed', async () => {
    const doc = {
      send: async (command: BatchWriteCommand) => ({ UnprocessedItems: command.input.RequestItems }),
    } as unknown as DynamoDBDocumentClient;
    await expect(batchPutItems(doc, 't', [{ id: 'x' }], fast)).rejects.toThrow(/unprocessed/);
  });
});
