import { describe, expect, it } from 'vitest';
import { CDR_PIPELINE, TOPIC } from '../../../shared/cdr/pipeline.ts';
import { REPLAY_DEFAULTS } from '../../../shared/replay/constants.ts';
import { ReplayError } from '../../../shared/replay/errors.ts';
import { parseReplayRequest, requestIdentity } from '../../../shared/replay/request.ts';

describe('parseReplayRequest', () => {
  it('applies the defaults', () => {
    const r = parseReplayRequest({ jobId: 'job-1' }, CDR_PIPELINE);
    expect(r).toEqual({
      jobId: 'job-1',
      source: TOPIC.dlq,
      range: { kind: 'all' },
      filter: {},
      maxReplays: REPLAY_DEFAULTS.maxReplays,
      ratePerSecond: REPLAY_DEFAULTS.ratePerSecond,
      batchSize: REPLAY_DEFAULTS.batchSize,
      dryRun: false,
    });
  });

  it('parses ISO and epoch instants of a time range to epoch ms', () => {
    const r = parseReplayRequest(
      {
        jobId: 'j',
        source: TOPIC.rejected,
        range: { kind: 'time', from: '2026-03-12T08:00:00Z', to: 1_773_306_000_000 },
      },
      CDR_PIPELINE,
    );
    expect(r.range).toEqual({
      kind: 'time',
      from: Date.parse('2026-03-12T08:00:00Z'),
      to: 1_773_306_000_000,
    });
  });

  it.each([
    [{ jobId: 'has space' }, 'jobId'],
    [{ jobId: 'j', source: 'cdr.validated' }, 'source'],
    [{ jobId: 'j', range: { kind: 'time', from: 2000, to: 1000 } }, 'range'],
    [{ jobId: 'j', range: { kind: 'offsets', partitions: [] } }, 'range.partitions'],
    [
      { jobId: 'j', range: { kind: 'offsets', partitions: [{ partition: 0, start: 5, end: 2 }] } },
      'end must be',
    ],
    [
      {
        jobId: 'j',
        range: {
          kind: 'offsets',
          partitions: [
            { partition: 1, start: 0 },
            { partition: 1, start: 3 },
          ],
        },
      },
      'listed twice',
    ],
    [{ jobId: 'j', filter: { countries: ['xx'] } }, 'filter'],
    [{ jobId: 'j', filter: { sourceTopics: [] } }, 'filter.sourceTopics'],
    [{ jobId: 'j', filter: { stages: [''] } }, 'filter.stages'],
    [{ jobId: 'j', filter: { reason: ['X'] } }, 'filter'],
    [{ jobId: 'j', maxReplays: 0 }, 'maxReplays'],
    [{ jobId: 'j', ratePerSecond: -1 }, 'ratePerSecond'],
    [{ jobId: 'j', unknownOption: true }, 'unknownOption'],
  ])('rejects %j with INVALID_REQUEST naming %s', (input, fragment) => {
    let caught: unknown;
    try {
      parseReplayRequest(input, CDR_PIPELINE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ReplayError);
    expect((caught as ReplayError).code).toBe('INVALID_REQUEST');
    expect((caught as ReplayError).message).toContain(fragment);
  });
});

describe('parseReplayRequest — sources come from the pipeline', () => {
  const orders = { deadLetterTopics: ['orders.dlq'], rejectTopic: 'orders.rejected' };

  it("defaults to the pipeline's first replay source and refuses another pipeline's topics", () => {
    expect(parseReplayRequest({ jobId: 'j' }, orders).source).toBe('orders.dlq');
    expect(parseReplayRequest({ jobId: 'j', source: 'orders.rejected' }, orders).source).toBe(
      'orders.rejected',
    );
    expect(() => parseReplayRequest({ jobId: 'j', source: TOPIC.dlq }, orders)).toThrow(/source/);
  });

  it('refuses a pipeline with no topic to replay from', () => {
    expect(() =>
      parseReplayRequest({ jobId: 'j' }, { replay: { functionDir: 'r', sourceTopics: [] }, ...orders }),
    ).toThrow(ReplayError);
  });
});

describe('requestIdentity', () => {
  it('ignores pacing options but not what is replayed', () => {
    const base = parseReplayRequest({ jobId: 'j', filter: { reasons: ['A'] } }, CDR_PIPELINE);
    const paced = parseReplayRequest(
      {
        jobId: 'j',
        filter: { reasons: ['A'] },
        ratePerSecond: 5,
        maxRecords: 10,
      },
      CDR_PIPELINE,
    );
    const other = parseReplayRequest({ jobId: 'j', filter: { reasons: ['B'] } }, CDR_PIPELINE);
    expect(requestIdentity(paced)).toBe(requestIdentity(base));
    expect(requestIdentity(other)).not.toBe(requestIdentity(base));
  });
});
