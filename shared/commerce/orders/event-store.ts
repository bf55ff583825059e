/**
 * The order consumer's EVENT STORE in DynamoDB (tables: `event-store-table.ts`): appends each
 * event of an order at the order's next version, exactly once per event id, and keeps the order's
 * current state — atomically, with `TransactWriteItems`.
 *
 * ## One batch
 * 1. ONE read wave: a strongly consistent `BatchGetItem` of the state items of the batch's orders
 *    and of the markers of its event ids (`batch-get.ts`: chunks of 100 keys, unprocessed keys
 *    retried).
 * 2. An event whose marker exists is a redelivery: `duplicate`, nothing is written. Copies of one
 *    event id inside the batch are written once (the others share the first copy's result).
 * 3. Each order's new events form a UNIT, versions `v+1 … v+k` after the state's `v`, in batch
 *    order (= Kafka order: an order's records are on one partition, in offset order): per event a
 *    `Put` of the log item (`attribute_not_exists(order_id)`) and a `Put` of its marker
 *    (`attribute_not_exists(event_id)`), then a `Put` of the state with `#version = :v`
 *    (`attribute_not_exists` for a new order) — DynamoDB's optimistic locking with a version
 *    number. A unit is all or nothing: the log, the markers and the state never disagree.
 * 4. Units of different orders are packed into one transaction (at most `ordersPerTransaction`
 *    orders and 100 actions: 25 single-event orders = 75 actions), transactions sent with bounded
 *    concurrency. Packing changes no guarantee (each unit keeps its own conditions) and divides
 *    the number of requests: on DynamoDB Local packing 25 orders per transaction stored 2–3× more
 *    events per second than one transaction per order (390–457 against 97–220); in AWS it saves round trips (the WCU are the same).
 *    An order with more than 49 new events (or `transactionPayloadBytes`) takes several
 *    transactions, one per round, in order.
 *    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html,
 *    https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html:
 *    up to 100 actions on distinct items, 4 MB in all, a condition per action, one cancellation
 *    reason per action; condition expressions:
 *    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html;
 *    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/BestPractices_OptimisticLocking.html.)
 *
 * ## When a transaction is cancelled
 * `CancellationReasons` has one code per action (`None` when the action was fine), so each unit
 * is judged by its own actions:
 * - a failed condition (`ConditionalCheckFailed`: another writer appended to the order or stored
 *   one of its events since the read — a zombie invocation after a rebalance, a routed event of
 *   the same order on another partition) or a `TransactionConflict`: the order's state and
 *   markers are read again and the unit recomputed, up to `conflictRetry.maxAttempts` attempts
 *   with jittered backoff; events found stored meanwhile become `duplicate`;
 * - only `None` (a bystander, cancelled by another order of the transaction): sent again as is in
 *   the next round;
 * - throttling → {@link EventStoreError} `EVENT_STORE_THROTTLED`; any other reason (validation)
 *   → {@link EventStoreFault} `EVENT_STORE_REJECTED`.
 * Other errors fail the transaction's units: `EVENT_STORE_THROTTLED`, `EVENT_STORE_UNAVAILABLE`
 * (network, timeout, 5xx, anything unknown; transient), `EVENT_STORE_REJECTED` (missing table,
 * access denied, validation: not retryable). Conflicts that keep winning: `EVENT_STORE_CONFLICT`.
 * A failed event is reported to the event source mapping, never rejected — the data is fine, the
 * store is not: retried 3 times, then `orders-dlq`, replayed once the store is back (a missing
 * table or permission: once it is fixed); its redelivery finds its marker if it was stored.
 * A state item that is not an order state fails that order: `EVENT_STORE_CORRUPT`.
 *
 * Cost: a new event of an order is 3 item writes (log + marker + state; the state write is shared
 * by the order's events of the batch). DynamoDB charges transactional writes twice ("two
 * underlying reads or writes of every item", transaction-apis.html), so 2 × (⌈log item KB⌉ + 1 +
 * 1) WCU — 8 WCU for a 1.1 KB `order_created` — plus 2 strongly consistent reads (state, marker)
 * per event in the read wave. A redelivery costs the 2 reads only.
 *
 * `ClientRequestToken` is left to the SDK, which fills one per call and reuses it across its own
 * retries, so an attempt whose answer was lost is not applied twice by the SDK (10-minute window).
 */
