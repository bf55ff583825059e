/**
 * The replay job on the real embedded stack: Kafka (private dead-letter and source topics per
 * test) and DynamoDB Local (a private job table).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import { REPLAY_HEADER } from '../../../shared/replay/constants.ts';
import { ReplayError } from '../../../shared/replay/errors.ts';
import { runReplay } from '../../../shared/replay/replay-job.ts';
import { parseReplayRequest } from '../../../shared/replay/request.ts';
import { uniqueName } from '../../support/endpoints.ts';
import {
  endOffsets,
  everything,
  originals,
  type ReplayFixture,
  replayFixture,
  writeAwsDeadLetters,
  writeOrionRejects,
} from './fixtures.ts';

let f: ReplayFixture;

beforeAll(async () => {
  f = await replayFixture();
});

afterAll(async () => {
  await f?.close();
});

const jobId = () => uniqueName('job');

describe('replay of AWS on-failure records (cdr.dlq)', () => {
  it('republishes each original key, bytes and headers to its source topic exactly once, even when invoked again', async () => {
    const dlq = await f.topic('dlq', 3);
    const raw = await f.topic('raw', 2);
    const sent = originals(raw, 12).map((o, i) => ({ ...o, headers: { 'trace-id': `t-${i}` } }));
    // Three produces: each partition holds several record batches, read one fetch after another.
    for (let i = 0; i < 12; i += 4) await writeAwsDeadLetters(f.writer, dlq, sent.slice(i, i + 4), 3);

    const request = parseReplayRequest({ jobId: jobId(), batchSize: 5 }, CDR_PIPELINE);
    const first = await runReplay(request, f.deps(dlq));
    expect(first.partial).toBe(false);
    expect(first.invocation).toEqual({
      read: 12,
      matched: 12,
      republished: 12,
      skipped: { filtered: 0, loopGuard: 0, alreadyDone: 0, noTarget: 0 },
    });

    const again = await runReplay(request, f.deps(dlq));
    expect(again.invocation.read).toBe(0);
    expect(again.total.republished).toBe(12);

    const { records, count } = await everything(f, raw);
    expect(count).toBe(12);
    const byKey = new Map(records.map((r) => [r.key?.toString(), r]));
    for (const [i, o] of sent.entries()) {
      const r = byKey.get(o.key);
      expect(r?.value?.toString()).toBe(o.value);
      expect(r?.headers['trace-id']?.toString()).toBe(`t-${i}`);
      expect(r?.headers[REPLAY_HEADER.count]?.toString()).toBe('1');
      expect(r?.headers[REPLAY_HEADER.job]?.toString()).toBe(request.jobId);
    }
    expect(new Set(records.map((r) => r.headers[REPLAY_HEADER.id]?.toString())).size).toBe(12);
  });

  it('reads a partition that takes several fetches (values of ~550 KB: one record batch per fetch)', async () => {
    const dlq = await f.topic('dlq', 1);
    const raw = await f.topic('raw', 1);
    const big = originals(raw, 3).map((o) => ({ ...o, value: `${o.value}${'z'.repeat(550_000)}` }));
    for (const o of big) await writeAwsDeadLetters(f.writer, dlq, [o], 1);
    const summary = await runReplay(parseReplayRequest({ jobId: jobId() }, CDR_PIPELINE), f.deps(dlq));
    expect(summary).toMatchObject({ partial: false, invocation: { read: 3, republished: 3 } });
    expect(await endOffsets(f.admin, raw)).toBe(3);
  }, 60_000);

  it('a time range replays only the records written inside it', async () => {
    const dlq = await f.topic('dlq', 1);
    const raw = await f.topic('raw', 2);
    await writeAwsDeadLetters(f.writer, dlq, originals(raw, 4, 'early'), 1);
    await new Promise((r) => setTimeout(r, 50));
    const from = Date.now();
    await writeAwsDeadLetters(f.writer, dlq, originals(raw, 3, 'late'), 1);
    const summary = await runReplay(
      parseReplayRequest({ jobId: jobId(), range: { kind: 'time', from } }, CDR_PIPELINE),
      f.deps(dlq),
    );
    expect(summary.invocation.republished).toBe(3);
    expect(summary.partitions).toEqual([{ partition: 0, start: 4, end: 7, next: 7, done: true }]);
    const { records } = await everything(f, raw);
    expect(records.map((r) => r.value?.toString().split(';')[0]).sort()).toEqual([
      'late-0',
      'late-1',
      'late-2',
    ]);
  });
});

describe('replay of ORION rejected records (cdr.rejected)', () => {
  it('after a rule change, replays only the reason that is now accepted, to its raw topic', async () => {
    const rejected = await f.topic('rejected', 2);
    const raw = await f.topic('raw', 2);
    const accepted = originals(raw, 5, 'premium').map((o) => ({ ...o, reason: 'PREMIUM_DESTINATION' }));
    const stillBad = originals(raw, 3, 'imsi').map((o) => ({
      ...o,
      key: `k${o.key}`,
      reason: 'MALFORMED_IMSI',
    }));
    await writeOrionRejects(f.writer, rejected, [...accepted, ...stillBad]);

    const summary = await runReplay(
      parseReplayRequest(
        {
          jobId: jobId(),
          source: 'cdr.rejected',
          filter: { reasons: ['PREMIUM_DESTINATION'] },
        },
        CDR_PIPELINE,
      ),
      f.deps(rejected),
    );
    expect(summary.total).toMatchObject({ read: 8, matched: 5, republished: 5, skipped: { filtered: 3 } });
    const { records, count } = await everything(f, raw);
    expect(count).toBe(5);
    expect(records.map((r) => r.value?.toString().split(';')[0]).sort()).toEqual(
      accepted.map((o) => o.value.split(';')[0]).sort(),
    );
    // Failure headers are not carried into the pipeline again.
    expect(
      Object.keys(records[0]?.headers ?? {}).filter(
        (h) => h.startsWith('orion.') && !h.startsWith('orion.replay.'),
      ),
    ).toEqual([]);
  });

  it('loop guard: refuses records already replayed maxReplays times, increments the count of the others', async () => {
    const rejected = await f.topic('rejected', 1);
    const raw = await f.topic('raw', 1);
    const tired = originals(raw, 2, 'tired').map((o) => ({
      ...o,
      reason: 'X',
      headers: { [REPLAY_HEADER.count]: '3' },
    }));
    const fresh = originals(raw, 2, 'fresh').map((o) => ({
      ...o,
      key: `f${o.key}`,
      reason: 'X',
      headers: { [REPLAY_HEADER.count]: '1' },
    }));
    await writeOrionRejects(f.writer, rejected, [...tired, ...fresh]);
    const summary = await runReplay(
      parseReplayRequest({ jobId: jobId(), maxReplays: 3 }, CDR_PIPELINE),
      f.deps(rejected),
    );
    expect(summary.total).toMatchObject({ read: 4, republished: 2, skipped: { loopGuard: 2 } });
    const { records } = await everything(f, raw);
    expect(records.map((r) => r.headers[REPLAY_HEADER.count]?.toString())).toEqual(['2', '2']);
  });
});

describe('resumable and idempotent', () => {
  it('a replay stopped by its record budget and resumed with the same job id gives exact counts and no duplicate', async () => {
    const dlq = await f.topic('dlq', 2);
    const raw = await f.topic('raw', 2);
    // Three produces: each partition holds several record batches, read one fetch after another.
    const all = originals(raw, 30);
    for (let i = 0; i < 30; i += 10) await writeAwsDeadLetters(f.writer, dlq, all.slice(i, i + 10), 2);
    const base = { jobId: jobId(), batchSize: 4 };

    const first = await runReplay(parseReplayRequest({ ...base, maxRecords: 10 }, CDR_PIPELINE), f.deps(dlq));
    expect(first).toMatchObject({
      partial: true,
      stoppedBecause: 'maxRecords',
      invocation: { read: 10, republished: 10 },
    });
    expect(await endOffsets(f.admin, raw)).toBe(10);

    const second = await runReplay(
      parseReplayRequest({ ...base, maxRecords: 10 }, CDR_PIPELINE),
      f.deps(dlq),
    );
    expect(second).toMatchObject({
      partial: true,
      invocation: { read: 10, republished: 10 },
      total: { republished: 20 },
    });

    const last = await runReplay(parseReplayRequest(base, CDR_PIPELINE), f.deps(dlq));
    expect(last).toMatchObject({
      partial: false,
      invocation: { read: 10, republished: 10 },
      total: { read: 30, republished: 30 },
    });

    const { records, count } = await everything(f, raw);
    expect(count).toBe(30);
    expect(new Set(records.map((r) => r.key?.toString())).size).toBe(30);
  });

  it('an abort between batches stops cleanly (partial) and the resume finishes the job', async () => {
    const dlq = await f.topic('dlq', 1);
    const raw = await f.topic('raw', 1);
    await writeAwsDeadLetters(f.writer, dlq, originals(raw, 12), 1);
    const request = parseReplayRequest({ jobId: jobId(), batchSize: 3 }, CDR_PIPELINE);
    const controller = new AbortController();
    const stopped = await runReplay(
      request,
      f.deps(dlq, { signal: controller.signal, onProgress: () => controller.abort() }),
    );
    expect(stopped).toMatchObject({
      partial: true,
      stoppedBecause: 'aborted',
      invocation: { republished: 3 },
    });
    const resumed = await runReplay(request, f.deps(dlq));
    expect(resumed).toMatchObject({
      partial: false,
      invocation: { republished: 9 },
      total: { republished: 12 },
    });
    expect(await endOffsets(f.admin, raw)).toBe(12);
  });

  it('a crash after a batch is published but before it is checkpointed does not republish it on resume', async () => {
    const dlq = await f.topic('dlq', 1);
    const raw = await f.topic('raw', 2);
    await writeAwsDeadLetters(f.writer, dlq, originals(raw, 10), 1);
    const request = parseReplayRequest({ jobId: jobId(), batchSize: 4 }, CDR_PIPELINE);
    let batches = 0;
    const crash = new Error('simulated crash between publish and checkpoint');
    await expect(
      runReplay(
        request,
        f.deps(dlq, {
          afterPublish: async () => {
            batches += 1;
            if (batches === 2) throw crash;
          },
        }),
      ),
    ).rejects.toBe(crash);
    // Batch 1 checkpointed, batch 2 published but not checkpointed.
    expect(await endOffsets(f.admin, raw)).toBe(8);
    const state = await f.checkpoints.load(request.jobId);
    expect(state?.partitions[0]).toMatchObject({ next: 4, pendingEnd: 8 });

    const resumed = await runReplay(request, f.deps(dlq));
    expect(resumed).toMatchObject({
      partial: false,
      invocation: { republished: 2, skipped: { alreadyDone: 4 } },
      total: { read: 10, republished: 6, skipped: { alreadyDone: 4 } },
    });
    const { records, count } = await everything(f, raw);
    expect(count).toBe(10);
    expect(new Set(records.map((r) => r.headers[REPLAY_HEADER.id]?.toString())).size).toBe(10);
  });

  it('refuses to resume a job id with a different filter', async () => {
    const dlq = await f.topic('dlq', 1);
    const raw = await f.topic('raw', 1);
    await writeAwsDeadLetters(f.writer, dlq, originals(raw, 2), 1);
    const id = jobId();
    await runReplay(parseReplayRequest({ jobId: id }, CDR_PIPELINE), f.deps(dlq));
    const error = await runReplay(
      parseReplayRequest({ jobId: id, filter: { stages: ['storage'] } }, CDR_PIPELINE),
      f.deps(dlq),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(ReplayError);
    expect((error as ReplayError).code).toBe('JOB_REQUEST_MISMATCH');
  });

  it('refuses a second concurrent invocation of a job while the first holds its lease', async () => {
    const dlq = await f.topic('dlq', 1);
    const raw = await f.topic('raw', 1);
    await writeAwsDeadLetters(f.writer, dlq, originals(raw, 6), 1);
    const request = parseReplayRequest({ jobId: jobId(), batchSize: 2, ratePerSecond: 4 }, CDR_PIPELINE);
    const first = runReplay(request, f.deps(dlq));
    await new Promise((r) => setTimeout(r, 300));
    const error = await runReplay(request, f.deps(dlq)).catch((e) => e);
    expect((error as ReplayError).code).toBe('JOB_BUSY');
    expect((await first).total.republished).toBe(6);
    expect(await endOffsets(f.admin, raw)).toBe(6);
  });
});

describe('dry run', () => {
  it('counts what would be replayed and changes nothing: no record produced, no checkpoint', async () => {
    const dlq = await f.topic('dlq', 2);
    const raw = await f.topic('raw', 2);
    await writeAwsDeadLetters(f.writer, dlq, originals(raw, 7), 2);
    const request = parseReplayRequest(
      { jobId: jobId(), dryRun: true, filter: { sourceTopics: [raw] } },
      CDR_PIPELINE,
    );
    const summary = await runReplay(request, f.deps(dlq));
    expect(summary).toMatchObject({
      dryRun: true,
      partial: false,
      invocation: { read: 7, matched: 7, republished: 7 },
    });
    expect(await endOffsets(f.admin, raw)).toBe(0);
    expect(await f.checkpoints.load(request.jobId)).toBeUndefined();
  });
});
