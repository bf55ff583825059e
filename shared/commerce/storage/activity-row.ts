/**
 * One user event (what `user-events` carries) as a row of `activity_by_user_day`, and back.
 *
 * Every field of the event is stored exactly once, to keep the row — Amazon Keyspaces meters a
 * write per started KB — small: the envelope (`user_id`, `timestamp` → `day` + `event_time`,
 * `event_id`, `event_type`, `source`) and the fields the activity queries read (`session_id`,
 * `item_id`, `category`) have their own columns; the type's other fields (price, quantity, query,
 * filters, rating, text, device…) are `details`, their JSON. {@link activityEventOf} rebuilds the
 * exact event from a row. A unit test checks {@link ACTIVITY_COLUMNS} against `schema.cql`.
 */
import { utcDay } from '../../util/utc-day.ts';
import { USER_EVENT_TYPES, type UserEventType } from '../events.ts';
import type { EventOf } from '../schemas.ts';

/** A behavioural event: a view, addtocart, transaction, search, filter or review. */
export type UserEvent = EventOf<UserEventType>;

/** A stored user event. `null` = no value (written as "unset": no tombstone, no bytes). */
export interface ActivityRow {
  readonly user_id: string;
  /** UTC day of `event_time`, `YYYY-MM-DD`. */
  readonly day: string;
  /** The event's `timestamp`. */
  readonly event_time: Date;
  readonly event_id: string;
  readonly event_type: UserEventType;
  readonly session_id: string | null;
  readonly item_id: string | null;
  readonly category: string | null;
  /** `synthetic`, `kivendtout`, `retailrocket`; `null` for a live producer. */
  readonly source: string | null;
  /** The event's fields that have no column of their own, as a JSON object; `null` when none. */
  readonly details: string | null;
  readonly stored_at: Date;
}

/** The columns of {@link ActivityRow}, in the order the INSERT binds them. */
export const ACTIVITY_COLUMNS = [
  'user_id',
  'day',
  'event_time',
  'event_id',
  'event_type',
  'session_id',
  'item_id',
  'category',
  'source',
  'details',
  'stored_at',
] as const satisfies readonly (keyof ActivityRow)[];

/** Event fields held by a column of their own (`timestamp` by `event_time` and `day`). */
const COLUMN_FIELDS: ReadonlySet<string> = new Set([
  'event_id',
  'timestamp',
  'user_id',
  'event_type',
  'source',
  'session_id',
  'item_id',
  'category',
]);

const USER_EVENT_TYPE_SET: ReadonlySet<string> = new Set(USER_EVENT_TYPES);

/**
 * True when an event belongs on `user-events` (and in the activity table).
 * @example isUserEvent(viewEvent) // true
 * @example isUserEvent(paymentAttempt) // false
 */
export function isUserEvent(event: { readonly event_type: string }): event is UserEvent {
  return USER_EVENT_TYPE_SET.has(event.event_type);
}

/**
 * The row of a user event, stored at `storedAt`.
 *
 * @example
 * toActivityRow({ event_id, event_type: 'view', timestamp: Date.UTC(2026, 0, 15, 23, 59), user_id: '100042',
 *   item_id: '9876', category: 'Electronics', session_id: 'sess_1', device_type: 'mobile' }, new Date())
 * // { user_id: '100042', day: '2026-01-15', event_type: 'view', item_id: '9876', …, details: '{"device_type":"mobile"}' }
 */
export function toActivityRow(event: UserEvent, storedAt: Date): ActivityRow {
  const eventTime = new Date(event.timestamp);
  const details: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(event)) {
    if (!COLUMN_FIELDS.has(field) && value !== undefined) details[field] = value;
  }
  return {
    user_id: event.user_id,
    day: utcDay(eventTime),
    event_time: eventTime,
    event_id: event.event_id,
    event_type: event.event_type,
    session_id: textField(event, 'session_id'),
    item_id: textField(event, 'item_id'),
    category: textField(event, 'category'),
    source: event.source ?? null,
    details: Object.keys(details).length > 0 ? JSON.stringify(details) : null,
    stored_at: storedAt,
  };
}

/**
 * The event a row holds (the inverse of {@link toActivityRow}): what a reader of the activity
 * table gets back, field for field.
 *
 * @example activityEventOf(toActivityRow(event, new Date())) // deep-equals event
 */
export function activityEventOf(row: ActivityRow): UserEvent {
  const event: Record<string, unknown> = {
    event_id: row.event_id,
    event_type: row.event_type,
    timestamp: row.event_time.getTime(),
    user_id: row.user_id,
  };
  if (row.source !== null) event.source = row.source;
  if (row.session_id !== null) event.session_id = row.session_id;
  if (row.item_id !== null) event.item_id = row.item_id;
  if (row.category !== null) event.category = row.category;
  if (row.details !== null) Object.assign(event, JSON.parse(row.details) as Record<string, unknown>);
  return event as UserEvent;
}

function textField(event: UserEvent, field: 'session_id' | 'item_id' | 'category'): string | null {
  const value = (event as Partial<Record<typeof field, string>>)[field];
  return value ?? null;
}