import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { RuntimeError, TransientError } from '../../runtime/errors.ts';
import { type BatchGetOptions, batchGetItems } from '../../storage/dynamodb/batch-get.ts';
import { type BackoffPolicy, backoffDelayMs, sleep } from '../../util/backoff.ts';
import { mapBounded } from '../../util/map-bounded.ts';
import type { OrderEventTableNames } from './event-store-table.ts';
import {
  foldOrderState,
  type OrderState,
  OrderStateSchema,
  type OrderStreamEvent,
  type OrderStreamEventType,
} from './order-events.ts';

/** Codes of an {@link EventStoreError} (the same call may succeed later). */
export const EVENT_STORE_ERROR = {
  /** DynamoDB throttled the read or the transaction (or left keys unprocessed after every retry). */
  THROTTLED: 'EVENT_STORE_THROTTLED',
  /** Concurrent writers of the order kept cancelling the transaction. */
  CONFLICT: 'EVENT_STORE_CONFLICT',
  /** DynamoDB unreachable, timed out, answered 5xx, or failed in a way not known here. */
  UNAVAILABLE: 'EVENT_STORE_UNAVAILABLE',
} as const;

/** One of the {@link EVENT_STORE_ERROR} codes. */
export type EventStoreErrorCode = (typeof EVENT_STORE_ERROR)[keyof typeof EVENT_STORE_ERROR];

/**
 * The event store failed in a way that may succeed later: the records are reported for retry.
 * @example throw new EventStoreError(EVENT_STORE_ERROR.THROTTLED, 'transaction throttled');
 */
export class EventStoreError extends TransientError<EventStoreErrorCode> {
  override readonly name = 'EventStoreError';
}

/** Codes of an {@link EventStoreFault} (retrying the same call fails the same way). */
export const EVENT_STORE_FAULT = {
  /** DynamoDB refused the request itself: missing table, access denied, validation error. */
  REJECTED: 'EVENT_STORE_REJECTED',
  /** A stored state item does not match the order-state schema. */
  CORRUPT: 'EVENT_STORE_CORRUPT',
} as const;

/** One of the {@link EVENT_STORE_FAULT} codes. */
export type EventStoreFaultCode = (typeof EVENT_STORE_FAULT)[keyof typeof EVENT_STORE_FAULT];

/**
 * The event store cannot take the event until someone fixes the store (a table, a permission, an
 * item). Not retryable, yet the record is failed, never rejected: it ends in `orders-dlq` and is
 * replayed after the fix. Messages name tables and codes, never attribute values.
 * @example new EventStoreFault(EVENT_STORE_FAULT.REJECTED, 'ResourceNotFoundException').retryable // false
 */
export class EventStoreFault extends RuntimeError<EventStoreFaultCode> {
  override readonly name = 'EventStoreFault';
  constructor(code: EventStoreFaultCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { retryable: false, cause: options.cause });
  }
}

/** Where a stored event was read from (provenance attributes of the log item). */
export interface EventSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** One event to append. */
export interface AppendRequest extends OrderStreamEvent {
  readonly source?: EventSource;
}

/** The outcome of one {@link AppendRequest}, in input order. */
export type AppendResult =
  | { readonly kind: 'appended'; readonly version: number }
  /** Already stored (its marker exists, or an earlier copy of the batch was stored). */
  | { readonly kind: 'duplicate'; readonly version?: number }
  | { readonly kind: 'failed'; readonly error: EventStoreError | EventStoreFault };

/** The event store as the order consumer uses it (the DynamoDB store, or a test double). */
export interface OrderEventStore {
  /** Appends every event once; never throws: each request gets its result, in input order. */
  appendAll(requests: readonly AppendRequest[]): Promise<AppendResult[]>;
}

/** An event as the log stores it (the `order-events` item). */
export interface StoredOrderEvent {
  readonly order_id: string;
  readonly version: number;
  readonly event_id: string;
  readonly event_type: OrderStreamEventType;
  /** ISO 8601. */
  readonly occurred_at: string;
  /** The Kafka value as JSON text, unchanged. */
  readonly payload: string;
  readonly trace_id?: string;
  readonly parent_span_id?: string;
  readonly traceparent?: string;
  readonly tracestate?: string;
  readonly correlation_id?: string;
  readonly source_topic?: string;
  readonly source_partition?: number;
  readonly source_offset?: number;
  /** ISO 8601. */
  readonly stored_at: string;
}

