import { describe, expect, it } from 'vitest';
import { parseOffsets, requestFromOptions } from '../../../bin/commands/replay.ts';
import { CDR_PIPELINE } from '../../../shared/cdr/pipeline.ts';
import { parseReplayRequest } from '../../../shared/replay/request.ts';

describe('orion replay flags', () => {
  it('parses --offsets partition:start-end with an optional end', () => {
    expect(parseOffsets('0:120-300, 3:40-')).toEqual([
      { partition: 0, start: 120, end: 300 },
      { partition: 3, start: 40 },
    ]);
    expect(() => parseOffsets('0:12')).toThrow(/partition:start-end/);
  });

  it('builds the request the flags describe, validated by the shared schema', () => {
    const request = parseReplayRequest(
      requestFromOptions({
        job: 'outage-0312',
        source: 'cdr.rejected',
        from: '2026-03-12T08:00:00Z',
        reason: ['A', 'B'],
        stage: ['storage'],
        sourceTopic: ['cdr.raw.fr'],
        rate: 100,
        dryRun: true,
      }),
      CDR_PIPELINE,
    );
    expect(request).toMatchObject({
      jobId: 'outage-0312',
      source: 'cdr.rejected',
      range: { kind: 'time', from: Date.parse('2026-03-12T08:00:00Z') },
      filter: { reasons: ['A', 'B'], stages: ['storage'], sourceTopics: ['cdr.raw.fr'] },
      ratePerSecond: 100,
      dryRun: true,
    });
  });

  it('refuses contradictory ranges', () => {
    expect(() => requestFromOptions({ job: 'j', source: 'cdr.dlq', from: 'x', offsets: '0:1-2' })).toThrow(
      /either/,
    );
    expect(() => requestFromOptions({ job: 'j', source: 'cdr.dlq', to: '2026-03-12T08:00:00Z' })).toThrow(
      /--to needs --from/,
    );
  });
});
