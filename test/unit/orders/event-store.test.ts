/**
 * The event store (`DynamoOrderEventStore`) on an in-memory DynamoDB double that evaluates the
 * transaction's conditions like DynamoDB (all or nothing; `attribute_not_exists`, `#version =
 * :expected`; `TransactionCanceledException` with one reason per action), plus scripted failures.
 * Checked: versions, one write per event id, duplicates without a transaction, one transaction per
 * order and batch, chunking, conflict re-read and retry, every failure's typed code, item layouts,
 * the pure reading and folding. DynamoDB Local itself: test/integration/orders/order-consumer.test.ts.
 */
import { BatchGetCommand, type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  type AppendRequest,
  DynamoOrderEventStore,
  EVENT_STORE_ERROR,
  EVENT_STORE_FAULT,
  EventStoreError,
  EventStoreFault,
  eventItemOf,
  eventStoreFailure,
} from '../../../shared/commerce/orders/event-store.ts';
import {
  ORDER_EVENT_STORE,
  ORDER_EVENTS_TABLE,
  orderEventTableNames,
} from '../../../shared/commerce/orders/event-store-table.ts';
import { orderEventTableNamesFromEnv } from '../../../shared/commerce/orders/order-consumer-stage-from-env.ts';
import {
  foldOrderState,
  type OrderState,
  type OrderStreamEvent,
  readOrderEvent,
} from '../../../shared/commerce/orders/order-events.ts';
import { orderCreatedMessage, routedMessage, T0 } from './order-consumer-fixtures.ts';

const TABLES = orderEventTableNames('t-');
const NOW = T0 + 60_000;
const KEYS: Record<string, readonly string[]> = {
  [TABLES.events]: ['order_id', 'version'],
  [TABLES.state]: ['order_id'],
  [TABLES.eventIds]: ['event_id'],
};

type Item = Record<string, unknown>;
type TransactItem = {
  Put: {
    TableName: string;
    Item: Item;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  };
};

function keyOf(table: string, item: Item): string {
  return JSON.stringify((KEYS[table] ?? []).map((k) => item[k]));
}

/** An in-memory DynamoDB for the commands the store sends, with DynamoDB's transaction semantics. */
class FakeDynamo {
  readonly tables = new Map<string, Map<string, Item>>();
  readonly sent: { name: string; input: unknown }[] = [];
  /** Runs before a transaction is applied: throw to fail it, or change the tables (a concurrent writer). */
  beforeTransact?: (items: TransactItem[], attempt: number) => void;
  /** Runs before a BatchGetItem: throw to fail it. */
  beforeRead?: () => void;
  transactCalls = 0;

  table(name: string): Map<string, Item> {
    let t = this.tables.get(name);
    if (!t) {
      t = new Map();
      this.tables.set(name, t);
    }
    return t;
  }

  put(table: string, item: Item): void {
    this.table(table).set(keyOf(table, item), structuredClone(item));
  }

  items(table: string): Item[] {
    return [...this.table(table).values()];
  }

  readonly client = {
    send: async (command: unknown) => {
      if (command instanceof BatchGetCommand) {
        this.sent.push({ name: 'BatchGetItem', input: command.input });
        this.beforeRead?.();
        const responses: Record<string, Item[]> = {};
        for (const [table, request] of Object.entries(command.input.RequestItems ?? {})) {
          expect(request.ConsistentRead).toBe(true);
          responses[table] = (request.Keys ?? []).flatMap((key) => {
            const found = this.table(table).get(keyOf(table, key as Item));
            return found ? [structuredClone(found)] : [];
          });
        }
        return { Responses: responses, UnprocessedKeys: {} };
      }
      if (command instanceof TransactWriteCommand) {
        this.sent.push({ name: 'TransactWriteItems', input: command.input });
        this.transactCalls++;
        const items = command.input.TransactItems as TransactItem[];
        this.beforeTransact?.(items, this.transactCalls);
        const reasons = items.map(({ Put }) => {
          const existing = this.table(Put.TableName).get(keyOf(Put.TableName, Put.Item));
          const condition = Put.ConditionExpression ?? '';
          if (condition.startsWith('attribute_not_exists'))
            return existing ? 'ConditionalCheckFailed' : 'None';
          if (condition === '#version = :expected') {
            return existing && existing.version === Put.ExpressionAttributeValues?.[':expected']
              ? 'None'
              : 'ConditionalCheckFailed';
          }
          return 'None';
        });
        if (reasons.some((r) => r !== 'None')) throw cancelled(reasons);
        for (const { Put } of items) this.put(Put.TableName, Put.Item);
        return {
          ConsumedCapacity: [{ TableName: items[0]!.Put.TableName, CapacityUnits: 2 * items.length }],
        };
      }
      throw new Error(`unexpected command ${(command as object).constructor.name}`);
    },
  };

