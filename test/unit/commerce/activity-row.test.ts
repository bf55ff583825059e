/**
 * User event → activity row → user event: every field stored once, the row's partition is the
 * user and the UTC day of the event time, and the row turns back into the exact event. Also the
 * Keyspaces write cost of the rows the generator's traffic makes.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REVIEW_TEXT_LENGTH, USER_EVENT_TYPES } from '../../../shared/commerce/index.ts';
import {
  ACTIVITY_COLUMNS,
  activityEventOf,
  isUserEvent,
  toActivityRow,
  type UserEvent,
} from '../../../shared/commerce/storage/activity-row.ts';
import { activityTableDefinitions } from '../../../shared/commerce/storage/activity-schema.ts';
import { keyspacesRowSize } from '../../../shared/storage/cassandra/keyspaces-row-size.ts';
import { VALID } from './fixtures.ts';
import { generatedUserEvents } from './user-events.ts';

const STORED_AT = new Date('2026-01-15T12:00:05Z');
const [TABLE] = activityTableDefinitions();
if (!TABLE) throw new Error('schema.cql declares no table');

describe('toActivityRow', () => {
  it.each([
    [
      'view',
      VALID.view,
      { session_id: 'session-abc', item_id: '9876', category: 'Electronics' },
      { device_type: 'mobile' },
    ],
    [
      'addtocart',
      VALID.addtocart,
      { session_id: null, item_id: '9876', category: null },
      { quantity: 2, price: 599.99 },
    ],
    [
      'transaction',
      VALID.transaction,
      { session_id: null, item_id: '9876', category: 'Electronics' },
      { price: 599.99, quantity: 2 },
    ],
    [
      'search',
      VALID.search,
      { session_id: null, item_id: null, category: null },
      { query: 'casque sans fil', results_count: 42 },
    ],
    [
      'filter',
      VALID.filter,
      { session_id: null, item_id: null, category: null },
      { filters: VALID.filter.filters },
    ],
    [
      'review',
      VALID.review,
      { session_id: null, item_id: '9876', category: null },
      { rating: 5, text: 'Parfait.\nA racheter.' },
    ],
  ] as const)(
    '%s: envelope and query fields in columns, the rest in details',
    (type, event, columns, details) => {
      const row = toActivityRow(event, STORED_AT);
      expect(row).toMatchObject({
        user_id: '12345',
        day: '2026-01-15',
        event_time: new Date(event.timestamp),
        event_id: event.event_id,
        event_type: type,
        source: null,
        stored_at: STORED_AT,
        ...columns,
      });
      expect(JSON.parse(row.details ?? 'null')).toEqual(details);
      expect(Object.keys(row).sort()).toEqual([...ACTIVITY_COLUMNS].sort());
    },
  );

  it.each([
    ['the last millisecond of a UTC day', Date.UTC(2026, 2, 28, 23, 59, 59, 999), '2026-03-28'],
    ['the first millisecond of the next', Date.UTC(2026, 2, 29, 0, 0, 0, 0), '2026-03-29'],
    ['a leap day', Date.UTC(2028, 1, 29, 12), '2028-02-29'],
    ['the oldest accepted time', Date.UTC(2000, 0, 1), '2000-01-01'],
  ])('partitions by the UTC day of the event time: %s', (_what, timestamp, day) => {
    const row = toActivityRow({ ...VALID.view, timestamp }, STORED_AT);
    expect(row.day).toBe(day);
    expect(row.event_time.getTime()).toBe(timestamp);
  });

  it('keeps the source when a dataset loader set it', () => {
    expect(toActivityRow({ ...VALID.view, source: 'retailrocket' }, STORED_AT).source).toBe('retailrocket');
  });

  it('stores every field of a generated event exactly once, and the row gives the event back', () => {
    const events = generatedUserEvents({ seed: 11, count: 3_000 });
    expect(new Set(events.map((e) => e.event_type))).toEqual(new Set(USER_EVENT_TYPES));
    for (const event of events) {
      const row = toActivityRow(event, STORED_AT);
      const inColumns = new Set(
        ACTIVITY_COLUMNS.filter((c) => row[c] !== null && c in event).map((c) => c as string),
      );
      for (const field of Object.keys(JSON.parse(row.details ?? '{}')))
        expect(inColumns).not.toContain(field);
      expect(activityEventOf(row)).toEqual(event);
    }
  });
});

describe('isUserEvent', () => {
  it.each(Object.values(VALID))('$event_type', (event) => {
    expect(isUserEvent(event)).toBe((USER_EVENT_TYPES as readonly string[]).includes(event.event_type));
  });
});

describe('Keyspaces write cost of an activity row', () => {
  const sizeOf = (event: UserEvent) => keyspacesRowSize(TABLE, { ...toActivityRow(event, STORED_AT) });

  it('is one write unit for every event of the generated traffic', () => {
    const events = generatedUserEvents({ seed: 12, count: 20_000 });
    const byType = new Map<string, number[]>();
    for (const event of events) {
      const { bytes, writeUnits } = sizeOf(event);
      expect(writeUnits, `${event.event_type} of ${bytes} bytes`).toBe(1);
      const sizes = byType.get(event.event_type) ?? [];
      sizes.push(bytes);
      byType.set(event.event_type, sizes);
    }
    const all = [...byType.values()].flat().sort((a, b) => a - b);
    const line = [...byType]
      .map(([type, sizes]) => `${type} ${Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length)}`)
      .join(', ');
    console.info(
      `[activity] row size over ${all.length} generated events: mean ${Math.round(all.reduce((a, b) => a + b, 0) / all.length)} B, ` +
        `p99 ${all[Math.floor(all.length * 0.99)]} B, max ${all.at(-1)} B (mean per type: ${line}); 1 WCU each`,
    );
  });

  it('grows with the review text: the longest review the schema accepts takes several write units', () => {
    const longest = sizeOf({ ...VALID.review, text: 'x'.repeat(MAX_REVIEW_TEXT_LENGTH) });
    expect(longest.writeUnits).toBe(Math.ceil(longest.bytes / 1024));
    expect(longest.writeUnits).toBeGreaterThanOrEqual(5);
    console.info(
      `[activity] a ${MAX_REVIEW_TEXT_LENGTH}-character review: ${longest.bytes} B, ${longest.writeUnits} WCU`,
    );
  });
});
