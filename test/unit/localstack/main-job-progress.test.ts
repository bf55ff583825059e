/**
 * The main job's progress line: per stage records done / in and lag, and `restarts N` once a
 * stage's worker was started again after dying (nothing when it never was).
 */
import { describe, expect, it } from 'vitest';
import type { StageTotals } from '../../../localstack/esm/pipeline.ts';
import { type ProgressSample, ProgressView, restartsPart } from '../../../localstack/main-job/progress.ts';

const totals = (recordsIn: number, recordsSucceeded: number): StageTotals => ({
  pollers: 1,
  recordsIn,
  recordsSucceeded,
  recordsOnFailure: 0,
  recordsPending: recordsIn - recordsSucceeded,
  invocations: 1,
  functionErrors: 0,
  partialFailures: 0,
  retries: 0,
  bisects: 0,
  commits: 1,
  invocationMs: 5,
});

const sample: ProgressSample = {
  atMs: 10_000,
  generated: 1_500,
  generating: false,
  stages: { validation: totals(1_500, 1_400), storage: totals(1_200, 1_200) },
  lagByStage: { validation: 0, storage: 200 },
  rejected: 12,
  dlq: 0,
};

/** A non-terminal output that keeps what is written. */
function plainOut() {
  const lines: string[] = [];
  return { lines, out: { isTTY: false, write: (line: string) => lines.push(line) > 0 } };
}

describe('main job progress', () => {
  it('shows restarts only for a stage whose worker was restarted', () => {
    const { lines, out } = plainOut();
    new ProgressView(['validation', 'storage'], {
      out,
      restarts: () => ({ validation: 2, storage: 0 }),
    }).show(sample);
    expect(lines).toEqual([
      '[progress] generated 1,500 | validation 1,400/1,500 lag 0 restarts 2 | storage 1,200/1,200 lag 200 | rejected 12 | dlq 0\n',
    ]);
  });

  it('shows no restarts when the stages run in this process', () => {
    const { lines, out } = plainOut();
    new ProgressView(['validation', 'storage'], { out }).show(sample);
    expect(lines[0]).not.toContain('restarts');
  });

  it('adds restarts N to the stage rows of the terminal table', () => {
    const written: string[] = [];
    const out = { isTTY: true, write: (s: string) => written.push(s) > 0 };
    new ProgressView(['validation', 'storage'], { out, restarts: () => ({ storage: 1 }) }).show(sample);
    const rows = written.join('').split('\n');
    expect(rows.find((r) => r.includes('storage'))).toMatch(
      /storage\s+1,200\s+1,200\s+0\s+0\s+200 restarts 1$/,
    );
    expect(rows.find((r) => r.includes('validation'))).not.toContain('restarts');
  });

  it('words the restarts part', () => {
    expect(restartsPart({ a: 1_200 }, 'a')).toBe(' restarts 1,200');
    expect(restartsPart({ a: 0 }, 'a')).toBe('');
    expect(restartsPart(undefined, 'a')).toBe('');
  });
});
