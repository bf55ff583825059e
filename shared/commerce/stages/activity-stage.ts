/**
 * The activity stage: `user-events` → activity storage (`activity_by_user_day`; Amazon Keyspaces
 * in AWS, Cassandra locally). The generic store stage (`rowStoreStage`) does the batch work:
 *
 * - A record that is not a valid user event is rejected for good to `commerce.rejected`, with the
 *   validator's reason (`NOT_JSON`, `MISSING_FIELD`…), or `INVALID_VALUE` for an event of another
 *   family (a payment or order event has no place on `user-events`).
 * - The batch is written in one bounded-concurrency wave; copies of one `event_id` are written once.
 * - A write that fails (timeout, unavailable, overloaded, or anything else the storage answers)
 *   fails that record transiently: the mapping retries it, then sends it to `users-dlq`.
 * - A written record is DONE. Its time for the pipeline-age metric is when it entered the
 *   pipeline (the validated `ingested-at` header, else the record's Kafka timestamp), as for the
 *   other commerce stages: an event's own `timestamp` is years old in a dataset replay.
 */
import { reject } from '../../runtime/outcome.ts';
import type { Stage } from '../../runtime/stage.ts';
import { type RowSink, rowStoreStage } from '../../storage/cassandra/store-stage.ts';
import { USER_EVENT_TYPES } from '../events.ts';
import { commerceStageSpec } from '../pipeline.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { type ActivityRow, isUserEvent, toActivityRow } from '../storage/activity-row.ts';
import { validateEvent } from '../validation.ts';
import { readValidatedHeaders } from './validation-headers.ts';

/** What writes the activity rows (an `ActivityRepository`). */
export type ActivityWriter = RowSink<ActivityRow>;

/** Dependencies of the activity stage. */
export interface ActivityStageDeps {
  /** The writer, or a function resolving it (e.g. connecting lazily on the first batch). */
  readonly writer: ActivityWriter | (() => Promise<ActivityWriter>);
  /** Clock of `stored_at` and of the validator's future-skew check. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Builds the activity stage.
 *
 * @example
 * const stage = activityStage({ writer: new ActivityRepository(client, { keyspace: 'orion_commerce', writeConcurrency: 64 }) });
 * const results = await stage.processBatch(records);
 */
export function activityStage(deps: ActivityStageDeps): Stage {
  const spec = commerceStageSpec('activity');
  return rowStoreStage<ActivityRow>({
    name: spec.name,
    rejectTopic: spec.rejectTopic,
    writer: deps.writer,
    ...(deps.now ? { now: deps.now } : {}),
    toRow: (record, storedAt) => {
      // The routing stage forwards validated bytes unchanged; checking again costs one parse and
      // keeps a record that reached user-events another way from ever being stored half-read.
      const read = validateEvent(record.value, { nowMs: storedAt.getTime() });
      if (!read.ok) return reject(read.reason, read.message);
      const event = read.event;
      if (!isUserEvent(event)) {
        return reject(
          REJECT_REASON.INVALID_VALUE,
          `event_type ${event.event_type} is not a user event (${USER_EVENT_TYPES.join(', ')})`,
        );
      }
      return {
        kind: 'row',
        id: event.event_id,
        row: toActivityRow(event, storedAt),
        eventTimeMs: readValidatedHeaders(record.headers)?.ingestedAtMs ?? record.timestamp,
      };
    },
  });
}
