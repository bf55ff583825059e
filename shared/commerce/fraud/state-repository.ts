/**
 * The fraud stage's window states in DynamoDB (table `<prefix>fraud-windows`, see
 * `state-table.ts`): one item per customer, the {@link CustomerWindowState} itself, read in one
 * strongly consistent `BatchGetItem` wave per batch and written one conditional `PutItem` per
 * changed customer (bounded parallelism).
 *
 * - Reads parse every item with {@link CustomerWindowStateSchema}: an item that does not match
 *   (hand-edited, written by another version) is reported as `corrupt` with a typed
 *   {@link CorruptFraudStateError}, never thrown at the batch.
 * - Writes are conditional on the revision read (`attribute_not_exists` for a new customer), so
 *   a concurrent writer (a zombie invocation after a rebalance) makes the write fail with
 *   `FRAUD_STATE_CONFLICT` instead of silently losing its update.
 * - Every DynamoDB failure becomes a {@link FraudStateError} (a `TransientError`) with a closed
 *   code: the stage's records are retried by the event source mapping, then go to `payments-dlq`.
 *
 * TTL: `expiresAt` is in epoch **seconds** — "The epoch time format is the number of seconds
 * elapsed since 12:00:00 AM January 1, 1970 UTC" — and "Items that have expired and not been
 * deleted will still show up in reads", since DynamoDB deletes them "typically within two days"
 * (UpdateTimeToLive, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html):
 * {@link isExpired} tells the stage to treat such an item as absent.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { RuntimeError, TransientError } from '../../runtime/errors.ts';
import { type BatchGetOptions, batchGetItems } from '../../storage/dynamodb/batch-get.ts';
import { mapBounded } from '../../util/map-bounded.ts';
import { type CustomerWindowState, CustomerWindowStateSchema } from './state.ts';
import { FRAUD_STATE_STORE } from './state-table.ts';

/** Codes of a {@link FraudStateError} (transient: the same call may succeed later). */
export const FRAUD_STATE_ERROR = {
  /** DynamoDB throttled the read or the write (or left keys unprocessed after every retry). */
  THROTTLED: 'FRAUD_STATE_THROTTLED',
  /** Another writer changed the item since it was read (the conditional write failed). */
  CONFLICT: 'FRAUD_STATE_CONFLICT',
  /** DynamoDB unreachable, timed out or failed otherwise. */
  UNAVAILABLE: 'FRAUD_STATE_UNAVAILABLE',
} as const;

/** One of the {@link FRAUD_STATE_ERROR} codes. */
export type FraudStateErrorCode = (typeof FRAUD_STATE_ERROR)[keyof typeof FRAUD_STATE_ERROR];

/**
 * A read or write of the window states failed in a way that may succeed later.
 * @example throw new FraudStateError(FRAUD_STATE_ERROR.CONFLICT, 'revision changed since read');
 */
export class FraudStateError extends TransientError<FraudStateErrorCode> {
  override readonly name = 'FraudStateError';
}

/** Code of a {@link CorruptFraudStateError}. */
export const CORRUPT_FRAUD_STATE = 'FRAUD_STATE_CORRUPT';

/**
 * A stored item is not a window state. Not retryable: the mapping's retries fail the same way and
 * the customer's records end in `payments-dlq`, to be replayed once the item is repaired or deleted.
 * The message names the schema issue's path, never a value.
 * @example new CorruptFraudStateError('recent.0.t: expected number').code // 'FRAUD_STATE_CORRUPT'
 */
export class CorruptFraudStateError extends RuntimeError<typeof CORRUPT_FRAUD_STATE> {
  override readonly name = 'CorruptFraudStateError';
  constructor(detail: string) {
    super(CORRUPT_FRAUD_STATE, `stored fraud window state does not match its schema: ${detail}`, {
      retryable: false,
    });
  }
}

/** A customer's stored item, as read. Customers without an item are absent from the map. */
export type LoadedWindowState =
  | { readonly kind: 'found'; readonly state: CustomerWindowState }
  | { readonly kind: 'corrupt'; readonly error: CorruptFraudStateError };

/** One conditional write. */
export interface WindowStateWrite {
  readonly state: CustomerWindowState;
  /** The revision read (`undefined`: the customer had no item). */
  readonly expectedRevision: number | undefined;
}

/** Outcome of one write of {@link FraudStateRepository.putMany}, in input order. */
export type WindowStateWriteResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: FraudStateError };

/** The window-state store as the fraud stage uses it (the DynamoDB repository, or a test double). */
export interface FraudStateStore {
  /** Reads the states of `customerIds` (one wave); throws {@link FraudStateError}. */
  getMany(customerIds: readonly string[]): Promise<Map<string, LoadedWindowState>>;
  /** Writes every state conditionally; never throws, reports each write. */
  putMany(writes: readonly WindowStateWrite[]): Promise<WindowStateWriteResult[]>;
}