  get doc(): DynamoDBDocumentClient {
    return this.client as unknown as DynamoDBDocumentClient;
  }
}

function cancelled(codes: readonly string[]): Error {
  return Object.assign(
    new Error(
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    ),
    {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((Code) => ({ Code })),
    },
  );
}

function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

/** The stream event of an `order_created` record (read as the stage reads it). */
function created(n: number, orderId?: string): AppendRequest {
  const m = orderCreatedMessage(n, orderId ? { orderId } : {});
  const read = readOrderEvent(Buffer.from(m.value), {
    nowMs: NOW,
    traceparent: m.headers.traceparent,
    correlationId: m.headers.correlation_id,
  });
  if (!read.ok) throw new Error(read.message);
  return { ...read.event, source: { topic: 'orders', partition: 1, offset: n } };
}

function routed(kind: 'checkout' | 'order_completed', orderId: string, minutes: number): AppendRequest {
  const m = routedMessage(kind, orderId, 'u-7', T0 + minutes * 60_000);
  const read = readOrderEvent(Buffer.from(m.value), { nowMs: NOW + 3_600_000 });
  if (!read.ok) throw new Error(read.message);
  return read.event;
}

/** Another writer's committed append of `event` (what its transaction leaves in the tables). */
function commitElsewhere(fake: FakeDynamo, event: AppendRequest): void {
  const previous = fake.table(TABLES.state).get(keyOf(TABLES.state, { order_id: event.orderId }));
  const state = foldOrderState(previous as OrderState | undefined, [event], 'elsewhere');
  fake.put(TABLES.events, eventItemOf(event, state.version, 'elsewhere') as unknown as Item);
  fake.put(TABLES.eventIds, { event_id: event.eventId, order_id: event.orderId, version: state.version });
  fake.put(TABLES.state, state);
}

function storeOn(
  fake: FakeDynamo,
  extra: Partial<ConstructorParameters<typeof DynamoOrderEventStore>[1]> = {},
) {
  return new DynamoOrderEventStore(fake.doc, {
    tables: TABLES,
    now: () => NOW,
    sleep: async () => {},
    ...extra,
  });
}

describe('the event store tables as data', () => {
  it('is the store `order-events` with its prefix variable and three tables', () => {
    expect(ORDER_EVENT_STORE).toMatchObject({
      kind: 'dynamodb',
      name: 'order-events',
      tablePrefixVariable: 'ORDER_EVENTS_TABLE_PREFIX',
      defaultTablePrefix: 'orion-commerce-',
    });
    expect(ORDER_EVENT_STORE.tables.map((t) => t.suffix)).toEqual([
      'order-events',
      'order-state',
      'order-event-ids',
    ]);
    expect(ORDER_EVENTS_TABLE).toMatchObject({
      partitionKey: { name: 'order_id', type: 'S' },
      sortKey: { name: 'version', type: 'N' },
    });
    expect(orderEventTableNamesFromEnv({})).toEqual({
      events: 'orion-commerce-order-events',
      state: 'orion-commerce-order-state',
      eventIds: 'orion-commerce-order-event-ids',
    });
    expect(orderEventTableNamesFromEnv({ ORDER_EVENTS_TABLE_PREFIX: 'orion-dev-' }).events).toBe(
      'orion-dev-order-events',
    );
    expect(() => orderEventTableNamesFromEnv({ ORDER_EVENTS_TABLE_PREFIX: 'bad prefix!' })).toThrow(
      /ORDER_EVENTS_TABLE_PREFIX/,
    );
  });
});

