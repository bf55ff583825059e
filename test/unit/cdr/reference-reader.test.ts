/**
 * The reference reader's cache behaviour against a scripted `send` (the real DynamoDB Local is
 * exercised in test/integration/storage/reference-data.test.ts).
 */
import type { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ReferenceReader } from '../../../shared/cdr/reference-data/reference-reader.ts';
import { TransientError } from '../../../shared/runtime/outcome.ts';

type Keys = Record<string, { Keys: Record<string, string>[] }>;

function fakeDoc(tables: Record<string, Record<string, Record<string, unknown>>>) {
  const requested: string[][] = [];
  const doc = {
    async send(command: BatchGetCommand) {
      const Responses: Record<string, Record<string, unknown>[]> = {};
      const keys: string[] = [];
      for (const [table, { Keys }] of Object.entries(command.input.RequestItems as Keys)) {
        for (const key of Keys) {
          const id = Object.values(key)[0] as string;
          keys.push(`${table}/${id}`);
          const item = tables[table]?.[id];
          if (item) Responses[table] = [...(Responses[table] ?? []), item];
        }
      }
      requested.push(keys);
      return { Responses, UnprocessedKeys: {} };
    },
  };
  return { doc: doc as unknown as DynamoDBDocumentClient, requested };
}

describe('ReferenceReader', () => {
  const tables = {
    'p-cells': { c1: { cell_id: 'c1', ok: true }, c2: { cell_id: 'c2', ok: false } },
    'p-subscribers': { s1: { imsi: 's1' } },
  };

  it('asks DynamoDB only for keys not cached (found or absent), in one wave for both tables', async () => {
    const { doc, requested } = fakeDoc(tables);
    const reader = new ReferenceReader(doc, { prefix: 'p-', ttlMs: 1_000 });
    const first = await reader.lookup({ cells: ['c1', 'c9', 'c1'], subscribers: ['s1'] });
    expect(requested).toEqual([['p-cells/c1', 'p-cells/c9', 'p-subscribers/s1']]);
    expect([...first.cells.keys()]).toEqual(['c1']);
    const second = await reader.lookup({ cells: ['c1', 'c9', 'c2'], subscribers: ['s1'] });
    expect(requested[1]).toEqual(['p-cells/c2']);
    expect([...second.cells.keys()].sort()).toEqual(['c1', 'c2']);
    expect(reader.stats).toEqual({ hits: 3, misses: 4, fetches: 2, invalid: 0 });
  });

  it('treats items refused by parse as absent, counts them and does not refetch them', async () => {
    const { doc, requested } = fakeDoc(tables);
    const reader = new ReferenceReader(doc, {
      prefix: 'p-',
      ttlMs: 1_000,
      parse: (_kind, item) => (item.ok === false ? undefined : item),
    });
    expect([...(await reader.lookup({ cells: ['c1', 'c2'] })).cells.keys()]).toEqual(['c1']);
    expect([...(await reader.lookup({ cells: ['c1', 'c2'] })).cells.keys()]).toEqual(['c1']);
    expect(requested).toHaveLength(1);
    expect(reader.stats.invalid).toBe(1);
  });

  it('fails transiently with REFERENCE_DATA_UNAVAILABLE when keys stay unprocessed', async () => {
    const doc = {
      send: async (command: BatchGetCommand) => ({
        Responses: {},
        UnprocessedKeys: command.input.RequestItems,
      }),
    } as unknown as DynamoDBDocumentClient;
    const reader = new ReferenceReader(doc, {
      prefix: 'p-',
      ttlMs: 1_000,
      batchGet: { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {} },
    });
    const lookup = reader.lookup({ cells: ['c1'] });
    await expect(lookup).rejects.toBeInstanceOf(TransientError);
    await expect(lookup).rejects.toMatchObject({ code: 'REFERENCE_DATA_UNAVAILABLE' });
  });
});