/** Counters since the store was created (figures, tests). */
export interface EventStoreStats {
  /** Read waves (`BatchGetItem` rounds of a batch, and re-reads after a conflict). */
  readWaves: number;
  /** Keys read (states + markers), strongly consistent. */
  keysRead: number;
  /** `TransactWriteItems` calls that committed. */
  transactions: number;
  /** Items those transactions wrote. */
  itemsWritten: number;
  /** Events appended. */
  appended: number;
  /** Events found already stored. */
  duplicates: number;
  /** Transactions cancelled by a condition or a conflict (then re-read and retried). */
  conflicts: number;
  /** Write capacity the committed transactions consumed, as DynamoDB reported it (`ReturnConsumedCapacity`). */
  writeCapacityUnits: number;
}

/** Defaults of {@link DynamoOrderEventStore}. */
export const EVENT_STORE_DEFAULTS = {
  /** Transactions in flight at once. */
  concurrency: 8,
  /**
   * Orders packed into one transaction (each with its events, marker and state). 1 = one
   * transaction per order. Whatever the value, a transaction holds at most 100 actions.
   */
  ordersPerTransaction: 25,
  /** Payload bytes of one transaction, well under the 4 MB transaction limit. */
  transactionPayloadBytes: 3 * 1024 * 1024,
  /** Attempts of an order's append cancelled by a concurrent writer (re-read between attempts). */
  conflictRetry: { maxAttempts: 4, baseDelayMs: 25, maxDelayMs: 200 } satisfies BackoffPolicy,
} as const;

/** `TransactWriteItems` holds at most 100 actions. */
export const MAX_TRANSACTION_ACTIONS = 100;

/** Events of one order in one transaction: 2 actions each, plus the state's. */
const MAX_EVENTS_PER_ORDER_TRANSACTION = Math.floor((MAX_TRANSACTION_ACTIONS - 1) / 2);

