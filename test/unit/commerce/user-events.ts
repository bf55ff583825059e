/** Generated user events (the commerce generator, user-event types only) and records of them. */
import { generateCommerceRun } from '../../../shared/commerce/index.ts';
import { isUserEvent, type UserEvent } from '../../../shared/commerce/storage/activity-row.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';

/** Options of {@link generatedUserEvents}. */
export interface GeneratedUserEventsOptions {
  readonly seed: number;
  /** Sprint-1 events drawn (derived payment and order events are dropped). */
  readonly count: number;
  /** @default 2026-01-15T20:00Z */
  readonly startMs?: number;
  /** @default 100 */
  readonly ratePerSecond?: number;
  /** @default the generator's */
  readonly customers?: number;
}

/**
 * The valid user events of a generator run, in time order.
 * @example generatedUserEvents({ seed: 7, count: 500 }).length // ≈ 500
 */
export function generatedUserEvents(options: GeneratedUserEventsOptions): UserEvent[] {
  const { records } = generateCommerceRun({
    seed: options.seed,
    count: options.count,
    startMs: options.startMs ?? Date.UTC(2026, 0, 15, 20),
    ...(options.ratePerSecond !== undefined ? { ratePerSecond: options.ratePerSecond } : {}),
    ...(options.customers !== undefined ? { customers: options.customers } : {}),
  });
  return records.flatMap((r) => (r.event && isUserEvent(r.event) ? [r.event] : []));
}

/** Kafka timestamp of the records {@link userEventRecord} builds. */
export const RECORD_TIMESTAMP = Date.UTC(2026, 0, 15, 12);

/**
 * A `user-events` record holding `value` (an event, raw text, bytes or `null`), keyed by user id.
 * @example userEventRecord(event, 3)
 */
export function userEventRecord(
  value: unknown,
  offset = 0,
  key = '100042',
  headers: StageRecord['headers'] = {},
): StageRecord {
  const bytes =
    value === null
      ? null
      : Buffer.isBuffer(value)
        ? value
        : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return {
    topic: 'user-events',
    partition: 0,
    offset,
    timestamp: RECORD_TIMESTAMP,
    key: Buffer.from(key),
    value: bytes,
    headers,
  };
}
