/**
 * `POST /orders` over API Gateway's HTTP API payload format 2.0: the request → one DynamoDB
 * transaction (order + outbox entry [+ idempotency record]) → 202 Accepted with the order id.
 *
 * Order of the answers (each refusal is a problem document with its reason codes):
 * 404 / 405 route and method → 413 body over `MAX_BODY_BYTES` (measured before decoding or
 * parsing) → 415 not JSON → 400 bad `Idempotency-Key` → 400 body problems (every one, with its
 * JSON Pointer) → write: 202, or 202 replayed (`Idempotent-Replayed: true`, byte-identical body),
 * 422 key reused with another body, 409 key held by a transaction in flight, 503 store
 * unavailable (`Retry-After`). Bad input is never a 5xx; a 500 means a bug or a refused store
 * request (missing table, access denied), and is logged as an error.
 *
 * Each request gets a trace context (the caller's `traceparent` continued, or a new trace) and a
 * correlation id (the caller's `X-Correlation-Id`, or a new one); both are in every answer's
 * headers and body, in the stored order's `metadata`, and in the outbox entry's Kafka headers.
 * One log line per request, with the Powertools correlation id, never any customer data.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CREATE_ORDER_ROUTE, HEADER, IDEMPOTENCY_TTL_SECONDS, MAX_BODY_BYTES } from '../constants.ts';
import { OrdersError } from '../errors.ts';
import {
  decideIdempotency,
  idempotencyRecordKey,
  newIdempotencyRecord,
  parseIdempotencyKey,
  requestFingerprint,
} from '../idempotency.ts';
import { uuidV7 } from '../ids.ts';
import { buildOrder, orderCreatedEvent } from '../model/order.ts';
import type { OrderRequest } from '../model/schemas.ts';
import type { OrderWriter } from '../order-writer.ts';
import { outboxEntryOf } from '../outbox.ts';
import { ORDER_REASON, type OrderProblem, type OrderReason } from '../reason-codes.ts';
import { correlationIdOf, formatTraceparent, traceContextOf } from '../trace.ts';
import { validateOrderBody } from '../validation.ts';
import {
  bodyByteLength,
  bodyBytes,
  headerOf,
  isJsonContentType,
  jsonResponse,
  problemResponse,
  type ResponseContext,
} from './http.ts';

/** What the create-order logic needs; {@link createOrdersApiHandler} builds the defaults. */
export interface CreateOrderDeps {
  readonly writer: OrderWriter;
  readonly logger: Logger;
  /** Clock, epoch ms. @default Date.now */
  readonly now?: () => number;
  /** New order id for a time. @default {@link uuidV7} */
  readonly newOrderId?: (nowMs: number) => string;
  /** @default MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
  /** @default IDEMPOTENCY_TTL_SECONDS */
  readonly idempotencyTtlSeconds?: number;
}

/** The body of a 202 answer (also what an idempotent replay returns, byte for byte). */
export interface OrderAccepted {
  readonly order_id: string;
  readonly status: 'ACCEPTED';
  readonly created_at: string;
  readonly trace_id: string;
  readonly correlation_id: string;
}

/** `Retry-After` of 409 and 503 answers, seconds. */
const RETRY_AFTER_SECONDS = '1';

/** An API Gateway v2 event handler (the Lambda entry point's type). */
export type HttpApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The create-order logic as an API Gateway v2 handler (no Lambda context needed).
 * @example const handle = createOrderHandler({ writer, logger }); await handle(event)
 */
