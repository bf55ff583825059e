/**
 * Reference data against the REAL DynamoDB Local: table creation, batched load of the repository's
 * files, batched lookups, and the per-environment cache (counted at the client's middleware stack).
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoReferenceData } from '../../../shared/cdr/reference-data/dynamo-reference-data.ts';
import {
  readReferenceFiles,
  referenceCells,
  referenceDataOf,
} from '../../../shared/cdr/reference-data/files.ts';
import { loadReferenceData } from '../../../shared/cdr/reference-data/reference-loader.ts';
import { ReferenceReader } from '../../../shared/cdr/reference-data/reference-reader.ts';
import {
  dropReferenceTables,
  ensureReferenceTables,
} from '../../../shared/cdr/reference-data/reference-table-setup.ts';
import { referenceTableName } from '../../../shared/cdr/reference-data/reference-tables.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
} from '../../../shared/storage/dynamodb/client.ts';
import { testEndpoints, uniqueName } from '../../support/endpoints.ts';

describe('reference data on DynamoDB Local', () => {
  const prefix = `${uniqueName('it-ref')}-`;
  let doc: DynamoDBDocumentClient;
  let sends = 0;
  const cells = referenceCells();
  const { subscribers } = referenceDataOf('fr');

  beforeAll(async () => {
    const config = dynamoDbConfigFromEnv({ DYNAMODB_ENDPOINT: testEndpoints().dynamodbEndpoint });
    doc = createDynamoDbDocumentClient(config);
    doc.middlewareStack.add(
      (next) => async (args) => {
        sends++;
        return next(args);
      },
      { step: 'initialize', name: 'countSends' },
    );
    try {
      expect(await ensureReferenceTables(doc, prefix)).toEqual([
        referenceTableName('cells', prefix),
        referenceTableName('subscribers', prefix),
      ]);
    } catch (error) {
      throw new Error(`DynamoDB Local is not usable at ${config.endpoint}: is the stack up?`, {
        cause: error,
      });
    }
  });

  afterAll(async () => {
    if (!doc) return;
    await dropReferenceTables(doc, prefix);
    doc.destroy();
  });

  it('reads the repository files (every item carries its key)', () => {
    const files = readReferenceFiles();
    expect(files.cells?.length).toBeGreaterThan(0);
    expect(files.subscribers?.length).toBeGreaterThan(0);
    expect(files.cells?.every((c) => typeof c.cell_id === 'string')).toBe(true);
  });

  it('loads items in batches, and loading again replaces rather than duplicates', async () => {
    const started = performance.now();
    const reports = await loadReferenceData(doc, { cells, subscribers }, { prefix });
    const ms = Math.round(performance.now() - started);
    expect(reports.map((r) => [r.kind, r.items])).toEqual([
      ['cells', cells.length],
      ['subscribers', subscribers.length],
    ]);
    expect(reports[1]?.calls).toBeGreaterThanOrEqual(Math.ceil(subscribers.length / 25));
    console.info(
      `[reference] loaded ${cells.length} cells + ${subscribers.length} subscribers in ${ms} ms (${Math.round(((cells.length + subscribers.length) * 1000) / ms)} items/s)`,
    );
    const again = await loadReferenceData(doc, { cells: cells.slice(0, 3) }, { prefix });
    expect(again[0]?.items).toBe(3);
  });

  it('looks up known and unknown keys of both tables in one wave, then serves them from the cache', async () => {
    let now = 0;
    const reader = new ReferenceReader(doc, { prefix, ttlMs: 300_000, now: () => now });
    const cellIds = [...cells.slice(0, 120).map((c) => c.cell_id), '999-99-0-0'];
    const imsis = [subscribers[0]?.imsi as string, '208990000000000'];

    sends = 0;
    const first = await reader.lookup({ cells: cellIds, subscribers: imsis });
    expect(sends).toBe(2); // 123 keys → BatchGetItem chunks of 100 + 23
    expect(first.cells.size).toBe(120);
    expect(first.cells.get(cells[7]?.cell_id as string)).toEqual(cells[7]);
    expect(first.cells.has('999-99-0-0')).toBe(false);
    expect(first.subscribers.get(imsis[0] as string)).toEqual(subscribers[0]);
    expect(first.subscribers.has('208990000000000')).toBe(false);

    sends = 0;
    const second = await reader.lookup({ cells: cellIds, subscribers: imsis });
    expect(sends).toBe(0); // found and absent keys alike come from the cache
    expect(second.cells.size).toBe(120);
    expect(reader.stats).toMatchObject({ fetches: 1, hits: 123, misses: 123 });

    now = 300_000; // TTL elapsed: DynamoDB is asked again
    await reader.lookup({ cells: cellIds.slice(0, 1) });
    expect(sends).toBe(1);
  });

  it('serves the enrichment port: typed cells and subscribers, invalid stored items treated as unknown', async () => {
    await doc.send(
      new PutCommand({
        TableName: referenceTableName('cells', prefix),
        Item: { cell_id: 'bad-cell', technology: '9G' },
      }),
    );
    const port = new DynamoReferenceData(doc, { prefix, ttlMs: 300_000 });
    sends = 0;
    const found = await port.getCells([cells[0]?.cell_id as string, 'bad-cell', 'missing-cell']);
    expect([...found.keys()]).toEqual([cells[0]?.cell_id]);
    expect(found.get(cells[0]?.cell_id as string)).toEqual(cells[0]);
    expect(port.reader.stats.invalid).toBe(1);
    const subs = await port.getSubscribers([subscribers[1]?.imsi as string]);
    expect(subs.get(subscribers[1]?.imsi as string)).toEqual(subscribers[1]);
    expect(sends).toBe(2);
    await port.getCells(['bad-cell', 'missing-cell']);
    expect(sends).toBe(2); // both remembered as unknown
  });
});
