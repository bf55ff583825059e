/**
 * The ONE DynamoDB transaction of the ORDER API: `TransactWriteItems` putting the order, its
 * outbox entry and (with an `Idempotency-Key`) the idempotency record, all or nothing
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html: up to
 * 100 actions on distinct items, 4 MB in all; three small items here).
 *
 * Conditions: the order and the outbox entry must not exist (`attribute_not_exists`); the
 * idempotency record must not exist or be expired (`expires_at <= now`: DynamoDB's TTL deletes
 * expired items only eventually). When the idempotency condition fails, the record that won is
 * read back with a strongly consistent `GetItem` (the document client does not unmarshall the
 * items `ReturnValuesOnConditionCheckFailure` would put in the cancellation reasons).
 *
 * How DynamoDB's answers map to outcomes:
 * - committed → `written`;
 * - cancelled, the idempotency record's condition failed → `duplicate-key` with that record;
 * - cancelled by a concurrent transaction on one of the items (`TransactionConflict`), or the
 *   same request token still in progress → retried with backoff, then `conflict`;
 * - cancelled, the order or outbox condition failed (an id collision) → `order-exists`;
 * - throttling, 5xx, network → {@link OrdersError} `STORE_UNAVAILABLE` (retryable, answered 503);
 * - anything else (validation, missing table, access) → `STORE_REJECTED` (answered 500).
 *
 * `ClientRequestToken` makes the SDK's own retries of one attempt idempotent: if an attempt
 * committed but its answer was lost, the SDK's retry with the same token succeeds without
 * writing again (valid 10 minutes). Each attempt of the conflict loop uses a token of its own.
 */
import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type BackoffPolicy, backoffDelayMs, sleep } from '../../util/backoff.ts';
import { TRANSACTION_CONFLICT_RETRIES } from './constants.ts';
import { OrdersError } from './errors.ts';
import type { IdempotencyRecord } from './idempotency.ts';
import type { Order } from './model/schemas.ts';
import type { OutboxEntry } from './outbox.ts';
import type { OrderTableNames } from './tables.ts';

/** What one order write holds. */
export interface OrderWrite {
  readonly order: Order;
  readonly outbox: OutboxEntry;
  /** Present when the request carried an `Idempotency-Key`. */
  readonly idempotency?: IdempotencyRecord;
  /** "Now", epoch ms: an idempotency record with `expires_at` at or before it counts as absent. */
  readonly nowMs: number;
}

/** How an order write ended (failures of the store are thrown as {@link OrdersError}). */
export type OrderWriteResult =
  | { readonly kind: 'written' }
  | { readonly kind: 'duplicate-key'; readonly record: IdempotencyRecord }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'order-exists' };

/** Writes orders; the DynamoDB implementation is {@link createDynamoOrderWriter}. */
export interface OrderWriter {
  write(write: OrderWrite): Promise<OrderWriteResult>;
}

/** Options of {@link createDynamoOrderWriter}. */
export interface DynamoOrderWriterOptions {
  /** Backoff between attempts of a transaction cancelled by a conflict. @default 4 attempts, 25 ms doubling to 200 ms */
  readonly conflictBackoff?: BackoffPolicy;
}

const CONFLICT_BACKOFF: BackoffPolicy = {
  maxAttempts: TRANSACTION_CONFLICT_RETRIES + 1,
  baseDelayMs: 25,
  maxDelayMs: 200,
};

/** Error names of the SDK meaning "try again later". */
const UNAVAILABLE: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
/** Cancellation reason codes meaning "try again later". */
const UNAVAILABLE_REASONS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceeded',
  'ThrottlingError',
  'RequestLimitExceeded',
]);

/**
 * The DynamoDB order writer over a document client (reuse one per execution environment).
 * @example const writer = createDynamoOrderWriter(sharedDynamoDb().doc, orderTableNamesFromEnv());
 */