/** Options of a {@link FraudStateRepository}. */
export interface FraudStateRepositoryOptions {
  /** Physical table name, e.g. `orion-commerce-fraud-windows`. */
  readonly table: string;
  /** Conditional writes in flight at once. @default 16 */
  readonly writeConcurrency?: number;
  /** Retry of unprocessed keys (tests shorten it). */
  readonly batchGet?: Omit<BatchGetOptions, 'unprocessedCode'>;
}

const KEY = FRAUD_STATE_STORE.tables[0].partitionKey.name;

/**
 * @example
 * const repo = new FraudStateRepository(doc, { table: 'orion-commerce-fraud-windows' });
 * const loaded = await repo.getMany(['100042']);
 * await repo.putMany([{ state: next, expectedRevision: 3 }]);
 */
export class FraudStateRepository implements FraudStateStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #options: FraudStateRepositoryOptions;

  constructor(doc: DynamoDBDocumentClient, options: FraudStateRepositoryOptions) {
    this.#doc = doc;
    this.#options = options;
  }

  /** Physical table name. */
  get table(): string {
    return this.#options.table;
  }

  async getMany(customerIds: readonly string[]): Promise<Map<string, LoadedWindowState>> {
    const out = new Map<string, LoadedWindowState>();
    if (customerIds.length === 0) return out;
    const { table } = this.#options;
    let items: Map<string, Record<string, unknown>> | undefined;
    try {
      const found = await batchGetItems(
        this.#doc,
        [{ table, keyName: KEY, keys: customerIds, consistentRead: true }],
        { ...this.#options.batchGet, unprocessedCode: FRAUD_STATE_ERROR.THROTTLED },
      );
      items = found.get(table);
    } catch (error) {
      throw fraudStateFailure('read', error);
    }
    for (const [customerId, item] of items ?? []) out.set(customerId, parseWindowState(customerId, item));
    return out;
  }

  async putMany(writes: readonly WindowStateWrite[]): Promise<WindowStateWriteResult[]> {
    return mapBounded(writes, this.#options.writeConcurrency ?? 16, async ({ state, expectedRevision }) => {
      try {
        await this.#doc.send(
          new PutCommand({
            TableName: this.#options.table,
            Item: state,
            ...(expectedRevision === undefined
              ? { ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': KEY } }
              : {
                  ConditionExpression: '#r = :r',
                  ExpressionAttributeNames: { '#r': 'revision' },
                  ExpressionAttributeValues: { ':r': expectedRevision },
                }),
          }),
        );
        return { ok: true } as const;
      } catch (error) {
        return { ok: false, error: fraudStateFailure('write', error) } as const;
      }
    });
  }
}

/**
 * Checks a stored item against the window-state schema (and that it is the customer's).
 * @example parseWindowState('100042', item).kind // 'found' | 'corrupt'
 */
export function parseWindowState(customerId: string, item: Record<string, unknown>): LoadedWindowState {
  const parsed = CustomerWindowStateSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(item)';
    return { kind: 'corrupt', error: new CorruptFraudStateError(`${path}: ${issue?.code ?? 'invalid'}`) };
  }
  if (parsed.data.customerId !== customerId) {
    return { kind: 'corrupt', error: new CorruptFraudStateError('customerId differs from the item key') };
  }
  return { kind: 'found', state: parsed.data };
}

/**
 * Whether DynamoDB's TTL has expired the item (it may still be returned until it is deleted).
 * @example isExpired({ expiresAt: 1_767_225_600 }, Date.UTC(2026, 1, 1)) // true
 */
export function isExpired(state: Pick<CustomerWindowState, 'expiresAt'>, nowMs: number): boolean {
  return state.expiresAt * 1000 <= nowMs;
}

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * A DynamoDB error of a window-state read or write as a {@link FraudStateError}: conditional
 * check failed → CONFLICT, throttling (PutItem's `ProvisionedThroughputExceededException`,
 * `RequestLimitExceeded`, the SDK's `ThrottlingException`, unprocessed keys) → THROTTLED, anything
 * else → UNAVAILABLE. SDK messages name tables and conditions, never attribute values.
 * @example fraudStateFailure('write', Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' })).code // 'FRAUD_STATE_CONFLICT'
 */
export function fraudStateFailure(operation: 'read' | 'write', error: unknown): FraudStateError {
  if (error instanceof FraudStateError) return error;
  const name = (error as { name?: unknown } | undefined)?.name;
  const own = error instanceof TransientError ? error.code : undefined;
  const code =
    name === 'ConditionalCheckFailedException'
      ? FRAUD_STATE_ERROR.CONFLICT
      : (typeof name === 'string' && THROTTLING.has(name)) || own === FRAUD_STATE_ERROR.THROTTLED
        ? FRAUD_STATE_ERROR.THROTTLED
        : FRAUD_STATE_ERROR.UNAVAILABLE;
  const message = error instanceof Error ? error.message : String(error);
  return new FraudStateError(
    code,
    `fraud window state ${operation} failed (${code}): ${message.slice(0, 300)}`,
    {
      cause: error,
    },
  );
}
