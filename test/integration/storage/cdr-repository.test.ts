/**
 * The CDR schema and repository against the REAL embedded Cassandra (keyspace unique to the run).
 */
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrRepository } from '../../../shared/cdr/storage/cdr-repository.ts';
import type { CdrRow } from '../../../shared/cdr/storage/cdr-row.ts';
import { applyCdrSchema, CDR_TABLE } from '../../../shared/cdr/storage/cdr-schema.ts';
import type { LocalCassandraConfig } from '../../../shared/storage/cassandra/config.ts';
import type { WriteMode } from '../../../shared/storage/cassandra/row-writer.ts';
import { disposeStorageFixture, repositoryFixture, sampleRow } from './cassandra-fixture.ts';

const NINETY_DAYS = 90 * 86_400;

describe('CDR hot storage on Cassandra', () => {
  let client: cassandra.Client;
  let config: LocalCassandraConfig;
  let repo: CdrRepository;

  beforeAll(async () => {
    ({ client, config, repo } = await repositoryFixture('it_storage'));
  });

  afterAll(async () => {
    if (client) await disposeStorageFixture(client, config.keyspace);
  });

  it('applies the schema from schema.cql, idempotently, with the 90-day default TTL', async () => {
    const again = await applyCdrSchema(client, { keyspace: config.keyspace });
    expect(again.tables).toEqual([CDR_TABLE.bySubscriberDay, CDR_TABLE.byId]);
    expect(again.addedColumns).toEqual([]);
    const rs = await client.execute(
      'SELECT table_name, default_time_to_live FROM system_schema.tables WHERE keyspace_name = ?',
      [config.keyspace],
    );
    const ttlByTable = Object.fromEntries(
      rs.rows.map((r) => [r.get('table_name'), r.get('default_time_to_live')]),
    );
    expect(ttlByTable).toEqual({ cdr_by_subscriber_day_v2: NINETY_DAYS, cdr_lookup_by_id: NINETY_DAYS });
    const ks = await client.execute(
      'SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?',
      [config.keyspace],
    );
    expect(ks.first()?.get('replication')).toMatchObject({ replication_factor: '1' });
  });

  it('adds the columns the CQL source gained to an existing table', async () => {
    await client.execute(`ALTER TABLE ${config.keyspace}.${CDR_TABLE.bySubscriberDay} DROP payment`);
    const report = await applyCdrSchema(client, { keyspace: config.keyspace });
    expect(report.addedColumns).toEqual([`${CDR_TABLE.bySubscriberDay}.payment`]);
  });

  it('upserts: writing the same CDR twice leaves one row in each table', async () => {
    const row = sampleRow(1);
    expect(await repo.upsertMany([row])).toEqual([{ ok: true }]);
    expect(await repo.upsertMany([row, row])).toEqual([{ ok: true }, { ok: true }]);
    expect(await repo.countAll(CDR_TABLE.byId)).toBe(1);
    expect(await repo.countAll(CDR_TABLE.bySubscriberDay)).toBe(1);
  });

  it.each<[WriteMode, number, string]>([
    ['logged-batch', 300, 'one logged batch per CDR over both tables'],
    ['independent', 310, 'one request per INSERT'],
  ])('writes in %s mode (rows from %i: %s), still idempotently', async (writeMode, first) => {
    const writer = new CdrRepository(client, { ...config, writeMode });
    const rows = [sampleRow(first), sampleRow(first + 1)];
    const before = await writer.countAll(CDR_TABLE.byId);
    expect(await writer.upsertMany(rows)).toEqual([{ ok: true }, { ok: true }]);
    expect(await writer.upsertMany(rows)).toEqual([{ ok: true }, { ok: true }]);
    expect(await writer.countAll(CDR_TABLE.byId)).toBe(before + 2);
    expect(await writer.countAll(CDR_TABLE.bySubscriberDay)).toBe(before + 2);
    expect(await writer.byId(rows[1]?.cdr_id as string)).toEqual(rows[1]);
  });

  it('fails every CDR of an unlogged batch that fails, and only those', async () => {
    const unlogged = new CdrRepository(client, { ...config, writeMode: 'unlogged-batch', rowsPerBatch: 2 });
    const bad = { ...sampleRow(321), duration_s: 'not a number' } as unknown as CdrRow;
    const rows = [sampleRow(320), bad, sampleRow(322), sampleRow(323)];
    const results = await unlogged.upsertMany(rows);
    expect(results.map((r) => r.ok)).toEqual([false, false, true, true]);
    expect(await unlogged.byId(sampleRow(320).cdr_id)).toBeUndefined();
    expect(await unlogged.byId(sampleRow(323).cdr_id)).toEqual(rows[3]);
    // The failed full rows got no lookup row: the by-id reads and the accounting never see them.
    const ids = rows.map((r) => r.cdr_id);
    expect([...(await unlogged.storedAt(ids)).keys()].sort()).toEqual([ids[2], ids[3]]);
    await unlogged.upsertMany([sampleRow(320), sampleRow(321)]);
  });

  it('answers stored_at by id from the lookup rows, and reads several CDRs back by id', async () => {
    const rows = [sampleRow(400), sampleRow(401, { imsi: '208017777777777' }), sampleRow(402)];
    await repo.upsertMany(rows);
    const storedAt = await repo.storedAt([...rows.map((r) => r.cdr_id), 'no-such-id']);
    expect(Object.fromEntries(storedAt)).toEqual(
      Object.fromEntries(rows.map((r) => [r.cdr_id, r.stored_at.getTime()])),
    );
    const read = await repo.byIds([rows[2]!.cdr_id, 'no-such-id', rows[1]!.cdr_id]);
    expect(read.sort((a, b) => a.cdr_id.localeCompare(b.cdr_id))).toEqual([rows[1], rows[2]]);
    expect(await repo.storedAt([])).toEqual(new Map());
  });

  it('reads a CDR back by id with every column intact', async () => {
    const row = sampleRow(2, {
      volume_bytes: 5_000_000_000,
      fraud_reasons: ['PREMIUM_RATE'],
      fraud_score: 70,
    });
    await repo.upsertMany([row]);
    expect(await repo.byId(row.cdr_id)).toEqual(row);
    expect(await repo.byId('no-such-id')).toBeUndefined();
  });

  it('sets the table TTL on every row', async () => {
    const ttl = await repo.remainingTtlSeconds(sampleRow(1).cdr_id);
    expect(ttl).toBeGreaterThan(NINETY_DAYS - 120);
    expect(ttl).toBeLessThanOrEqual(NINETY_DAYS);
  });

  it('lists a subscriber-day newest first, and only that subscriber and day', async () => {
    const imsi = '208019999999999';
    const rows = [5, 3, 4].map((i) => sampleRow(100 + i, { imsi }));
    const otherDay = sampleRow(200, {
      imsi,
      start_time: new Date('2026-11-23T00:00:01Z'),
      day: '2026-11-23',
    });
    await repo.upsertMany([...rows, otherDay]);
    const listed = await repo.bySubscriberDay(imsi, '2026-11-22');
    expect(listed.map((r) => r.cdr_id)).toEqual(['it-000105', 'it-000104', 'it-000103']);
    expect((await repo.bySubscriberDay(imsi, '2026-11-23')).map((r) => r.cdr_id)).toEqual(['it-000200']);
  });

  it('measures write throughput at the configured concurrency', async () => {
    const n = 4_000;
    const rows = Array.from({ length: n }, (_, i) =>
      sampleRow(10_000 + i, { imsi: `20801${String(i % 50).padStart(10, '0')}` }),
    );
    const started = performance.now();
    const results = await repo.upsertMany(rows);
    const seconds = (performance.now() - started) / 1000;
    expect(results.every((r) => r.ok)).toBe(true);
    const perSecond = Math.round(n / seconds);
    console.info(
      `[storage] upserted ${n} CDRs (${2 * n} INSERTs: full rows, then lookup rows) in ${seconds.toFixed(2)} s = ${perSecond} CDR/s at concurrency ${config.writeConcurrency}`,
    );
    // + 2 rows of each write-mode test, + 4 of the failed-batch test, + 3 of the by-id reads.
    expect(await repo.countAll(CDR_TABLE.byId)).toBe(n + 1 + 2 + 2 + 4 + 3 + 1 + 4);
    expect(await repo.countAll(CDR_TABLE.bySubscriberDay)).toBe(n + 1 + 2 + 2 + 4 + 3 + 1 + 4);
  });
});