describe('appending', () => {
  it('stores a new order at version 1 in ONE transaction: log item, marker, state (conditions included)', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const event = created(1);
    expect(await store.appendAll([event])).toEqual([{ kind: 'appended', version: 1 }]);
    expect(fake.sent.map((s) => s.name)).toEqual(['BatchGetItem', 'TransactWriteItems']);
    const [tx] = fake.sent.filter((s) => s.name === 'TransactWriteItems');
    const items = (tx!.input as { TransactItems: TransactItem[] }).TransactItems;
    expect(items.map((i) => [i.Put.TableName, i.Put.ConditionExpression])).toEqual([
      [TABLES.events, 'attribute_not_exists(order_id)'],
      [TABLES.eventIds, 'attribute_not_exists(event_id)'],
      [TABLES.state, 'attribute_not_exists(order_id)'],
    ]);
    const [logItem] = fake.items(TABLES.events);
    expect(logItem).toEqual({
      order_id: event.orderId,
      version: 1,
      event_id: event.eventId,
      event_type: 'order_created',
      occurred_at: new Date(event.occurredAtMs).toISOString(),
      payload: event.payload,
      trace_id: event.trace.traceId,
      parent_span_id: event.trace.parentSpanId,
      traceparent: event.trace.traceparent,
      correlation_id: 'corr-1',
      source_topic: 'orders',
      source_partition: 1,
      source_offset: 1,
      stored_at: new Date(NOW).toISOString(),
    });
    expect(fake.items(TABLES.eventIds)).toEqual([
      {
        event_id: event.eventId,
        order_id: event.orderId,
        version: 1,
        stored_at: new Date(NOW).toISOString(),
      },
    ]);
    expect(fake.items(TABLES.state)).toEqual([
      {
        order_id: event.orderId,
        version: 1,
        status: 'ACCEPTED',
        last_event_id: event.eventId,
        last_event_type: 'order_created',
        last_occurred_at: new Date(event.occurredAtMs).toISOString(),
        trace_id: event.trace.traceId,
        correlation_id: 'corr-1',
        currency: 'EUR',
        total_amount: 53.48,
        item_count: 5,
        created_at: new Date(NOW).toISOString(),
        updated_at: new Date(NOW).toISOString(),
      },
    ]);
    expect(store.stats()).toMatchObject({
      readWaves: 1,
      keysRead: 2,
      transactions: 1,
      itemsWritten: 3,
      appended: 1,
    });
  });

  it('a redelivered event (its marker exists) is a duplicate: read, never written', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const event = created(1);
    await store.appendAll([event]);
    const before = fake.transactCalls;
    expect(await store.appendAll([event])).toEqual([{ kind: 'duplicate', version: 1 }]);
    expect(fake.transactCalls).toBe(before);
    expect(fake.items(TABLES.events)).toHaveLength(1);
    expect(store.stats()).toMatchObject({ transactions: 1, duplicates: 1 });
  });

  it('copies of one event id in a batch are written once; the copies share the first one’s result', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const a = created(1);
    const b = created(2);
    expect(await store.appendAll([a, b, a, a])).toEqual([
      { kind: 'appended', version: 1 },
      { kind: 'appended', version: 1 },
      { kind: 'duplicate', version: 1 },
      { kind: 'duplicate', version: 1 },
    ]);
    expect(fake.items(TABLES.events)).toHaveLength(2);
    // One read wave for the batch (2 orders + 2 event ids), one transaction for both orders.
    expect(fake.sent.map((s) => s.name)).toEqual(['BatchGetItem', 'TransactWriteItems']);
  });

  it('several events of one order in a batch: ONE transaction, consecutive versions in batch order, one state write', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const first = created(1);
    await store.appendAll([first]);
    const checkout = routed('checkout', first.orderId, 10);
    const completed = routed('order_completed', first.orderId, 20);
    expect(await store.appendAll([checkout, completed])).toEqual([
      { kind: 'appended', version: 2 },
      { kind: 'appended', version: 3 },
    ]);
    const [, tx] = fake.sent.filter((s) => s.name === 'TransactWriteItems');
    const items = (tx!.input as { TransactItems: TransactItem[] }).TransactItems;
    expect(items).toHaveLength(5);
    expect(items[4]!.Put).toMatchObject({
      TableName: TABLES.state,
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 1 },
    });
    const log = fake.items(TABLES.events).sort((x, y) => Number(x.version) - Number(y.version));
    expect(log.map((e) => [e.version, e.event_type])).toEqual([
      [1, 'order_created'],
      [2, 'checkout'],
      [3, 'order_completed'],
    ]);
    const [state] = fake.items(TABLES.state);
    expect(state).toMatchObject({ version: 3, status: 'COMPLETED', last_event_type: 'order_completed' });
    // The routed events carry no trace headers: the state keeps no stale trace id of the order_created.
    expect(state!.trace_id).toBeUndefined();
  });

  it('more events of one order than one transaction holds: consecutive transactions, in order', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake, { eventsPerOrderTransaction: 2 });
    const orderId = 'ord-many';
    const events = Array.from({ length: 5 }, (_, i) =>
      routed(i % 2 ? 'order_completed' : 'checkout', orderId, i),
    );
    expect((await store.appendAll(events)).map((r) => r.kind === 'appended' && r.version)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(fake.transactCalls).toBe(3);
    expect(fake.items(TABLES.state)[0]).toMatchObject({ version: 5 });
  });

  it('a concurrent writer appended meanwhile (version condition fails): re-read, appended after it', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const first = created(1);
    await store.appendAll([first]);
    const theirs = routed('checkout', first.orderId, 5);
    fake.beforeTransact = (_items, call) => {
      if (call === 2) {
        fake.beforeTransact = undefined;
        // A zombie's transaction commits between our read and our write.
        commitElsewhere(fake, theirs);
      }
    };
    const ours = routed('order_completed', first.orderId, 9);
    const sentBefore = fake.sent.length;
    expect(await store.appendAll([ours])).toEqual([{ kind: 'appended', version: 3 }]);
    expect(store.stats().conflicts).toBe(1);
    // read, cancelled transaction, re-read, transaction
    expect(fake.sent.slice(sentBefore).map((s) => s.name)).toContain('TransactWriteItems');
    const log = fake.items(TABLES.events).map((e) => [e.version, e.event_id]);
    expect(log).toContainEqual([2, theirs.eventId]);
    expect(log).toContainEqual([3, ours.eventId]);
  });

  it('the same event stored meanwhile by another invocation: the re-read finds its marker → duplicate', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const event = created(1);
    fake.beforeTransact = (_items, call) => {
      if (call === 1) {
        fake.beforeTransact = undefined;
        commitElsewhere(fake, event);
      }
    };
    const result = await store.appendAll([event]);
    expect(result).toEqual([{ kind: 'duplicate', version: 1 }]);
    expect(fake.items(TABLES.events)).toHaveLength(1);
  });

  it('conflicts that keep winning: EVENT_STORE_CONFLICT (transient) after the attempts', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake, { conflictRetry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    fake.beforeTransact = () => {
      throw cancelled(['None', 'None', 'TransactionConflict']);
    };
    const [result] = await store.appendAll([created(1)]);
    expect(result!.kind).toBe('failed');
    const error = (result as { error: EventStoreError }).error;
    expect(error).toBeInstanceOf(EventStoreError);
    expect(error).toMatchObject({ code: EVENT_STORE_ERROR.CONFLICT, retryable: true });
    expect(fake.transactCalls).toBe(3);
  });

  it('one order’s failure leaves the other orders of the batch appended', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const a = created(1);
    const b = created(2);
    fake.beforeTransact = (items) => {
      if (items[0]!.Put.Item.order_id === a.orderId) {
        throw cancelled(['ThrottlingError', 'None', 'None']);
      }
    };
    const [ra, rb] = await store.appendAll([a, b]);
    expect(ra).toMatchObject({
      kind: 'failed',
      error: { code: EVENT_STORE_ERROR.THROTTLED, retryable: true },
    });
    expect(rb).toEqual({ kind: 'appended', version: 1 });
  });

  it('a failed read wave fails every event of the batch; nothing is written', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    fake.beforeRead = () => {
      throw sdkError('Error', { code: 'ECONNREFUSED', $metadata: {} });
    };
    const results = await store.appendAll([created(1), created(2)]);
    expect(results.map((r) => r.kind === 'failed' && r.error.code)).toEqual([
      EVENT_STORE_ERROR.UNAVAILABLE,
      EVENT_STORE_ERROR.UNAVAILABLE,
    ]);
    expect(fake.transactCalls).toBe(0);
  });

  it('a corrupt state item fails that order only, EVENT_STORE_CORRUPT (not retryable)', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const a = created(1);
    const b = created(2);
    fake.put(TABLES.state, { order_id: a.orderId, version: 'three' });
    const [ra, rb] = await store.appendAll([a, b]);
    expect(ra).toMatchObject({
      kind: 'failed',
      error: { code: EVENT_STORE_FAULT.CORRUPT, retryable: false },
    });
    expect((ra as { error: Error }).error.message).toContain('version');
    expect(rb).toEqual({ kind: 'appended', version: 1 });
  });

  it('the transaction is refused (missing table): EVENT_STORE_REJECTED, a fault, still a failure', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    fake.beforeTransact = () => {
      throw sdkError('ResourceNotFoundException', { $fault: 'client' });
    };
    const [r] = await store.appendAll([created(1)]);
    const error = (r as { error: EventStoreFault }).error;
    expect(error).toBeInstanceOf(EventStoreFault);
    expect(error).toMatchObject({ code: EVENT_STORE_FAULT.REJECTED, retryable: false });
  });
});