/** Options of a {@link DynamoOrderEventStore}. */
export interface DynamoOrderEventStoreOptions {
  /** Physical table names (`orderEventTableNames(prefix)`). */
  readonly tables: OrderEventTableNames;
  /** @default {@link EVENT_STORE_DEFAULTS.concurrency} */
  readonly concurrency?: number;
  /** @default {@link EVENT_STORE_DEFAULTS.ordersPerTransaction} (1–33) */
  readonly ordersPerTransaction?: number;
  /** Events of one order per transaction (tests lower it). @default 49, the most 100 actions allow */
  readonly eventsPerOrderTransaction?: number;
  /** @default {@link EVENT_STORE_DEFAULTS.conflictRetry} */
  readonly conflictRetry?: BackoffPolicy;
  /** Retry of unprocessed keys (tests shorten it). */
  readonly batchGet?: Omit<BatchGetOptions, 'unprocessedCode'>;
  /** Clock for `stored_at` / `updated_at`, epoch ms. @default Date.now */
  readonly now?: () => number;
  /** Backoff sleep (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What a read wave found. */
interface Loaded {
  readonly states: Map<string, Record<string, unknown>>;
  readonly markers: Map<string, Record<string, unknown>>;
}

/** One action of a `TransactWriteItems` call (document client). */
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An event waiting to be appended, with its place in the request list. */
interface Pending {
  readonly event: AppendRequest;
  readonly index: number;
}

/** One order's part of a batch. */
interface OrderWork {
  readonly orderId: string;
  /** Events not appended yet, in batch order. */
  queue: Pending[];
  /** The state the next transaction starts from (`undefined`: no event stored yet). */
  state: OrderState | undefined;
  /** Transactions of this order cancelled by a concurrent writer so far. */
  conflicts: number;
}

/** An order's next events in one transaction. */
interface Unit {
  readonly work: OrderWork;
  readonly part: readonly Pending[];
  readonly next: OrderState;
  readonly items: readonly TransactItem[];
  readonly payloadBytes: number;
}

/** What a unit's share of a cancelled transaction says. */
type Verdict = 'conflict' | 'bystander' | 'throttled' | 'refused';

type TransactionOutcome =
  | { readonly kind: 'committed' }
  | { readonly kind: 'cancelled'; readonly verdicts: readonly Verdict[]; readonly codes: string }
  | { readonly kind: 'failed'; readonly error: EventStoreError | EventStoreFault };

/**
 * @example
 * const store = new DynamoOrderEventStore(doc, { tables: orderEventTableNames('orion-commerce-') });
 * const results = await store.appendAll(events); // [{ kind: 'appended', version: 1 }, { kind: 'duplicate', version: 3 }]
 */
export class DynamoOrderEventStore implements OrderEventStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #tables: OrderEventTableNames;
  readonly #concurrency: number;
  readonly #ordersPerTransaction: number;
  readonly #eventsPerOrder: number;
  readonly #conflictRetry: BackoffPolicy;
  readonly #batchGet: Omit<BatchGetOptions, 'unprocessedCode'>;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #stats: EventStoreStats = {
    readWaves: 0,
    keysRead: 0,
    transactions: 0,
    itemsWritten: 0,
    appended: 0,
    duplicates: 0,
    conflicts: 0,
    writeCapacityUnits: 0,
  };

  constructor(doc: DynamoDBDocumentClient, options: DynamoOrderEventStoreOptions) {
    this.#doc = doc;
    this.#tables = options.tables;
    this.#concurrency = Math.max(1, options.concurrency ?? EVENT_STORE_DEFAULTS.concurrency);
    this.#ordersPerTransaction = clamp(
      options.ordersPerTransaction ?? EVENT_STORE_DEFAULTS.ordersPerTransaction,
      1,
      Math.floor(MAX_TRANSACTION_ACTIONS / 3),
    );
    this.#eventsPerOrder = clamp(
      options.eventsPerOrderTransaction ?? MAX_EVENTS_PER_ORDER_TRANSACTION,
      1,
      MAX_EVENTS_PER_ORDER_TRANSACTION,
    );
    this.#conflictRetry = options.conflictRetry ?? EVENT_STORE_DEFAULTS.conflictRetry;
    this.#batchGet = options.batchGet ?? {};
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
  }

  /** Physical table names. */
  get tables(): OrderEventTableNames {
    return this.#tables;
  }

  /** A copy of the counters. */
  stats(): EventStoreStats {
    return { ...this.#stats };
  }

  async appendAll(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    const results = new Array<AppendResult>(requests.length);
    const firstOf = new Map<string, number>();
    const copies: [index: number, first: number][] = [];
    const byOrder = new Map<string, Pending[]>();
    requests.forEach((event, index) => {
      const first = firstOf.get(event.eventId);
      if (first !== undefined) {
        copies.push([index, first]);
        return;
      }
      firstOf.set(event.eventId, index);
      const queue = byOrder.get(event.orderId);
      if (queue) queue.push({ event, index });
      else byOrder.set(event.orderId, [{ event, index }]);
    });
    if (byOrder.size > 0) await this.#append([...byOrder], results);
    for (const [index, first] of copies) {
      const result = results[first]!;
      results[index] = result.kind === 'failed' ? result : { kind: 'duplicate', version: versionOf(result) };
    }
    for (const result of results) if (result.kind === 'duplicate') this.#stats.duplicates++;
    return results;
  }

  /** The read wave, then rounds of packed transactions until every order is appended or failed. */
  async #append(orders: readonly [string, Pending[]][], results: AppendResult[]): Promise<void> {
    const fail = (work: OrderWork, error: EventStoreError | EventStoreFault) => {
      for (const p of work.queue) results[p.index] = { kind: 'failed', error };
      work.queue = [];
    };
    const works: OrderWork[] = orders.map(([orderId, queue]) => ({
      orderId,
      queue,
      state: undefined,
      conflicts: 0,
    }));
    try {
      const loaded = await this.#read(
        works.map((w) => w.orderId),
        works.flatMap((w) => w.queue.map((p) => p.event.eventId)),
      );
      for (const work of works) this.#apply(work, loaded, results, fail);
    } catch (error) {
      for (const work of works) fail(work, eventStoreFailure('read', error));
      return;
    }
    for (let active = works.filter((w) => w.queue.length > 0); active.length > 0; ) {
      const storedAt = new Date(this.#now()).toISOString();
      const transactions = this.#pack(active.map((work) => this.#unitOf(work, storedAt)));
      const outcomes = await mapBounded(transactions, this.#concurrency, (units) => this.#send(units));
      const reread: OrderWork[] = [];
      for (const [t, units] of transactions.entries()) {
        const outcome = outcomes[t]!;
        for (const [u, unit] of units.entries()) {
          const { work } = unit;
          if (outcome.kind === 'committed') {
            unit.part.forEach((p, j) => {
              results[p.index] = { kind: 'appended', version: unit.next.version - unit.part.length + j + 1 };
            });
            this.#stats.appended += unit.part.length;
            work.state = unit.next;
            work.queue = work.queue.slice(unit.part.length);
            continue;
          }
          if (outcome.kind === 'failed') {
            fail(work, outcome.error);
            continue;
          }
          const verdict = outcome.verdicts[u]!;
          // A bystander was cancelled by another order of the transaction: sent again next round.
          if (verdict === 'bystander') continue;
          if (verdict === 'throttled') {
            fail(
              work,
              new EventStoreError(
                EVENT_STORE_ERROR.THROTTLED,
                `order events transaction throttled (${outcome.codes})`,
              ),
            );
            continue;
          }
          if (verdict === 'refused') {
            fail(
              work,
              new EventStoreFault(
                EVENT_STORE_FAULT.REJECTED,
                `order events transaction refused (${outcome.codes})`,
              ),
            );
            continue;
          }
          work.conflicts++;
          this.#stats.conflicts++;
          if (work.conflicts >= this.#conflictRetry.maxAttempts) {
            fail(
              work,
              new EventStoreError(
                EVENT_STORE_ERROR.CONFLICT,
                `order events not appended: ${work.conflicts} transactions cancelled by concurrent writers`,
              ),
            );
            continue;
          }
          reread.push(work);
        }
      }
      if (reread.length > 0) {
        // A concurrent writer changed these orders since the read: read them again, then retry.
        await this.#sleep(backoffDelayMs(Math.max(...reread.map((w) => w.conflicts)), this.#conflictRetry));
        try {
          const loaded = await this.#read(
            reread.map((w) => w.orderId),
            reread.flatMap((w) => w.queue.map((p) => p.event.eventId)),
          );
          for (const work of reread) this.#apply(work, loaded, results, fail);
        } catch (error) {
          for (const work of reread) fail(work, eventStoreFailure('read', error));
        }
      }
      active = works.filter((w) => w.queue.length > 0);
    }
  }

  /** Takes what a read found for an order: its state (or a corrupt item), its stored events (duplicates). */
  #apply(
    work: OrderWork,
    loaded: Loaded,
    results: AppendResult[],
    fail: (work: OrderWork, error: EventStoreFault) => void,
  ): void {
    const stored = loaded.states.get(work.orderId);
    if (stored) {
      const parsed = OrderStateSchema.safeParse(stored);
      if (!parsed.success || parsed.data.order_id !== work.orderId) {
        const issue = parsed.success
          ? 'order_id differs from the key'
          : describeIssue(parsed.error.issues[0]);
        fail(
          work,
          new EventStoreFault(
            EVENT_STORE_FAULT.CORRUPT,
            `stored order state does not match its schema: ${issue}`,
          ),
        );
        return;
      }
      work.state = parsed.data;
    } else {
      work.state = undefined;
    }
    work.queue = work.queue.filter((p) => {
      const marker = loaded.markers.get(p.event.eventId);
      if (!marker) return true;
      results[p.index] = { kind: 'duplicate', version: numberOrUndefined(marker.version) };
      return false;
    });
  }

  /** An order's next events (at most {@link MAX_EVENTS_PER_ORDER_TRANSACTION}, and the payload bound) as one unit. */
  #unitOf(work: OrderWork, storedAt: string): Unit {
    const part: Pending[] = [];
    let payloadBytes = 0;
    for (const p of work.queue) {
      const size = Buffer.byteLength(p.event.payload, 'utf8');
      if (
        part.length > 0 &&
        (part.length >= this.#eventsPerOrder ||
          payloadBytes + size > EVENT_STORE_DEFAULTS.transactionPayloadBytes)
      ) {
        break;
      }
      part.push(p);
      payloadBytes += size;
    }
    const { state } = work;
    const base = state?.version ?? 0;
    const next = foldOrderState(
      state,
      part.map((p) => p.event),
      storedAt,
    );
    const { tables } = this;
    const items: TransactItem[] = part.flatMap(({ event }, j): TransactItem[] => {
      const version = base + j + 1;
      return [
        {
          Put: {
            TableName: tables.events,
            Item: eventItemOf(event, version, storedAt),
            ConditionExpression: 'attribute_not_exists(order_id)',
          },
        },
        {
          Put: {
            TableName: tables.eventIds,
            Item: { event_id: event.eventId, order_id: event.orderId, version, stored_at: storedAt },
            ConditionExpression: 'attribute_not_exists(event_id)',
          },
        },
      ];
    });
    items.push({
      Put: {
        TableName: tables.state,
        Item: next,
        ...(state
          ? {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': base },
            }
          : { ConditionExpression: 'attribute_not_exists(order_id)' }),
      },
    });
    return { work, part, next, items, payloadBytes };
  }

  /** Units packed into transactions, in order: at most `ordersPerTransaction` orders, 100 actions, the payload bound. */
  #pack(units: readonly Unit[]): Unit[][] {
    const transactions: Unit[][] = [];
    let current: Unit[] = [];
    let actions = 0;
    let bytes = 0;
    for (const unit of units) {
      if (
        current.length > 0 &&
        (current.length >= this.#ordersPerTransaction ||
          actions + unit.items.length > MAX_TRANSACTION_ACTIONS ||
          bytes + unit.payloadBytes > EVENT_STORE_DEFAULTS.transactionPayloadBytes)
      ) {
        transactions.push(current);
        current = [];
        actions = 0;
        bytes = 0;
      }
      current.push(unit);
      actions += unit.items.length;
      bytes += unit.payloadBytes;
    }
    if (current.length > 0) transactions.push(current);
    return transactions;
  }

  /** One `TransactWriteItems` of the units; a cancellation is told apart per unit from its reasons. */
  async #send(units: readonly Unit[]): Promise<TransactionOutcome> {
    const items = units.flatMap((u) => u.items);
    try {
      const out = await this.#doc.send(
        new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }),
      );
      this.#stats.transactions++;
      this.#stats.itemsWritten += items.length;
      for (const c of out.ConsumedCapacity ?? []) this.#stats.writeCapacityUnits += c.CapacityUnits ?? 0;
      return { kind: 'committed' };
    } catch (error) {
      return classifyTransactionFailure(
        error,
        units.map((u) => u.items.length),
      );
    }
  }

  /** One strongly consistent read wave: the orders' states and the events' markers. */
  async #read(orderIds: readonly string[], eventIds: readonly string[]): Promise<Loaded> {
    const { state, eventIds: markers } = this.#tables;
    this.#stats.readWaves++;
    this.#stats.keysRead += orderIds.length + eventIds.length;
    const found = await batchGetItems(
      this.#doc,
      [
        { table: state, keyName: 'order_id', keys: orderIds, consistentRead: true },
        { table: markers, keyName: 'event_id', keys: eventIds, consistentRead: true },
      ],
      { ...this.#batchGet, unprocessedCode: EVENT_STORE_ERROR.THROTTLED },
    );
    return { states: found.get(state) ?? new Map(), markers: found.get(markers) ?? new Map() };
  }

  /**
   * The events of an order, oldest first (strongly consistent `Query`).
   * @example (await store.history(orderId)).map((e) => e.version) // [1, 2]
   */
  async history(orderId: string): Promise<StoredOrderEvent[]> {
    const items: StoredOrderEvent[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#tables.events,
          KeyConditionExpression: 'order_id = :o',
          ExpressionAttributeValues: { ':o': orderId },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as StoredOrderEvent[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * The current state of an order, or `undefined` (strongly consistent `GetItem`).
   * @example (await store.state(orderId))?.status // 'ACCEPTED'
   */
  async state(orderId: string): Promise<OrderState | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#tables.state, Key: { order_id: orderId }, ConsistentRead: true }),
    );
    return Item ? OrderStateSchema.parse(Item) : undefined;
  }
}

