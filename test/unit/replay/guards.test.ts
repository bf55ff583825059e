import { describe, expect, it } from 'vitest';
import { rawTopicOf, TOPIC } from '../../../shared/cdr/pipeline.ts';
import type { DeadLetter } from '../../../shared/replay/dead-letter.ts';
import { matchesFilter } from '../../../shared/replay/filter.ts';
import { exceedsLoopGuard, replayCountOf } from '../../../shared/replay/loop-guard.ts';
import { replayIdOf } from '../../../shared/replay/replay-id.ts';
import type { ReplayFilter } from '../../../shared/replay/request.ts';

const letter: DeadLetter = {
  at: { topic: TOPIC.dlq, partition: 2, offset: 41 },
  index: 0,
  of: 1,
  format: 'orion',
  source: { topic: rawTopicOf('fr'), partition: 0, offset: 9 },
  key: null,
  value: Buffer.from('x'),
  headers: {},
  reason: 'STORAGE_UNAVAILABLE',
  stage: 'storage',
  replayCount: 0,
};

describe('matchesFilter', () => {
  it.each<[ReplayFilter, boolean]>([
    [{}, true],
    [{ reasons: ['STORAGE_UNAVAILABLE', 'X'] }, true],
    [{ reasons: ['X'] }, false],
    [{ stages: ['storage'] }, true],
    [{ stages: ['validation'] }, false],
    [{ sourceTopics: ['cdr.raw.fr'] }, true],
    [{ sourceTopics: ['cdr.raw.be'] }, false],
    [{ sourceTopics: ['cdr.raw.ma', 'cdr.raw.fr'] }, true],
    [{ reasons: ['STORAGE_UNAVAILABLE'], sourceTopics: ['cdr.raw.ma'] }, false],
    [{ reasons: ['STORAGE_UNAVAILABLE'], stages: ['storage'], sourceTopics: ['cdr.raw.fr'] }, true],
  ])('%j → %s', (filter, expected) => {
    expect(matchesFilter(letter, filter)).toBe(expected);
  });

  it('does not match a filter on a field the record lacks', () => {
    const bare: DeadLetter = { ...letter, stage: undefined, source: undefined };
    expect(matchesFilter(bare, { stages: ['storage'] })).toBe(false);
    expect(matchesFilter(bare, { sourceTopics: ['cdr.raw.fr'] })).toBe(false);
  });
});

describe('loop guard', () => {
  it.each([
    [{}, 0],
    [{ 'orion.replay.count': Buffer.from('3') }, 3],
    [{ 'orion.replay.count': Buffer.from('-2') }, 0],
    [{ 'orion.replay.count': Buffer.from('abc') }, 0],
  ])('replayCountOf(%j) = %i', (headers, count) => {
    expect(replayCountOf(headers)).toBe(count);
  });

  it('refuses a record replayed maxReplays times already', () => {
    expect(exceedsLoopGuard(2, 3)).toBe(false);
    expect(exceedsLoopGuard(3, 3)).toBe(true);
  });
});

describe('replayIdOf', () => {
  it('is deterministic per job and dead letter, and names the index inside a batch record', () => {
    expect(replayIdOf('job', letter)).toBe('job@cdr.dlq-2@41');
    expect(replayIdOf('job', { ...letter, index: 1, of: 3 })).toBe('job@cdr.dlq-2@41#1');
    expect(replayIdOf('other', letter)).not.toBe(replayIdOf('job', letter));
  });
});