describe('packing orders into transactions', () => {
  it('packs up to ordersPerTransaction orders (default 25) and 100 actions per transaction', async () => {
    const fake = new FakeDynamo();
    const events = Array.from({ length: 60 }, (_, i) => created(i));
    expect((await storeOn(fake).appendAll(events)).every((r) => r.kind === 'appended')).toBe(true);
    const sizes = fake.sent
      .filter((s) => s.name === 'TransactWriteItems')
      .map((s) => (s.input as { TransactItems: unknown[] }).TransactItems.length);
    expect(sizes).toEqual([75, 75, 30]);
    const one = new FakeDynamo();
    await storeOn(one, { ordersPerTransaction: 1 }).appendAll(events.slice(0, 5));
    expect(one.transactCalls).toBe(5);
    // More than 33 orders per transaction would exceed 100 actions: capped.
    const capped = new FakeDynamo();
    await storeOn(capped, { ordersPerTransaction: 1_000 }).appendAll(events);
    expect(capped.transactCalls).toBe(2);
  });

  it('a conflict of one order cancels its transaction: the bystanders go again as is, the order after a re-read', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const [a, b, c] = [created(1), created(2), created(3)];
    const theirs = routed('checkout', b.orderId, 1);
    fake.beforeTransact = (_items, call) => {
      if (call === 1) commitElsewhere(fake, theirs); // b gets an event from another writer meanwhile
    };
    const results = await store.appendAll([a, b, c]);
    expect(results).toEqual([
      { kind: 'appended', version: 1 },
      { kind: 'appended', version: 2 },
      { kind: 'appended', version: 1 },
    ]);
    // 1: a+b+c cancelled (b's state condition); 2: a, b (re-read), c together.
    expect(fake.transactCalls).toBe(2);
    expect(store.stats()).toMatchObject({ conflicts: 1, readWaves: 2, transactions: 1, appended: 3 });
  });

  it('a reason other than a condition, a conflict or throttling (validation) fails that order only, REJECTED', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    const [a, b] = [created(1), created(2)];
    fake.beforeTransact = (items) => {
      if (items.some((i) => i.Put.Item.order_id === a.orderId)) {
        throw cancelled(items.map((i) => (i.Put.Item.order_id === a.orderId ? 'ValidationError' : 'None')));
      }
    };
    const [ra, rb] = await store.appendAll([a, b]);
    expect(ra).toMatchObject({
      kind: 'failed',
      error: { code: EVENT_STORE_FAULT.REJECTED, retryable: false },
    });
    expect((ra as { error: Error }).error.message).toContain('ValidationError');
    expect(rb).toEqual({ kind: 'appended', version: 1 });
  });

  it('a cancellation without reasons, or TransactionConflictException: every unit re-reads and retries', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake);
    let calls = 0;
    fake.beforeTransact = () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException' });
      if (calls === 2) throw sdkError('TransactionConflictException');
    };
    const results = await store.appendAll([created(1), created(2)]);
    expect(results.map((r) => r.kind)).toEqual(['appended', 'appended']);
    expect(store.stats()).toMatchObject({ conflicts: 4, readWaves: 3 });
  });

  it('a transaction-level error (network) fails every unit of that transaction only', async () => {
    const fake = new FakeDynamo();
    const store = storeOn(fake, { ordersPerTransaction: 2 });
    const events = [created(1), created(2), created(3)];
    fake.beforeTransact = (_items, call) => {
      if (call === 1) throw sdkError('TimeoutError');
    };
    const results = await store.appendAll(events);
    expect(results.map((r) => (r.kind === 'failed' ? r.error.code : r.kind))).toEqual([
      EVENT_STORE_ERROR.UNAVAILABLE,
      EVENT_STORE_ERROR.UNAVAILABLE,
      'appended',
    ]);
  });
});