export function createOrderHandler(deps: CreateOrderDeps): HttpApiHandler {
  const now = deps.now ?? Date.now;
  const newOrderId = deps.newOrderId ?? ((ms: number) => uuidV7(ms));
  const maxBodyBytes = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  const ttlSeconds = deps.idempotencyTtlSeconds ?? IDEMPOTENCY_TTL_SECONDS;
  const { logger } = deps;

  return async (event) => {
    const started = now();
    const trace = traceContextOf(headerOf(event, HEADER.traceparent), headerOf(event, HEADER.tracestate));
    const correlationId = correlationIdOf(headerOf(event, HEADER.correlationId));
    const context: ResponseContext = {
      traceparent: formatTraceparent(trace),
      traceId: trace.traceId,
      correlationId,
    };
    logger.resetKeys();
    logger.setCorrelationId(correlationId);
    logger.appendKeys({ trace_id: trace.traceId, request_id: event.requestContext?.requestId });

    const refuse = (problems: readonly OrderProblem[], omitted = 0, headers?: Record<string, string>) => {
      const response = problemResponse(problems, context, { omitted, ...(headers ? { headers } : {}) });
      log('order refused', response.statusCode!, { codes: unique(problems.map((p) => p.code)) });
      return response;
    };
    const log = (message: string, status: number, attributes: Record<string, unknown> = {}) => {
      const line = { status, durationMs: now() - started, ...attributes };
      if (status >= 500) logger.error(message, line);
      else logger.info(message, line);
    };
    const single = (code: OrderReason, message: string): OrderProblem[] => [{ code, path: '', message }];

    // Route and method (API Gateway already routes `POST /orders`; a `$default` route may not).
    const method = event.requestContext?.http?.method ?? 'POST';
    const path = event.rawPath ?? CREATE_ORDER_ROUTE.path;
    if (event.routeKey === '$default' || event.routeKey === undefined) {
      if (!path.endsWith(CREATE_ORDER_ROUTE.path)) {
        return refuse(single(ORDER_REASON.ROUTE_NOT_FOUND, `no route for ${path.slice(0, 80)}`));
      }
    }
    if (method.toUpperCase() !== CREATE_ORDER_ROUTE.method) {
      return refuse(
        single(ORDER_REASON.METHOD_NOT_ALLOWED, `${CREATE_ORDER_ROUTE.path} accepts POST only`),
        0,
        {
          allow: CREATE_ORDER_ROUTE.method,
        },
      );
    }

    // Size before anything is decoded or parsed.
    const size = bodyByteLength(event);
    if (size > maxBodyBytes) {
      return refuse(
        single(ORDER_REASON.PAYLOAD_TOO_LARGE, `the body has ${size} bytes, limit ${maxBodyBytes}`),
      );
    }
    if (!isJsonContentType(headerOf(event, HEADER.contentType))) {
      return refuse(
        single(ORDER_REASON.UNSUPPORTED_MEDIA_TYPE, 'Content-Type must be application/json (charset utf-8)'),
      );
    }
    const key = parseIdempotencyKey(headerOf(event, HEADER.idempotencyKey));
    if (key && !key.ok) return refuse([key.problem]);

    const bytes = bodyBytes(event);
    if (bytes === null) {
      return refuse(single(ORDER_REASON.INVALID_ENCODING, 'the base64-encoded body is malformed'));
    }
    const validation = validateOrderBody(bytes, { maxBytes: maxBodyBytes });
    if (!validation.ok) return refuse(validation.problems, validation.omitted);

    const principal = principalOf(event);
    const recordKey = key ? idempotencyRecordKey(key.key, principal) : undefined;
    const requestHash = requestFingerprint(validation.request);
    try {
      for (let idAttempt = 1; ; idAttempt++) {
        const nowMs = now();
        const accepted = acceptedOrder(validation.request, newOrderId(nowMs), nowMs);
        const result = await deps.writer.write({
          ...accepted.write,
          ...(recordKey
            ? {
                idempotency: newIdempotencyRecord({
                  recordKey,
                  requestHash,
                  orderId: accepted.body.order_id,
                  statusCode: 202,
                  responseBody: accepted.text,
                  nowMs,
                  ttlSeconds,
                }),
              }
            : {}),
          nowMs,
        });
        switch (result.kind) {
          case 'written':
            log('order accepted', 202, {
              orderId: accepted.body.order_id,
              items: validation.request.items.length,
              idempotencyKey: recordKey !== undefined,
            });
            return jsonResponse(202, accepted.text, context);
          case 'duplicate-key': {
            const decision = decideIdempotency(result.record, requestHash, nowMs);
            if (decision === 'replay') {
              log('order replayed', result.record.status_code, { orderId: result.record.order_id });
              return jsonResponse(result.record.status_code, result.record.response_body, context, {
                [HEADER.idempotentReplayed]: 'true',
              });
            }
            if (decision === 'mismatch') {
              return refuse(
                single(
                  ORDER_REASON.IDEMPOTENCY_KEY_REUSED,
                  'this Idempotency-Key was used with a different request body; use a new key for a new order',
                ),
              );
            }
            // Expired but not yet deleted, and the write raced its deletion: try again.
            if (idAttempt < 3) continue;
            return refuse(single(ORDER_REASON.IDEMPOTENCY_KEY_IN_USE, 'retry with the same key'), 0, {
              'retry-after': RETRY_AFTER_SECONDS,
            });
          }
          case 'conflict':
            return refuse(
              single(
                ORDER_REASON.IDEMPOTENCY_KEY_IN_USE,
                'a request with this Idempotency-Key is being processed; retry with the same key',
              ),
              0,
              { 'retry-after': RETRY_AFTER_SECONDS },
            );
          case 'order-exists':
            // A UUID v7 collision (74 random bits): draw another id once.
            if (idAttempt < 2) continue;
            throw new OrdersError('STORE_REJECTED', 'order id collision twice in a row');
        }
      }
    } catch (error) {
      if (error instanceof OrdersError && error.retryable) {
        const response = problemResponse(
          single(
            ORDER_REASON.SERVICE_UNAVAILABLE,
            'the order store is unavailable; retry with the same Idempotency-Key',
          ),
          context,
          { headers: { 'retry-after': RETRY_AFTER_SECONDS } },
        );
        log('order store unavailable', 503, { error: describe(error) });
        return response;
      }
      const response = problemResponse(
        single(ORDER_REASON.INTERNAL_ERROR, 'the order could not be written'),
        context,
      );
      log('order write failed', 500, { error: describe(error) });
      return response;
    }

    function acceptedOrder(request: OrderRequest, orderId: string, nowMs: number) {
      const order = buildOrder(request, {
        orderId,
        nowMs,
        trace,
        correlationId,
        requestId: event.requestContext?.requestId ?? '',
      });
      const body: OrderAccepted = {
        order_id: order.order_id,
        status: order.status,
        created_at: order.created_at,
        trace_id: trace.traceId,
        correlation_id: correlationId,
      };
      return {
        body,
        text: JSON.stringify(body),
        write: { order, outbox: outboxEntryOf(orderCreatedEvent(order), nowMs) },
      };
    }
  };
}

/**
 * The caller an `Idempotency-Key` belongs to: the authorizer's subject when the route has one
 * (JWT `sub`, IAM user ARN, Lambda authorizer `principalId`), else `anonymous`.
 * @example principalOf(event) // 'anonymous'
 */
export function principalOf(event: APIGatewayProxyEventV2): string {
  const authorizer = (event.requestContext as { authorizer?: Record<string, unknown> } | undefined)
    ?.authorizer;
  const jwt = authorizer?.jwt as { claims?: Record<string, unknown> } | undefined;
  const iam = authorizer?.iam as { userArn?: unknown } | undefined;
  const lambda = authorizer?.lambda as { principalId?: unknown } | undefined;
  const candidate = jwt?.claims?.sub ?? iam?.userArn ?? lambda?.principalId;
  return typeof candidate === 'string' && candidate.length > 0 ? candidate : 'anonymous';
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** An error as one log attribute (the logger redacts its message). */
function describe(error: unknown): Record<string, string> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = (error as { cause?: unknown }).cause;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(cause instanceof Error ? { cause: cause.name } : {}),
    };
  }
  return { name: 'NonError', message: String(error) };
}
