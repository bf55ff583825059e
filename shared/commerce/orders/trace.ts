/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) and the correlation id of a request.
 *
 * The API continues the caller's trace when it sends a valid `traceparent` (its trace id, the
 * caller's span as parent, a new span id for the API) and starts a new trace otherwise; an
 * invalid header is ignored, as the spec requires of a receiver, never refused. The resulting
 * `traceparent` goes into the 202 response and into the outbox entry, from which the publisher
 * copies it into the Kafka record's headers, so the consumer's span is a child of the API's.
 */
import { randomBytes, randomUUID } from 'node:crypto';

/** The trace context of one request. */
export interface TraceContext {
  /** 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** The API's span: 16 lower-case hex digits, not all zero. */
  readonly spanId: string;
  /** The caller's span, when it sent a valid `traceparent`. */
  readonly parentSpanId?: string;
  /** Trace flags, 2 hex digits (`01`: sampled). */
  readonly flags: string;
  /** The caller's `tracestate`, when valid (passed through, not interpreted). */
  readonly tracestate?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;
/** Printable ASCII, at most 512 characters (the spec's limit for tracestate). */
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;
/** A correlation id a client may choose: 1–128 printable ASCII characters without spaces. */
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Parses a `traceparent` value; `undefined` when invalid (version `ff`, all-zero ids, a version
 * `00` value with trailing fields, upper-case hex …). Later versions are read by their first four
 * fields, as the spec asks.
 * @example parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId // '4bf92f35…'
 */
export function parseTraceparent(
  value: string | undefined,
): { traceId: string; parentId: string; flags: string } | undefined {
  if (value === undefined) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(parentId)) return undefined;
  return { traceId, parentId, flags };
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!ALL_ZERO.test(hex)) return hex;
  }
}

/**
 * The trace context of a request: the caller's trace continued when `traceparent` is valid, a
 * new sampled trace otherwise; always a new span id for the API.
 * @example traceContextOf(headers.traceparent, headers.tracestate).traceId
 */
export function traceContextOf(traceparent?: string, tracestate?: string): TraceContext {
  const parent = parseTraceparent(traceparent);
  const spanId = nonZeroHex(8);
  if (!parent) return { traceId: nonZeroHex(16), spanId, flags: '01' };
  const state = tracestate?.trim();
  return {
    traceId: parent.traceId,
    spanId,
    parentSpanId: parent.parentId,
    flags: parent.flags,
    ...(state && TRACESTATE.test(state) ? { tracestate: state } : {}),
  };
}

/**
 * The `traceparent` value naming the API's span.
 * @example formatTraceparent(trace) // '00-4bf92f3577b34da6a3ce929d0e0e4736-7a085853722dc6d2-01'
 */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

/**
 * The request's correlation id: the caller's `X-Correlation-Id` when it is 1–128 printable
 * characters without spaces, else a new UUID.
 * @example correlationIdOf('checkout-42') // 'checkout-42'
 * @example correlationIdOf('has spaces') // a new UUID
 */
export function correlationIdOf(header: string | undefined): string {
  const value = header?.trim();
  return value && CORRELATION_ID.test(value) ? value : randomUUID();
}