describe('eventStoreFailure: DynamoDB errors → typed codes', () => {
  it.each([
    ['ProvisionedThroughputExceededException', EVENT_STORE_ERROR.THROTTLED, true],
    ['ThrottlingException', EVENT_STORE_ERROR.THROTTLED, true],
    ['RequestLimitExceeded', EVENT_STORE_ERROR.THROTTLED, true],
    ['InternalServerError', EVENT_STORE_ERROR.UNAVAILABLE, true],
    ['TimeoutError', EVENT_STORE_ERROR.UNAVAILABLE, true],
    ['Error', EVENT_STORE_ERROR.UNAVAILABLE, true],
    ['ResourceNotFoundException', EVENT_STORE_FAULT.REJECTED, false],
    ['AccessDeniedException', EVENT_STORE_FAULT.REJECTED, false],
    ['ValidationException', EVENT_STORE_FAULT.REJECTED, false],
  ])('%s → %s', (name, code, retryable) => {
    expect(eventStoreFailure('write', sdkError(name))).toMatchObject({ code, retryable });
  });

  it('unprocessed keys of the read wave are THROTTLED', () => {
    const error = new EventStoreError(EVENT_STORE_ERROR.THROTTLED, 'BatchGetItem left 3 keys unprocessed');
    expect(eventStoreFailure('read', error)).toBe(error);
  });
});

