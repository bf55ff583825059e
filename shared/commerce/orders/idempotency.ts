/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): a retried `POST /orders` with
 * the same key and the same body gets the first answer again (same order id, same 202 body)
 * and writes nothing; the same key with a different body gets 422 IDEMPOTENCY_KEY_REUSED; a
 * request that finds the key held by a transaction still in flight gets 409
 * IDEMPOTENCY_KEY_IN_USE. Keys are remembered for `IDEMPOTENCY_TTL_SECONDS`.
 *
 * Design: the idempotency record is written in the SAME DynamoDB transaction as the order and
 * its outbox entry, with the condition "no live record for this key". So there is no state in
 * which a key exists without its order (or an order without its key), and two concurrent
 * requests with one key cannot both win: DynamoDB cancels the loser (ConditionalCheckFailed
 * once the winner committed, TransactionConflict while both are in flight), and the loser then
 * answers from the winner's record. The record keeps the exact response, not only the order id,
 * so a replay is byte-identical.
 *
 * The record's key is a SHA-256 of the scope (route and caller) and the client's key: the table
 * holds no client-chosen string, keys of different callers never collide, and the item key has
 * a fixed size whatever the client sends. The fingerprint of the body is a SHA-256 of the
 * validated request in canonical JSON (keys sorted), so whitespace and key order do not matter.
 */
import { createHash } from 'node:crypto';
import { CREATE_ORDER_ROUTE, IDEMPOTENCY_TTL_SECONDS } from './constants.ts';
import type { OrderRequest } from './model/schemas.ts';
import { ORDER_REASON, type OrderProblem } from './reason-codes.ts';

/** What {@link parseIdempotencyKey} returns for a header that is present. */
export type IdempotencyKeyParse =
  | { readonly ok: true; readonly key: string }
  | { readonly ok: false; readonly problem: OrderProblem };

/** 1–255 printable ASCII characters, no spaces. */
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Reads an `Idempotency-Key` header: a bare token or an RFC 8941 sf-string (`"…"`, with `\"`
 * and `\\` escapes); `undefined` when the header is absent.
 * @example parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"') // { ok: true, key: '8e03978e-…' }
 * @example parseIdempotencyKey('')?.ok // false
 */
export function parseIdempotencyKey(header: string | undefined): IdempotencyKeyParse | undefined {
  if (header === undefined) return undefined;
  let key = header.trim();
  if (key.startsWith('"')) {
    const unquoted = unquoteSfString(key);
    if (unquoted === undefined) return invalid('is not a valid quoted string');
    key = unquoted;
  }
  if (!KEY.test(key)) return invalid('expected 1–255 printable ASCII characters without spaces');
  return { ok: true, key };
}

/** The content of an RFC 8941 sf-string (`"a\\"b"` → `a"b`), or undefined when malformed. */
function unquoteSfString(text: string): string | undefined {
  if (text.length < 2 || !text.endsWith('"')) return undefined;
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i]!;
    if (c === '"') return undefined;
    if (c === '\\') {
      const next = text[i + 1];
      if ((next !== '"' && next !== '\\') || i + 1 === text.length - 1) return undefined;
      out += next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function invalid(message: string): IdempotencyKeyParse {
  return {
    ok: false,
    problem: { code: ORDER_REASON.INVALID_IDEMPOTENCY_KEY, path: '', message: `Idempotency-Key ${message}` },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The partition key of a key's record: SHA-256 over the route, the caller (`principal`, e.g. the
 * authorizer's subject; `anonymous` without authorizer) and the client's key.
 * @example idempotencyRecordKey('k-1') === idempotencyRecordKey('k-1') // true
 * @example idempotencyRecordKey('k-1', 'alice') !== idempotencyRecordKey('k-1', 'bob') // true
 */
export function idempotencyRecordKey(key: string, principal = 'anonymous'): string {
  return sha256(JSON.stringify([`${CREATE_ORDER_ROUTE.method} ${CREATE_ORDER_ROUTE.path}`, principal, key]));
}

/**
 * JSON with object keys sorted at every level (arrays keep their order).
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The fingerprint of a validated request: equal for the same order whatever the whitespace and
 * key order of the body.
 * @example requestFingerprint(a) === requestFingerprint(b) // when a and b hold the same fields
 */
export function requestFingerprint(request: OrderRequest): string {
  return sha256(canonicalJson(request));
}

/** The idempotency record, as stored (one item of the idempotency table). */
export interface IdempotencyRecord {
  /** {@link idempotencyRecordKey}: the partition key. */
  readonly idempotency_key: string;
  /** {@link requestFingerprint} of the first request. */
  readonly request_hash: string;
  readonly order_id: string;
  /** The first response, replayed as is. */
  readonly status_code: number;
  readonly response_body: string;
  /** ISO 8601. */
  readonly created_at: string;
  /** Epoch seconds: DynamoDB TTL deletes the record some time after; a later read treats it as gone. */
  readonly expires_at: number;
}

/**
 * A new record for an accepted request.
 * @example newIdempotencyRecord({ recordKey, requestHash, orderId, statusCode: 202, responseBody, nowMs })
 */
export function newIdempotencyRecord(input: {
  readonly recordKey: string;
  readonly requestHash: string;
  readonly orderId: string;
  readonly statusCode: number;
  readonly responseBody: string;
  readonly nowMs: number;
  readonly ttlSeconds?: number;
}): IdempotencyRecord {
  return {
    idempotency_key: input.recordKey,
    request_hash: input.requestHash,
    order_id: input.orderId,
    status_code: input.statusCode,
    response_body: input.responseBody,
    created_at: new Date(input.nowMs).toISOString(),
    expires_at: Math.floor(input.nowMs / 1000) + (input.ttlSeconds ?? IDEMPOTENCY_TTL_SECONDS),
  };
}

/** What to do with a request whose key already has a record. */
export type IdempotencyDecision = 'replay' | 'mismatch' | 'expired';

/**
 * `replay` the stored response (same body), refuse a `mismatch` (422), or treat an `expired`
 * record as absent.
 * @example decideIdempotency(record, requestFingerprint(request), Date.now()) // 'replay'
 */
export function decideIdempotency(
  record: Pick<IdempotencyRecord, 'request_hash' | 'expires_at'>,
  requestHash: string,
  nowMs: number,
): IdempotencyDecision {
  if (record.expires_at <= Math.floor(nowMs / 1000)) return 'expired';
  return record.request_hash === requestHash ? 'replay' : 'mismatch';
}
