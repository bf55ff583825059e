/**
 * What a stage's domain code returns for one record. A stage has no Kafka in it: it maps one
 * input to one outcome, and the stage runtime turns outcomes into produces and a partial batch
 * response. A *transient* failure is not an outcome: the domain code throws
 * {@link TransientError} (or any error) and the runtime reports the record to the event source
 * mapping for retry.
 */

import type { OutgoingHeaders } from '../kafka/types.ts';

/** The error a stage throws for a failure that may succeed later (part of the stage contract). */
export { TransientError } from './errors.ts';

/**
 * Kafka header values as ORION writes them: text, or bytes (an input record's headers, passed
 * on unchanged, whatever they hold).
 */
export type OutcomeHeaders = OutgoingHeaders;

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

/**
 * Send zero or more records on (a rule engine that raises several alerts for one input, a
 * router that copies a record to two topics). No outputs is the same as {@link DoneOutcome}.
 */
export interface FanOutOutcome {
  readonly kind: 'fan-out';
  readonly outputs: readonly ForwardOutcome[];
  /** The input record's event time (epoch ms), when known: feeds the pipeline-age metric. */
  readonly eventTimeMs?: number;
}

export type Outcome = ForwardOutcome | FanOutOutcome | RejectOutcome | DoneOutcome;

/** Builds a forward outcome. @example forward('orders.validated', customerId, json) */
export function forward(
  topic: string,
  key: string | Buffer | null,
  value: string | Buffer,
  extra: { headers?: OutcomeHeaders; eventTimeMs?: number } = {},
): ForwardOutcome {
  return { kind: 'forward', topic, key, value, ...extra };
}

/** Builds a fan-out outcome. @example fanOut([forward('alerts', id, json)], { eventTimeMs }) */
export function fanOut(
  outputs: readonly ForwardOutcome[],
  extra: { eventTimeMs?: number } = {},
): FanOutOutcome {
  return { kind: 'fan-out', outputs, ...extra };
}

/** Builds a reject outcome. @example reject('MISSING_FIELD', 'order_id is required') */
export function reject(reason: string, message: string): RejectOutcome {
  return { kind: 'reject', reason, message };
}

/** The outcome of a record that needs no produce. */
export const DONE: DoneOutcome = { kind: 'done' };
