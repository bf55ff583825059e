/**
 * The activity stage's per-record outcomes, through the real repository and row writer on a
 * scripted Cassandra client: bad records are rejected for good; a write the storage fails — for a
 * moment (timeout, unavailable, overloaded) or for longer — fails the record transiently, never as
 * a reject, so the mapping retries it and then parks it in users-dlq. The real Cassandra and the
 * mapping's retries are exercised in test/integration/commerce/activity.test.ts.
 */
import { createServer } from 'node:net';
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { activityStage } from '../../../shared/commerce/stages/activity-stage.ts';
import { activityStageFromEnv } from '../../../shared/commerce/stages/activity-stage-from-env.ts';
import { VALIDATED_HEADER } from '../../../shared/commerce/stages/validation-headers.ts';
import { ActivityRepository } from '../../../shared/commerce/storage/activity-repository.ts';
import { TransientError } from '../../../shared/runtime/outcome.ts';
import type { RecordResult } from '../../../shared/runtime/stage.ts';
import { STORAGE_FAILURE } from '../../../shared/storage/cassandra/write-failure.ts';
import { VALID, vary } from './fixtures.ts';
import { generatedUserEvents, RECORD_TIMESTAMP, userEventRecord } from './user-events.ts';

const codes = cassandra.types.responseErrorCodes;
const NOW = new Date('2026-01-15T12:00:05Z');

/** A client whose `batch` answers as `fail` says (an error to throw, or nothing), recording what was sent. */
function scriptedClient(fail: (params: unknown[][]) => Error | undefined = () => undefined) {
  const batches: { query: string; params: unknown[] }[][] = [];
  const client = {
    async batch(queries: { query: string; params: unknown[] }[]) {
      batches.push(queries);
      const error = fail(queries.map((q) => q.params));
      if (error) throw error;
      return {};
    },
  } as unknown as cassandra.Client;
  return { client, batches };
}

function stageOn(client: cassandra.Client, rowsPerBatch = 30) {
  const writer = new ActivityRepository(client, {
    keyspace: 'orion_commerce',
    writeConcurrency: 4,
    rowsPerBatch,
  });
  return activityStage({ writer, now: () => NOW });
}

const kinds = (results: readonly RecordResult[]) => results.map((r) => r.kind);
const failure = (result: RecordResult | undefined) =>
  (result as { kind: 'failed'; error: TransientError }).error;

