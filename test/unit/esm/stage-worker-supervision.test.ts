/**
 * The pure parts of stage-worker supervision: the restart backoff (1 s doubling to 30 s, back to
 * 1 s after a worker lived 60 s) and how a dead worker's counters join its successor's so that a
 * stage's figures stay cumulative across restarts.
 */
import { describe, expect, it } from 'vitest';
import { emptyMappingCounters } from '../../../localstack/esm/event-source-mapping.ts';
import {
  DEFAULT_RESTART_POLICY,
  mergeMappingCounters,
  restartDelayMs,
  settledCounters,
} from '../../../localstack/esm/stage-workers.ts';
import type { MappingCounters } from '../../../localstack/esm/types.ts';

describe('restartDelayMs', () => {
  it.each([
    // previous delay, uptime of the worker that died, delay before its replacement
    [undefined, 0, 1_000],
    [undefined, 120_000, 1_000],
    [1_000, 500, 2_000],
    [2_000, 3_000, 4_000],
    [16_000, 100, 30_000],
    [30_000, 100, 30_000],
    [30_000, 59_999, 30_000],
    [30_000, 60_000, 1_000],
    [8_000, 61_000, 1_000],
  ])('after a delay of %s ms and %s ms of life: %s ms', (previous, uptime, expected) => {
    expect(restartDelayMs(previous, uptime)).toBe(expected);
  });

  it('never spins: a crash loop waits 1, 2, 4, 8, 16, then 30 s between starts', () => {
    const delays: number[] = [];
    let previous: number | undefined;
    for (let i = 0; i < 8; i++) {
      previous = restartDelayMs(previous, 200);
      delays.push(previous);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('follows another policy', () => {
    const policy = { initialDelayMs: 10, maxDelayMs: 50, resetAfterMs: 1_000 };
    expect(restartDelayMs(undefined, 0, policy)).toBe(10);
    expect(restartDelayMs(40, 10, policy)).toBe(50);
    expect(restartDelayMs(50, 1_000, policy)).toBe(10);
    expect(DEFAULT_RESTART_POLICY).toEqual({
      initialDelayMs: 1_000,
      maxDelayMs: 30_000,
      resetAfterMs: 60_000,
    });
  });
});

const mapping = (topic: string, counts: Partial<MappingCounters>): MappingCounters => ({
  ...emptyMappingCounters({
    stage: 'validation',
    topic,
    consumerGroupId: `orion-cdr-validation.${topic}`,
    pollers: 1,
  }),
  ...counts,
});

describe("a dead worker's counters", () => {
  it('settle: its pending records leave recordsIn and recordsPending (the successor fetches them again)', () => {
    const dead = mapping('cdr.raw.fr', {
      recordsIn: 500,
      recordsSucceeded: 380,
      recordsOnFailure: 20,
      recordsPending: 100,
      invocations: 4,
    });
    const settled = settledCounters(dead);
    expect(settled).toMatchObject({
      recordsIn: 400,
      recordsPending: 0,
      recordsSucceeded: 380,
      invocations: 4,
    });
    expect(settled.recordsIn).toBe(
      settled.recordsSucceeded + settled.recordsOnFailure + settled.recordsPending,
    );
  });

  it("add up with the successor's per mapping; a mapping of one side only is kept", () => {
    const dead = [
      settledCounters(
        mapping('cdr.raw.fr', {
          recordsIn: 300,
          recordsSucceeded: 200,
          recordsPending: 100,
          invocations: 2,
          invocationMs: 30,
        }),
      ),
      settledCounters(
        mapping('cdr.raw.ma', { recordsIn: 50, recordsSucceeded: 50, invocations: 1, commits: 1 }),
      ),
    ];
    const live = [
      mapping('cdr.raw.fr', {
        pollers: 2,
        recordsIn: 150,
        recordsSucceeded: 120,
        recordsPending: 30,
        invocations: 2,
        invocationMs: 10,
      }),
      mapping('cdr.raw.be', { recordsIn: 7, recordsSucceeded: 7 }),
    ];
    const merged = mergeMappingCounters(dead, live);
    expect(merged.map((c) => c.topic)).toEqual(['cdr.raw.fr', 'cdr.raw.ma', 'cdr.raw.be']);
    expect(merged[0]).toMatchObject({
      stage: 'validation',
      consumerGroupId: 'orion-cdr-validation.cdr.raw.fr',
      pollers: 2,
      recordsIn: 350,
      recordsSucceeded: 320,
      recordsPending: 30,
      invocations: 4,
      invocationMs: 40,
    });
    expect(merged[1]).toMatchObject({ recordsIn: 50, commits: 1 });
    expect(merged[2]).toMatchObject({ recordsIn: 7 });
    // What the stage shows still balances.
    for (const c of merged)
      expect(c.recordsIn).toBe(c.recordsSucceeded + c.recordsOnFailure + c.recordsPending);
  });
});