export function createDynamoOrderWriter(
  doc: DynamoDBDocumentClient,
  tables: OrderTableNames,
  options: DynamoOrderWriterOptions = {},
): OrderWriter {
  const policy = options.conflictBackoff ?? CONFLICT_BACKOFF;
  return {
    async write(write) {
      const base = write.order.order_id.replace(/-/g, '');
      for (let attempt = 1; ; attempt++) {
        const outcome = await attemptWrite(doc, tables, write, `${base}-${attempt}`);
        if (outcome !== 'conflict') return outcome;
        if (attempt >= policy.maxAttempts) return { kind: 'conflict' };
        await sleep(backoffDelayMs(attempt, policy));
      }
    },
  };
}

async function attemptWrite(
  doc: DynamoDBDocumentClient,
  tables: OrderTableNames,
  write: OrderWrite,
  token: string,
): Promise<OrderWriteResult | 'conflict'> {
  const { order, outbox, idempotency } = write;
  try {
    await doc.send(
      new TransactWriteCommand({
        ClientRequestToken: token,
        TransactItems: [
          {
            Put: {
              TableName: tables.orders,
              Item: order,
              ConditionExpression: 'attribute_not_exists(order_id)',
            },
          },
          {
            Put: {
              TableName: tables.outbox,
              Item: outbox,
              ConditionExpression: 'attribute_not_exists(aggregate_id)',
            },
          },
          ...(idempotency
            ? [
                {
                  Put: {
                    TableName: tables.idempotency,
                    Item: idempotency,
                    ConditionExpression: 'attribute_not_exists(idempotency_key) OR expires_at <= :now',
                    ExpressionAttributeValues: { ':now': Math.floor(write.nowMs / 1000) },
                  },
                },
              ]
            : []),
        ],
      }),
    );
    return { kind: 'written' };
  } catch (error) {
    const outcome = classify(error);
    if (outcome !== 'duplicate-key') return outcome;
    return idempotency ? readRecord(doc, tables, idempotency.idempotency_key) : { kind: 'order-exists' };
  }
}

/** The record that won the key; gone again (expired and deleted meanwhile): try once more. */
async function readRecord(
  doc: DynamoDBDocumentClient,
  tables: OrderTableNames,
  key: string,
): Promise<OrderWriteResult | 'conflict'> {
  try {
    const { Item } = await doc.send(
      new GetCommand({ TableName: tables.idempotency, Key: { idempotency_key: key }, ConsistentRead: true }),
    );
    return Item ? { kind: 'duplicate-key', record: Item as IdempotencyRecord } : 'conflict';
  } catch (error) {
    throw storeError(error);
  }
}

function classify(error: unknown): OrderWriteResult | 'conflict' | 'duplicate-key' {
  const name = (error as { name?: unknown })?.name;
  if (name === 'TransactionCanceledException') {
    const reasons = ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []).map(
      (r) => r ?? {},
    );
    const codes = reasons.map((r) => r.Code ?? 'None');
    if (codes[2] === 'ConditionalCheckFailed') return 'duplicate-key';
    if (codes.includes('TransactionConflict')) return 'conflict';
    if (codes[0] === 'ConditionalCheckFailed' || codes[1] === 'ConditionalCheckFailed') {
      return { kind: 'order-exists' };
    }
    if (codes.some((c) => UNAVAILABLE_REASONS.has(c))) {
      throw new OrdersError('STORE_UNAVAILABLE', `order transaction throttled (${codes.join(', ')})`, {
        cause: error,
      });
    }
    throw new OrdersError('STORE_REJECTED', `order transaction cancelled (${codes.join(', ')})`, {
      cause: error,
    });
  }
  if (name === 'TransactionInProgressException') return 'conflict';
  throw storeError(error);
}

/** An SDK failure other than a cancellation, as an {@link OrdersError}. */
function storeError(error: unknown): OrdersError {
  const name = (error as { name?: unknown })?.name;
  const fault = (error as { $fault?: unknown })?.$fault;
  const code = (error as { code?: unknown })?.code;
  if (
    (typeof name === 'string' && UNAVAILABLE.has(name)) ||
    fault === 'server' ||
    (typeof code === 'string' && /^(ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN)/.test(code))
  ) {
    return new OrdersError('STORE_UNAVAILABLE', `DynamoDB unavailable: ${String(name ?? code)}`, {
      cause: error,
    });
  }
  return new OrdersError('STORE_REJECTED', `DynamoDB refused the order request: ${String(name)}`, {
    cause: error,
  });
}
