/**
 * The storage stage against the REAL embedded Cassandra, including Cassandra going away:
 * the affected records are reported as transient failures (not rejects), and once Cassandra is
 * back the retry succeeds and leaves no duplicate row.
 *
 * Stopping Cassandra affects everyone sharing the stack for ~30 s: this is the only test that
 * does it, and it restarts Cassandra in `finally` whatever happens.
 */
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startComponent, stopComponent } from '../../../localstack/embedded/stack.ts';
import { storageStage } from '../../../shared/cdr/stages/storage-stage.ts';
import type { CdrRepository } from '../../../shared/cdr/storage/cdr-repository.ts';
import { CDR_TABLE } from '../../../shared/cdr/storage/cdr-schema.ts';
import { toEnrichedCdr } from '../../../shared/cdr/storage/stored-cdr.ts';
import { TransientError } from '../../../shared/runtime/outcome.ts';
import type { RecordResult } from '../../../shared/runtime/stage.ts';
import type { LocalCassandraConfig } from '../../../shared/storage/cassandra/config.ts';
import { testEndpoints } from '../../support/endpoints.ts';
import { enrichedRecord, sampleEnrichedCdr } from '../../unit/cdr/enriched-cdr-fixture.ts';
import { disposeStorageFixture, repositoryFixture } from './cassandra-fixture.ts';

const kinds = (results: readonly RecordResult[]) => results.map((r) => r.kind);

/** Polls until the client can query again (driver reconnection after a restart). */
async function waitUntilQueryable(client: cassandra.Client, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await client.execute('SELECT release_version FROM system.local');
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('storage stage on Cassandra', () => {
  let client: cassandra.Client;
  let config: LocalCassandraConfig;
  let repo: CdrRepository;

  beforeAll(async () => {
    ({ client, config, repo } = await repositoryFixture('it_stage'));
  });

  afterAll(async () => {
    if (client) await disposeStorageFixture(client, config.keyspace);
  });

  it('stores a batch, rejects what cannot be stored, and replaying the batch adds no row', async () => {
    const stage = storageStage({ writer: repo });
    const cdrs = Array.from({ length: 200 }, (_, i) =>
      sampleEnrichedCdr(i, { imsi: `2080100000${String(i % 10).padStart(5, '0')}` }),
    );
    const records = [...cdrs.map((c, i) => enrichedRecord(c, i)), enrichedRecord('{"truncated": ', 200)];
    const started = performance.now();
    const results = await stage.processBatch(records);
    const ms = performance.now() - started;
    expect(kinds(results)).toEqual([...cdrs.map(() => 'done'), 'reject']);
    console.info(`[storage] stage stored a batch of ${cdrs.length} CDRs in ${ms.toFixed(0)} ms`);
    await stage.processBatch(records); // replay
    expect(await repo.countAll(CDR_TABLE.byId)).toBe(200);
    expect(await repo.countAll(CDR_TABLE.bySubscriberDay)).toBe(200);
    const stored = await repo.byId(cdrs[42]?.cdr_id as string);
    expect(stored && toEnrichedCdr(stored)).toEqual(cdrs[42]);
  });

  it('reports writes as transient failures while Cassandra is down; after the restart the retry succeeds without duplicates', async () => {
    if (testEndpoints().external.cassandra) {
      throw new Error('this test stops the embedded Cassandra; CASSANDRA_CONTACT_POINTS points elsewhere');
    }
    const stage = storageStage({ writer: repo });
    const batch = Array.from({ length: 50 }, (_, i) => enrichedRecord(sampleEnrichedCdr(1_000 + i), i));
    batch.push(enrichedRecord(null, 50));
    const before = await repo.countAll(CDR_TABLE.byId);

    let whileDown: RecordResult[] = [];
    let downMs = 0;
    let recoveryMs = 0;
    const stoppedAt = Date.now();
    try {
      await stopComponent('cassandra');
      whileDown = await stage.processBatch(batch);
    } finally {
      await startComponent('cassandra');
      downMs = Date.now() - stoppedAt;
      recoveryMs = await waitUntilQueryable(client, 60_000);
    }
    // Storage unavailable: transient failures for exactly the storable records, the bad one still rejected.
    expect(kinds(whileDown)).toEqual([...Array(50).fill('failed'), 'reject']);
    const failure = whileDown[0] as { kind: 'failed'; error: TransientError };
    expect(failure.error).toBeInstanceOf(TransientError);
    expect(failure.error.code).toBe('STORAGE_UNAVAILABLE');

    // The event source mapping retries the failed records: they are stored once.
    const retry = await stage.processBatch(batch.slice(0, 50));
    expect(kinds(retry)).toEqual(Array(50).fill('done'));
    await stage.processBatch(batch.slice(0, 50)); // and a second redelivery changes nothing
    expect(await repo.countAll(CDR_TABLE.byId)).toBe(before + 50);
    expect(await repo.countAll(CDR_TABLE.bySubscriberDay)).toBe(before + 50);
    console.info(
      `[storage] Cassandra down→up took ${(downMs / 1000).toFixed(1)} s; the driver could query again ${(recoveryMs / 1000).toFixed(1)} s after the restart`,
    );
  }, 300_000);
});