/**
 * The log item of an event at `version`.
 * @example eventItemOf(event, 1, '2026-06-01T12:00:01.000Z').version // 1
 */
export function eventItemOf(event: AppendRequest, version: number, storedAt: string): StoredOrderEvent {
  const { trace, source } = event;
  return {
    order_id: event.orderId,
    version,
    event_id: event.eventId,
    event_type: event.eventType,
    occurred_at: new Date(event.occurredAtMs).toISOString(),
    payload: event.payload,
    ...(trace.traceId ? { trace_id: trace.traceId } : {}),
    ...(trace.parentSpanId ? { parent_span_id: trace.parentSpanId } : {}),
    ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
    ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
    ...(trace.correlationId ? { correlation_id: trace.correlationId } : {}),
    ...(source
      ? { source_topic: source.topic, source_partition: source.partition, source_offset: source.offset }
      : {}),
    stored_at: storedAt,
  };
}

/** Cancellation reasons meaning "try again later". */
const THROTTLED_REASONS: ReadonlySet<string> = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);
/** SDK error names of throttling. */
const THROTTLING: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
/** SDK error names of a request DynamoDB refused as such: retrying it fails the same way. */
const REFUSED: ReadonlySet<string> = new Set([
  'ResourceNotFoundException',
  'ValidationException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'IdempotentParameterMismatchException',
]);

