import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../shared/replay/dead-letter.ts';
import { checkStored, identifyOriginal, type ReplayedOriginals } from '../../faults/support/accounting.ts';
import {
  eventIdOfValue,
  eventStoreCount,
  tallyTopicLandings,
} from '../../faults/support/commerce-terminals.ts';
import type { TableCount } from '../../faults/support/fault-pipeline.ts';

const count = (table: string, ids: Record<string, number>, copies?: number): TableCount => ({
  table,
  rows: Object.values(ids).reduce((a, b) => a + b, 0),
  ids: new Map(Object.entries(ids)),
  ...(copies !== undefined ? { copies } : {}),
});

describe('checkStored', () => {
  it('needs an id in every place that holds it (every place by default)', () => {
    const r = checkStored(new Set(['a', 'b']), [
      { count: count('t1', { a: 1, b: 1 }) },
      { count: count('t2', { a: 1 }) },
    ]);
    expect([...r.stored.keys()]).toEqual(['a']);
    expect(r.missingIn).toEqual({ t1: 0, t2: 1 });
    expect(r.duplicates).toBe(0);
  });

  it('holds each id against the places that hold it only', () => {
    const act = (id: string) => id.startsWith('activity|');
    const pay = (id: string) => id.startsWith('payments|');
    const expected = new Set(['activity|u|1|e1', 'payments|e2', 'payments|e3']);
    const r = checkStored(expected, [
      { count: count('activity', { 'activity|u|1|e1': 1 }), holds: act },
      { count: count('payments', { 'payments|e2': 1 }), holds: pay },
    ]);
    expect([...r.stored.keys()].sort()).toEqual(['activity|u|1|e1', 'payments|e2']);
    expect(r.missingIn).toEqual({ activity: 0, payments: 1 });
  });

  it('counts rows beyond one per id as duplicates, unexpected ids as extra, topic copies apart', () => {
    const r = checkStored(new Set(['a']), [
      { count: count('t', { a: 2, z: 1 }) },
      { count: count('topic', { a: 1 }, 3) },
    ]);
    expect(r.duplicates).toBe(1);
    expect(r.extra).toBe(1);
    expect(r.copiesIn).toEqual({ topic: 3 });
    expect(r.stored.has('a')).toBe(true);
  });

  it('does not call an id stored that no place holds', () => {
    const r = checkStored(new Set(['orphan']), [{ count: count('t', {}), holds: () => false }]);
    expect(r.stored.size).toBe(0);
  });
});

describe('tallyTopicLandings', () => {
  it('keeps one id per topic and event id, notes the copies, leaves out rejected ones and unreadable values', () => {
    const r = tallyTopicLandings(
      [
        { topic: 'payments', eventId: 'e1' },
        { topic: 'payments', eventId: 'e1' },
        { topic: 'payments', eventId: 'e2' },
        { topic: 'payments', eventId: undefined },
        { topic: 'payments', eventId: 'e3' },
      ],
      new Set(['payments|e3']),
      'payments',
    );
    expect([...r.ids]).toEqual([
      ['payments|e1', 1],
      ['payments|e2', 1],
    ]);
    expect(r.rows).toBe(2);
    expect(r.copies).toBe(1);
  });
});

describe('eventStoreCount', () => {
  it('finds routed order events by event id and API orders by their order_created event id', async () => {
    const { orderEventId } = await import('../../../shared/commerce/orders/model/order.ts');
    const created = orderEventId('o-1', 1);
    const r = eventStoreCount(
      [{ event_id: 'e1' }, { event_id: created }, { event_id: 'e1' }, { event_id: 'stray' }, {}],
      ['orders|e1', 'orders-api|o-1', 'payments|p1', 'activity|u|1|a1'],
    );
    expect(r.ids.get('orders|e1')).toBe(2);
    expect(r.ids.get('orders-api|o-1')).toBe(1);
    expect(r.ids.get('event-store|stray')).toBe(1);
    expect(r.rows).toBe(4);
  });
});

describe('eventIdOfValue', () => {
  it('reads event_id from a JSON value, undefined otherwise', () => {
    expect(eventIdOfValue(Buffer.from('{"event_id":"x"}'))).toBe('x');
    expect(eventIdOfValue(Buffer.from('not json'))).toBeUndefined();
    expect(eventIdOfValue(null)).toBeUndefined();
    expect(eventIdOfValue(Buffer.from('{"event_id":3}'))).toBeUndefined();
  });
});

describe('identifyOriginal', () => {
  const letter = (
    at: DeadLetter['at'],
    source: DeadLetter['source'],
    headers: DeadLetter['headers'] = {},
  ): DeadLetter => ({
    at,
    index: 0,
    of: 1,
    format: 'orion',
    source,
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    headers,
    reason: 'MISSING_FIELD',
    stage: 'validation',
    replayCount: 0,
  });
  const entry = new Set(['cdr.raw.fr']);

  it('knows a reject of a replayed copy as the original the dead letter held', () => {
    const replayed: ReplayedOriginals = new Map();
    // Dead-lettered from the raw topic at offset 120, then replayed (job j1) to offset 900 and rejected there.
    const dead = letter(
      { topic: 'cdr.dlq', partition: 0, offset: 7 },
      { topic: 'cdr.raw.fr', partition: 3, offset: 120 },
    );
    expect(identifyOriginal(dead, entry, replayed)).toBe('cdr.raw.fr/3/120');
    const rejectOfCopy = letter(
      { topic: 'cdr.rejected', partition: 1, offset: 50 },
      { topic: 'cdr.raw.fr', partition: 3, offset: 900 },
      { 'orion.replay.id': Buffer.from('faults-j1@cdr.dlq-0@7') },
    );
    expect(identifyOriginal(rejectOfCopy, entry, replayed)).toBe('cdr.raw.fr/3/120');
  });

  it('keeps the coordinates of a record no known dead letter republished', () => {
    const replayed: ReplayedOriginals = new Map();
    const reject = letter(
      { topic: 'cdr.rejected', partition: 1, offset: 51 },
      { topic: 'cdr.raw.fr', partition: 2, offset: 10 },
      { 'orion.replay.id': Buffer.from('other@cdr.dlq-0@99') },
    );
    expect(identifyOriginal(reject, entry, replayed)).toBe('cdr.raw.fr/2/10');
  });
});