describe('reading and folding (pure)', () => {
  it('an order_created keeps its bytes, its trace from the headers, its figures', () => {
    const m = orderCreatedMessage(3, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const read = readOrderEvent(Buffer.from(m.value), {
      nowMs: NOW,
      traceparent: m.headers.traceparent,
      correlationId: m.headers.correlation_id,
    });
    expect(read.ok).toBe(true);
    const event = (read as { event: OrderStreamEvent }).event;
    expect(event).toMatchObject({
      orderId: m.event.order_id,
      eventId: m.event.event_id,
      eventType: 'order_created',
      occurredAtMs: Date.parse(m.event.occurred_at),
      payload: m.value,
      figures: { currency: 'EUR', totalAmount: 53.48, itemCount: 5 },
      trace: {
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        parentSpanId: m.event.metadata.span_id,
        traceparent: m.headers.traceparent,
        correlationId: 'corr-3',
      },
    });
  });

  it('without usable headers an order_created falls back to its metadata; invalid headers are ignored', () => {
    const m = orderCreatedMessage(4);
    const read = readOrderEvent(Buffer.from(m.value), {
      nowMs: NOW,
      traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      correlationId: 'has spaces in it',
    });
    expect(read.ok && read.event.trace).toEqual({
      traceId: m.event.metadata.trace_id,
      parentSpanId: m.event.metadata.span_id,
      traceparent: m.event.metadata.traceparent,
      correlationId: 'corr-4',
    });
  });

  it('the state: status by rank (COMPLETED is final), figures of the latest event, created_at kept', () => {
    const order = created(1);
    const s1 = foldOrderState(undefined, [order], 'T1');
    expect(s1).toMatchObject({ version: 1, status: 'ACCEPTED', created_at: 'T1', updated_at: 'T1' });
    const done = routed('order_completed', order.orderId, 30);
    const late = routed('checkout', order.orderId, 10);
    const s3 = foldOrderState(s1, [done, late], 'T2');
    expect(s3).toMatchObject({
      version: 3,
      status: 'COMPLETED',
      last_event_type: 'checkout',
      last_event_id: late.eventId,
      created_at: 'T1',
      updated_at: 'T2',
    });
    expect(foldOrderState(undefined, [late], 'T').status).toBe('CHECKED_OUT');
    expect(() => foldOrderState(undefined, [], 'T')).toThrow(RangeError);
  });

  it('a log item carries no undefined attribute (DynamoDB would refuse none, but the layout stays exact)', () => {
    const item = eventItemOf(routed('checkout', 'ord-1', 1), 7, 'T');
    expect(Object.values(item).every((v) => v !== undefined)).toBe(true);
    expect(item).not.toHaveProperty('trace_id');
    expect(item).not.toHaveProperty('source_topic');
  });
});