/**
 * A failed `TransactWriteItems` of units holding `sizes` actions each: a cancellation is judged
 * per unit from its own reasons (`CancellationReasons` is in action order, `None` for an action
 * that was fine): a failed condition or a conflict → `conflict` (re-read, retry), throttling →
 * `throttled`, any other reason → `refused`, none → `bystander` (cancelled by another unit, retried
 * as is). Any other error fails the whole transaction.
 */
function classifyTransactionFailure(error: unknown, sizes: readonly number[]): TransactionOutcome {
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TransactionCanceledException') {
    const reasons = (
      (error as { CancellationReasons?: (CancellationReason | null)[] }).CancellationReasons ?? []
    ).map((r) => r?.Code ?? 'None');
    const codes = [...new Set(reasons.filter((c) => c !== 'None'))].join(', ') || 'no reason given';
    if (reasons.length === 0) {
      // No reasons to tell the units apart: every one re-reads and retries.
      return { kind: 'cancelled', verdicts: sizes.map(() => 'conflict'), codes };
    }
    let at = 0;
    const verdicts = sizes.map((size): Verdict => {
      const own = reasons.slice(at, at + size);
      at += size;
      if (own.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) return 'conflict';
      if (own.some((c) => THROTTLED_REASONS.has(c))) return 'throttled';
      if (own.some((c) => c !== 'None')) return 'refused';
      return 'bystander';
    });
    return { kind: 'cancelled', verdicts, codes };
  }
  if (name === 'TransactionInProgressException' || name === 'TransactionConflictException') {
    return { kind: 'cancelled', verdicts: sizes.map(() => 'conflict'), codes: String(name) };
  }
  return { kind: 'failed', error: eventStoreFailure('write', error) };
}

