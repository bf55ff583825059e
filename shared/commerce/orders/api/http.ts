/**
 * HTTP pieces of the ORDER API over API Gateway's payload format 2.0 (header access, content
 * type, body bytes) and its answers: JSON bodies and RFC 9457 problem documents listing the
 * reason codes. Payload 2.0 gives header names in lower case and combines repeated headers with
 * commas (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HEADER } from '../constants.ts';
import { type OrderProblem, type OrderReason, statusOfReason } from '../reason-codes.ts';

/** Headers every answer of the API carries. */
export interface ResponseContext {
  readonly traceparent: string;
  readonly traceId: string;
  readonly correlationId: string;
}

/**
 * A request header, by case-insensitive name (API Gateway lower-cases them; tests and other
 * callers may not).
 * @example headerOf(event, 'Idempotency-Key')
 */
export function headerOf(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const headers = event.headers ?? {};
  const lower = name.toLowerCase();
  if (headers[lower] !== undefined) return headers[lower];
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/**
 * True when a `Content-Type` value is `application/json`, with no charset or `utf-8`.
 * @example isJsonContentType('application/json; charset=UTF-8') // true
 * @example isJsonContentType('text/plain') // false
 */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...params] = value.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((param) => {
    const [name, raw] = param.split('=').map((s) => s.trim());
    if (name !== 'charset') return true;
    return (raw ?? '').replace(/^"|"$/g, '') === 'utf-8';
  });
}

/**
 * Size in bytes of the event's body once decoded, without decoding it.
 * @example bodyByteLength({ body: '{}', isBase64Encoded: false }) // 2
 */
export function bodyByteLength(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): number {
  if (event.body === undefined || event.body === null) return 0;
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The body's bytes (base64-decoded when API Gateway encoded it); `null` when base64 is malformed.
 * @example bodyBytes({ body: 'e30=', isBase64Encoded: true }) // bytes of '{}'
 */
export function bodyBytes(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
): Uint8Array | undefined | null {
  if (event.body === undefined || event.body === null) return undefined;
  if (!event.isBase64Encoded) return Buffer.from(event.body, 'utf8');
  const compact = event.body.replace(/\s+/g, '');
  return BASE64.test(compact) ? Buffer.from(compact, 'base64') : null;
}

function baseHeaders(context: ResponseContext, contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': 'no-store',
    [HEADER.traceparent]: context.traceparent,
    [HEADER.correlationId]: context.correlationId,
  };
}

/**
 * A JSON answer.
 * @example jsonResponse(202, { order_id }, context)
 */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  context: ResponseContext,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { ...baseHeaders(context, 'application/json'), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Invalid order request',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'A request with this Idempotency-Key is in progress',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Idempotency-Key already used with another request',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** The RFC 9457 problem document of the API (`application/problem+json`). */
export interface ProblemDocument {
  /** `urn:orion:orders:<code>` of the first problem. */
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The first problem's reason code. */
  readonly code: OrderReason;
  /** Every problem found (listed up to `MAX_REPORTED_PROBLEMS`). */
  readonly errors: readonly OrderProblem[];
  readonly trace_id: string;
  readonly correlation_id: string;
}

/**
 * A problem answer; its status is the first problem's (`statusOfReason`).
 * @example problemResponse([{ code: 'MISSING_FIELD', path: '/currency', message: 'is required' }], context)
 */
export function problemResponse(
  problems: readonly OrderProblem[],
  context: ResponseContext,
  options: { readonly omitted?: number; readonly headers?: Record<string, string> } = {},
): APIGatewayProxyStructuredResultV2 {
  const first = problems[0]!;
  const status = statusOfReason(first.code);
  const count = problems.length + (options.omitted ?? 0);
  const document: ProblemDocument = {
    type: `urn:orion:orders:${first.code}`,
    title: TITLES[status] ?? 'Request refused',
    status,
    detail:
      count === 1
        ? `${first.path || 'request'}: ${first.message}`
        : `${count} problems${options.omitted ? ` (${problems.length} listed)` : ''}`,
    code: first.code,
    errors: problems,
    trace_id: context.traceId,
    correlation_id: context.correlationId,
  };
  return {
    statusCode: status,
    headers: { ...baseHeaders(context, 'application/problem+json'), ...(options.headers ?? {}) },
    body: JSON.stringify(document),
  };
}