describe('activityStage', () => {
  it('writes a batch of user events in one request per 30 rows and marks each DONE', async () => {
    const events = generatedUserEvents({ seed: 3, count: 70, startMs: Date.UTC(2026, 0, 14) });
    const { client, batches } = scriptedClient();
    const results = await stageOn(client).processBatch(
      events.map((e, i) => userEventRecord(e, i, e.user_id)),
    );
    expect(results).toEqual(events.map(() => ({ kind: 'done', eventTimeMs: RECORD_TIMESTAMP })));
    expect(batches.map((b) => b.length)).toEqual([30, 30, events.length - 60]);
    expect(batches[0]?.[0]?.query).toBe(
      'INSERT INTO orion_commerce.activity_by_user_day (user_id, day, event_time, event_id, event_type, session_id, item_id, category, source, details, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const [first] = events;
    expect(batches[0]?.[0]?.params.slice(0, 5)).toEqual([
      first?.user_id,
      new Date(first!.timestamp).toISOString().slice(0, 10),
      new Date(first!.timestamp),
      first?.event_id,
      first?.event_type,
    ]);
  });

  it('counts pipeline age from when the event entered the pipeline (the validated ingested-at header), not its own time', async () => {
    const { client } = scriptedClient();
    const ingestedAt = Date.UTC(2026, 0, 15, 11, 59, 58);
    const dataset = { ...VALID.view, timestamp: Date.UTC(2015, 5, 2), source: 'retailrocket' as const };
    const results = await stageOn(client).processBatch([
      userEventRecord(dataset, 0, '12345', {
        [VALIDATED_HEADER.eventType]: Buffer.from('view'),
        [VALIDATED_HEADER.ingestedAt]: Buffer.from(String(ingestedAt)),
      }),
      userEventRecord(dataset, 1, '12345', { [VALIDATED_HEADER.ingestedAt]: Buffer.from('soon') }),
    ]);
    expect(results).toEqual([
      { kind: 'done', eventTimeMs: ingestedAt },
      { kind: 'done', eventTimeMs: ingestedAt }, // the same event id: written once, answered alike
    ]);
    const [other] = await stageOn(client).processBatch([
      userEventRecord(VALID.search, 0, '12345', { [VALIDATED_HEADER.eventType]: Buffer.from('search') }),
    ]);
    expect(other).toEqual({ kind: 'done', eventTimeMs: RECORD_TIMESTAMP });
  });

  it.each([
    ['no bytes', null, 'EMPTY_VALUE'],
    ['not JSON', '{"event_type": "view", ', 'NOT_JSON'],
    ['a JSON array', '[1, 2]', 'NOT_OBJECT'],
    ['a prototype-polluting key', '{"__proto__": {"admin": true}}', 'FORBIDDEN_KEY'],
    ['a view without its item', vary(VALID.view, { item_id: undefined }), 'MISSING_FIELD'],
    ['an unknown field', vary(VALID.view, { page: '/cart' }), 'UNKNOWN_FIELD'],
    ['a time in epoch seconds', vary(VALID.view, { timestamp: 1_768_478_400 }), 'TIMESTAMP_OUT_OF_RANGE'],
    ['a payment event', VALID.payment_attempt, 'INVALID_VALUE'],
    ['an order event', VALID.checkout, 'INVALID_VALUE'],
  ])(
    'rejects %s for good (%s), without writing it and without echoing the shopper',
    async (_what, value, reason) => {
      const { client, batches } = scriptedClient();
      const [result] = await stageOn(client).processBatch([userEventRecord(value)]);
      expect(result).toMatchObject({ kind: 'reject', reason });
      expect(JSON.stringify(result)).not.toContain('12345');
      expect(batches).toEqual([]);
    },
  );

  it.each([
    [
      'a client timeout',
      new cassandra.errors.OperationTimedOutError('timed out', '10.0.0.1:9042'),
      STORAGE_FAILURE.TIMEOUT,
    ],
    [
      'a coordinator write timeout',
      new cassandra.errors.ResponseError(codes.writeTimeout, 'write timeout'),
      STORAGE_FAILURE.TIMEOUT,
    ],
    ['no node reachable', new cassandra.errors.NoHostAvailableError({}), STORAGE_FAILURE.UNAVAILABLE],
    [
      'too few replicas',
      new cassandra.errors.ResponseError(codes.unavailableException, 'unavailable'),
      STORAGE_FAILURE.UNAVAILABLE,
    ],
    [
      'an overloaded coordinator',
      new cassandra.errors.ResponseError(codes.overloaded, 'overloaded'),
      STORAGE_FAILURE.THROTTLED,
    ],
    [
      'Keyspaces throttling',
      new cassandra.errors.ResponseError(
        codes.serverError,
        'Write throughput exceeds the provisioned capacity',
      ),
      STORAGE_FAILURE.THROTTLED,
    ],
  ])('fails the records of %s transiently, with a storage code the DLQ keeps', async (_what, error, code) => {
    const { client } = scriptedClient(() => error);
    const results = await stageOn(client).processBatch([
      userEventRecord(VALID.view, 0),
      userEventRecord('garbage', 1),
      userEventRecord(VALID.search, 2),
    ]);
    expect(kinds(results)).toEqual(['failed', 'reject', 'failed']);
    for (const r of [results[0], results[2]]) {
      expect(failure(r)).toBeInstanceOf(TransientError);
      expect(failure(r)).toMatchObject({ code, retryable: true });
      expect(failure(r).cause).toBe(error);
    }
  });

  it('fails a write the storage refuses for longer (table missing) transiently too: the data is fine, only storage can fix it', async () => {
    const error = new cassandra.errors.ResponseError(
      codes.invalid,
      'unconfigured table activity_by_user_day',
    );
    const { client } = scriptedClient(() => error);
    const [result] = await stageOn(client).processBatch([userEventRecord(VALID.review)]);
    expect(result?.kind).toBe('failed');
    expect(failure(result)).toMatchObject({ code: STORAGE_FAILURE.WRITE_FAILED, retryable: true });
    expect(failure(result).message).not.toContain('12345');
  });

  it('fails exactly the records whose write failed', async () => {
    const bad = VALID.addtocart.event_id;
    const { client } = scriptedClient((params) =>
      params.some((p) => p.includes(bad)) ? new cassandra.errors.NoHostAvailableError({}) : undefined,
    );
    const results = await stageOn(client, 1).processBatch(
      [VALID.view, VALID.addtocart, VALID.transaction].map((e, i) => userEventRecord(e, i)),
    );
    expect(kinds(results)).toEqual(['done', 'failed', 'done']);
  });

  it('writes an event redelivered within one batch once and answers for every copy', async () => {
    const { client, batches } = scriptedClient();
    const results = await stageOn(client).processBatch([
      userEventRecord(VALID.view, 0),
      userEventRecord(VALID.filter, 1),
      userEventRecord(VALID.view, 2),
    ]);
    expect(kinds(results)).toEqual(['done', 'done', 'done']);
    expect(batches.flat().map((q) => q.params[3])).toEqual([VALID.view.event_id, VALID.filter.event_id]);
  });

  it('fails every storable record when the writer cannot be obtained, and still rejects the bad ones', async () => {
    const stage = activityStage({
      writer: async () => {
        throw new cassandra.errors.NoHostAvailableError({});
      },
    });
    const results = await stage.processBatch([userEventRecord(VALID.view), userEventRecord(null)]);
    expect(kinds(results)).toEqual(['failed', 'reject']);
    expect(failure(results[0]).code).toBe(STORAGE_FAILURE.UNAVAILABLE);
  });
});

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('activityStageFromEnv', () => {
  it('fails at cold start on a wrong setting, naming the variable', () => {
    expect(() => activityStageFromEnv({ CASSANDRA_WRITE_CONCURRENCY: '0' })).toThrow(
      /CASSANDRA_WRITE_CONCURRENCY/,
    );
    expect(() => activityStageFromEnv({ CASSANDRA_TARGET: 'keyspaces' })).toThrow(/AWS_REGION/);
  });

  it('connects on the first batch; with Cassandra unreachable the batch fails transiently, and the next batch tries again', async () => {
    const stage = activityStageFromEnv({
      CASSANDRA_CONTACT_POINTS: `127.0.0.1:${await closedPort()}`,
      CASSANDRA_KEYSPACE: 'orion_commerce',
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const results = await stage.processBatch([userEventRecord(VALID.view), userEventRecord('{')]);
      expect(kinds(results)).toEqual(['failed', 'reject']);
      expect(failure(results[0]).code).toBe(STORAGE_FAILURE.UNAVAILABLE);
    }
  });
});