/**
 * A DynamoDB error of the event store as its typed error: throttling → `EVENT_STORE_THROTTLED`, a
 * request DynamoDB refused (missing table, access denied, validation) → `EVENT_STORE_REJECTED`
 * (not retryable), anything else (network, timeout, 5xx, unknown) → `EVENT_STORE_UNAVAILABLE`.
 * SDK messages name tables and conditions, never attribute values.
 * @example eventStoreFailure('read', Object.assign(new Error('x'), { name: 'ResourceNotFoundException' })).code // 'EVENT_STORE_REJECTED'
 */
export function eventStoreFailure(
  operation: 'read' | 'write',
  error: unknown,
): EventStoreError | EventStoreFault {
  if (error instanceof EventStoreError || error instanceof EventStoreFault) return error;
  const name = (error as { name?: unknown } | undefined)?.name;
  const own = error instanceof TransientError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const detail = `${typeof name === 'string' ? name : 'Error'}: ${message.slice(0, 300)}`;
  if (typeof name === 'string' && REFUSED.has(name)) {
    return new EventStoreFault(EVENT_STORE_FAULT.REJECTED, `event store ${operation} refused (${detail})`, {
      cause: error,
    });
  }
  const code =
    (typeof name === 'string' && THROTTLING.has(name)) || own === EVENT_STORE_ERROR.THROTTLED
      ? EVENT_STORE_ERROR.THROTTLED
      : EVENT_STORE_ERROR.UNAVAILABLE;
  return new EventStoreError(code, `event store ${operation} failed (${code}): ${detail}`, { cause: error });
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}

function versionOf(result: AppendResult): number | undefined {
  return result.kind === 'failed' ? undefined : result.version;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function describeIssue(issue: { path: PropertyKey[]; code: string } | undefined): string {
  if (!issue) return 'invalid';
  return `${issue.path.map(String).join('.') || '(item)'}: ${issue.code}`;
}
