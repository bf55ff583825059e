/**
 * What a stage's domain code returns for one record. A stage has no Kafka in it: it maps one
 * input to one outcome, and the stage runtime turns outcomes into produces and a partial batch
 * response. A *transient* failure is not an outcome: the domain code throws
 * {@link TransientError} (or any error) and the runtime reports the record to the event source
 * mapping for retry.
 */

/** The error a stage throws for a failure that may succeed later (part of the stage contract). */
export { TransientError } from './errors.ts';

/** Kafka header values as ORION writes them. */
export type OutcomeHeaders = Readonly<Record<string, string>>;

/** Send a record on to the next topic. */
export interface ForwardOutcome {
  readonly kind: 'forward';
  /** Destination topic. */
  readonly topic: string;
  /** Record key (`null` keeps Kafka's default partitioning); stages usually keep the input's key. */
  readonly key: string | Buffer | null;
  readonly value: string | Buffer;
  readonly headers?: OutcomeHeaders;
  /** The record's event time (epoch ms), when known: feeds the pipeline-age metric. */
  readonly eventTimeMs?: number;
}

/** Reject a record for good: bad data or a business rule. It goes to the stage's reject topic. */
export interface RejectOutcome {
  readonly kind: 'reject';
  /** Stable, machine-readable reason code, e.g. `MISSING_FIELD`. */
  readonly reason: string;
  /** Human-readable detail; never contains personal data in clear. */
  readonly message: string;
}

/** The record is done and nothing is produced (e.g. a stage that writes to a store). */
export interface DoneOutcome {
  readonly kind: 'done';
  /** The record's event time (epoch ms), when known: feeds the pipeline-age metric. */
  readonly eventTimeMs?: number;
}

export type Outcome = ForwardOutcome | RejectOutcome | DoneOutcome;

/** Builds a forward outcome. @example forward('orders.validated', customerId, json) */
export function forward(
  topic: string,
  key: string | Buffer | null,
  value: string | Buffer,
  extra: { headers?: OutcomeHeaders; eventTimeMs?: number } = {},
): ForwardOutcome {
  return { kind: 'forward', topic, key, value, ...extra };
}

/** Builds a reject outcome. @example reject('MISSING_FIELD', 'order_id is required') */
export function reject(reason: string, message: string): RejectOutcome {
  return { kind: 'reject', reason, message };
}

/** The outcome of a record that needs no produce. */
export const DONE: DoneOutcome = { kind: 'done' };
