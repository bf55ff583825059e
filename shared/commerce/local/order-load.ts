/**
 * The HTTP part of a commerce local run (`npm start -- --pipeline commerce --orders 100`): orders
 * posted to the ORDER API (`POST /orders` of `orders-api`) at `--order-rate`, beside the Kafka
 * generation, then followed to the order consumer's event store (`LocalRunLoad.drive`).
 *
 * The plan is deterministic from the run's seed and clock ({@link planOrders}):
 * - valid orders from the seeded builder (`sampleOrder`), customers of the run (`s<seed>-c-…`);
 * - `--invalid-ratio` of them replaced by bad requests of the catalogue (`BAD_REQUESTS`, each
 *   with the reason code the API must answer), taken in a seeded order so that a run covers as
 *   many kinds as it has invalid orders;
 * - half of the valid orders carry an `Idempotency-Key`, and a fifth of those (at least one) are
 *   POSTed a second time once answered, as a client does when the answer was lost: the API must
 *   replay the first answer (same order id, `Idempotent-Replayed: true`) and create no order, so
 *   the order counts once. Keys hold the run's seed and clock: DynamoDB remembers a key for 24 h
 *   and another run must not be answered from this one's records.
 *
 * What the driver does with the answers ({@link OrderTally}): a 202 is an accepted order, tracked
 * to the event store by its id ({@link orderLandingId}, answer time as its start); a 4xx is a
 * refusal, counted by the problem document's reason code; a 429 (the API's throttle) is retried
 * after its `Retry-After`, as are 409/503 of an order with an `Idempotency-Key` (safe to resend);
 * anything else (5xx, a network error) leaves the order unanswered, which the orders accounting
 * shows. Requests are paced by schedule (order `i` at `i / rate` s), with a bound on those in flight.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LocalRunDriveContext, LocalRunDriveResult } from '../../pipeline/local-run.ts';
import { requireOption } from '../errors.ts';
import { createRng, type Rng } from '../generator/prng.ts';
import { CREATE_ORDER_ROUTE, HEADER } from '../orders/constants.ts';
import type { OrderReason } from '../orders/reason-codes.ts';
import { BAD_REQUESTS, sampleOrder } from '../orders/sample-orders.ts';
import { ORDERS_API } from '../pipeline.ts';
import { orderLandingId } from './landing.ts';

/** Defaults of the order load. */
export const ORDER_LOAD_DEFAULTS = {
  /** Orders posted (`--orders`); 0: no HTTP load. */
  orders: 50,
  /**
   * Orders per second (`--order-rate`). Small: DynamoDB Local writes to a streamed table (the
   * outbox) one at a time, 50–250 ms each, so the API sustained about 3 orders/s on the 2-core
   * machine; a higher rate only queues.
   */
  orderRate: 3,
  /** Share of the valid orders sent with an `Idempotency-Key`. */
  keyedShare: 0.5,
  /** Share of the keyed orders POSTed twice (at least one when any is keyed). */
  retriedShare: 0.2,
  /** Requests in flight at once, at most. */
  maxInFlight: 16,
  /** Attempts of an order the API throttled (429) or, with a key, answered 409/503. */
  maxAttempts: 5,
} as const;

/** The options of the order load, parsed. */
export interface OrderLoadSettings {
  /** Orders to post. */
  readonly orders: number;
  /** Orders per second. */
  readonly orderRate: number;
}

/** One order of the plan. */
export interface PlannedOrder {
  /** Position in the plan (0-based). */
  readonly index: number;
  /** `valid`, or what the bad request breaks (the catalogue's `kind`). */
  readonly kind: string;
  /** What the API must answer: `accepted` (202), or the reason code of its refusal. */
  readonly expected: 'accepted' | OrderReason;
  readonly body: string | Uint8Array;
  /** Request headers, lower case (`content-type`, `x-correlation-id`, `idempotency-key`?). */
  readonly headers: Readonly<Record<string, string>>;
  /** POSTed a second time (same key, same body) once answered. */
  readonly retried: boolean;
}

/** What {@link planOrders} needs. */
export interface OrderPlanRequest {
  readonly orders: number;
  /** Share (0–1) of the orders that are bad requests. */
  readonly invalidRatio: number;
  readonly seed: number;
  /** The run's clock (epoch ms): part of the idempotency keys. */
  readonly nowMs: number;
  /** Prefix of the run's customer ids (`s<seed>-`). */
  readonly customerPrefix: string;
}

/** How the driver's orders ended at the API, for the report and the accounting. */
export interface OrderTally {
  /** Orders of the plan. */
  planned: number;
  /** Orders sent (at least one request): what the orders accounting starts from. */
  posted: number;
  /** Requests sent, retries and throttled ones included. */
  requests: number;
  /** Orders answered 202 (their first answer). */
  accepted: number;
  /** Orders refused with a 4xx. */
  rejected: number;
  /** The refusals by the problem document's reason code (`HTTP <status>` when it has none). */
  rejectedByReason: Record<string, number>;
  /** Orders POSTed a second time with their key. */
  retried: number;
  /** Second POSTs answered with the first answer (202, same order id, `Idempotent-Replayed`). */
  replayed: number;
  /** Second POSTs answered 202 with another order id: the key did not hold (a second order entered). */
  retryCreatedOrder: number;
  /** Second POSTs answered otherwise, by status. */
  retryOther: Record<string, number>;
  /** 429 answers (the request was sent again after `Retry-After`). */
  throttled: number;
  /** Orders with no final answer (5xx, network error, attempts exhausted, run aborted), by cause. */
  unanswered: Record<string, number>;
  /** Orders answered otherwise than planned (a valid one refused, a bad one accepted, another reason). */
  unexpected: number;
  /** A few of them: `kind: expected → got`. */
  unexpectedSamples: string[];
  /** Landing ids of the accepted orders (and of any order a retry created), with their answer time. */
  readonly accepted202: Map<string, number>;
}

/** The order part of a commerce load. */
export interface OrderLoad {
  readonly settings: OrderLoadSettings;
  readonly plan: readonly PlannedOrder[];
  /** What the driver did so far (final once `drive` resolved). */
  readonly tally: OrderTally;
  /** For the load's description. */
  readonly description: string;
  /** Posts the plan to the run's ORDER API (`LocalRunLoad.drive`). */
  drive(context: LocalRunDriveContext): Promise<LocalRunDriveResult>;
}

/** What the driver uses; tests give their own. */
export interface OrderLoadDeps {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default Date.now */
  readonly now?: () => number;
}

const n = (v: number) => v.toLocaleString('en-US');

function optionNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = Number(value);
  requireOption(
    Number.isFinite(v) && (integer ? Number.isInteger(v) && v >= 0 : v > 0),
    `--${name} must be ${integer ? 'a whole number ≥ 0' : 'a positive number'}, got "${value}"`,
  );
  return v;
}

/**
 * The order options of a request (`--orders`, `--order-rate`), with their defaults.
 * @example orderLoadSettings({ orderRate: '20' }) // { orders: 100, orderRate: 20 }
 */
export function orderLoadSettings(options: Readonly<Record<string, string | undefined>>): OrderLoadSettings {
  return {
    orders: optionNumber('orders', options.orders, true) ?? ORDER_LOAD_DEFAULTS.orders,
    orderRate: optionNumber('order-rate', options.orderRate, false) ?? ORDER_LOAD_DEFAULTS.orderRate,
  };
}

/** The positions 0 … count−1 in a seeded order (Fisher–Yates). */
function shuffled(rng: Rng, count: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * The orders of a run (see the module comment). Pure and deterministic.
 * @example planOrders({ orders: 40, invalidRatio: 0.05, seed: 7, nowMs, customerPrefix: 's7-' }).filter((o) => o.expected !== 'accepted').length // 2
 */
export function planOrders(request: OrderPlanRequest): PlannedOrder[] {
  const count = Math.max(0, Math.floor(request.orders));
  // A stream of its own: the events' generator draws from the seed as it is.
  const rng = createRng((request.seed ^ 0x6f726473) >>> 0);
  const tag = `${Math.abs(Math.trunc(request.seed)).toString(36)}-${Math.floor(request.nowMs).toString(36)}`;
  const invalidCount = Math.min(count, Math.round(count * request.invalidRatio));
  const positions = shuffled(rng, count);
  const invalid = new Set(positions.slice(0, invalidCount));
  const valid = positions.slice(invalidCount);
  const keyedCount = Math.round(valid.length * ORDER_LOAD_DEFAULTS.keyedShare);
  const retriedCount =
    keyedCount === 0 ? 0 : Math.max(1, Math.round(keyedCount * ORDER_LOAD_DEFAULTS.retriedShare));
  const keyed = new Set(valid.slice(0, keyedCount));
  const retried = new Set(valid.slice(0, retriedCount));
  const kinds = shuffled(rng, BAD_REQUESTS.length).map((i) => BAD_REQUESTS[i]!);

  const plan: PlannedOrder[] = [];
  let invalidSeen = 0;
  for (let index = 0; index < count; index++) {
    const correlation = { 'x-correlation-id': `orion-run-${tag}-order-${index}` };
    // Drawn for every position, so that the valid orders do not depend on which ones are invalid.
    const order = sampleOrder(rng, {
      customerId: `${request.customerPrefix}c-${rng.int(100_000, 999_999)}`,
    });
    if (invalid.has(index)) {
      const bad = kinds[invalidSeen++ % kinds.length]!;
      plan.push({
        index,
        kind: bad.kind,
        expected: bad.code,
        body: bad.body,
        headers: { 'content-type': 'application/json', ...correlation, ...(bad.headers ?? {}) },
        retried: false,
      });
      continue;
    }
    plan.push({
      index,
      kind: 'valid',
      expected: 'accepted',
      body: JSON.stringify(order),
      headers: {
        'content-type': 'application/json',
        ...correlation,
        ...(keyed.has(index) ? { [HEADER.idempotencyKey]: `orion-${tag}-${index}` } : {}),
      },
      retried: retried.has(index),
    });
  }
  return plan;
}

/** An answer of the API, once read. */
interface Answer {
  readonly status: number;
  readonly body: string;
  readonly replayed: boolean;
  /** `Retry-After`, seconds, when the answer has a valid one. */
  readonly retryAfterSeconds?: number;
  /** When it was read, epoch ms. */
  readonly atMs: number;
}

/** The `order_id` of a 202 body, or `undefined`. */
function orderIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { order_id?: unknown }).order_id;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The reason code of a problem document, else `HTTP <status>` (a gateway answer has none). */
function reasonOf(answer: Answer): string {
  try {
    const code = (JSON.parse(answer.body) as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
  } catch {
    // not a problem document
  }
  return `HTTP ${answer.status}`;
}

function add(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function emptyTally(planned: number): OrderTally {
  return {
    planned,
    posted: 0,
    requests: 0,
    accepted: 0,
    rejected: 0,
    rejectedByReason: {},
    retried: 0,
    replayed: 0,
    retryCreatedOrder: 0,
    retryOther: {},
    throttled: 0,
    unanswered: {},
    unexpected: 0,
    unexpectedSamples: [],
    accepted202: new Map(),
  };
}

/** Longest pause before sending a throttled order again, ms. */
const MAX_RETRY_PAUSE_MS = 5_000;

/** Most unexpected answers the tally keeps as samples. */
const UNEXPECTED_SAMPLES = 5;

/**
 * The order part of a load: its plan and its driver. `expected` is the load's map of tracked ids,
 * which the driver fills with the accepted orders (answer time as their start).
 * @example const orders = createOrderLoad(settings, plan, load.expected); await orders.drive(context);
 */
export function createOrderLoad(
  settings: OrderLoadSettings,
  plan: readonly PlannedOrder[],
  expected: Map<string, number>,
  deps: OrderLoadDeps = {},
): OrderLoad {
  const now = deps.now ?? Date.now;
  const tally = emptyTally(plan.length);
  const invalid = plan.filter((o) => o.expected !== 'accepted').length;
  const retries = plan.filter((o) => o.retried).length;
  const keyed = plan.filter((o) => o.expected === 'accepted' && o.headers[HEADER.idempotencyKey]).length;

  const track = (orderId: string, atMs: number): void => {
    const id = orderLandingId(orderId);
    if (tally.accepted202.has(id)) return;
    tally.accepted202.set(id, atMs);
    expected.set(id, atMs);
  };

  const unexpected = (order: PlannedOrder, got: string): void => {
    tally.unexpected++;
    if (tally.unexpectedSamples.length < UNEXPECTED_SAMPLES) {
      tally.unexpectedSamples.push(`${order.kind}: ${order.expected} → ${got}`);
    }
  };

  return {
    settings,
    plan,
    tally,
    description:
      `${n(plan.length)} orders via POST ${CREATE_ORDER_ROUTE.path} at ${settings.orderRate}/s ` +
      `(${n(invalid)} invalid, ${n(keyed)} with an Idempotency-Key, ${n(retries)} sent twice)`,

    async drive(context: LocalRunDriveContext): Promise<LocalRunDriveResult> {
      const { signal } = context;
      const fetchOrder = deps.fetch ?? globalThis.fetch;
      const base = context.httpApis[ORDERS_API.name];
      if (plan.length > 0 && base === undefined) {
        throw new Error(
          `the ${ORDERS_API.name} HTTP API is not running (APIs: ${Object.keys(context.httpApis).join(', ') || 'none'})`,
        );
      }
      const url = `${base}${CREATE_ORDER_ROUTE.path}`;

      /** One POST, sent again while the API throttles it (or, with a key, while it says "retry"). */
      const post = async (order: PlannedOrder): Promise<Answer | string> => {
        const resendable = order.headers[HEADER.idempotencyKey] !== undefined;
        for (let attempt = 1; ; attempt++) {
          if (signal.aborted) return 'aborted';
          tally.requests++;
          let answer: Answer;
          try {
            const response = await fetchOrder(url, {
              method: CREATE_ORDER_ROUTE.method,
              headers: order.headers,
              body: order.body,
              signal,
            });
            const body = await response.text();
            const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
            answer = {
              status: response.status,
              body,
              replayed: response.headers.get(HEADER.idempotentReplayed) === 'true',
              atMs: now(),
              ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
            };
          } catch (error) {
            return signal.aborted ? 'aborted' : `network error (${(error as Error).name})`;
          }
          const again =
            answer.status === 429 || (resendable && (answer.status === 409 || answer.status === 503));
          if (!again) return answer;
          if (answer.status === 429) tally.throttled++;
          if (attempt >= ORDER_LOAD_DEFAULTS.maxAttempts)
            return `HTTP ${answer.status} after ${attempt} attempts`;
          try {
            // The answer's Retry-After (capped), else a short growing pause.
            const pauseMs =
              answer.retryAfterSeconds !== undefined
                ? Math.min(answer.retryAfterSeconds * 1000, MAX_RETRY_PAUSE_MS)
                : 250 * attempt;
            await delay(pauseMs, undefined, { signal });
          } catch {
            return 'aborted';
          }
        }
      };

      const run = async (order: PlannedOrder): Promise<void> => {
        tally.posted++;
        const first = await post(order);
        if (typeof first === 'string') {
          add(tally.unanswered, first);
          return;
        }
        if (first.status === 202) {
          const orderId = orderIdOf(first.body);
          if (orderId === undefined) {
            add(tally.unanswered, '202 without an order id');
            return;
          }
          tally.accepted++;
          track(orderId, first.atMs);
          if (order.expected !== 'accepted') unexpected(order, 'accepted');
          if (!order.retried) return;
          tally.retried++;
          const second = await post(order);
          if (typeof second === 'string') {
            add(tally.retryOther, second);
          } else if (second.status === 202 && orderIdOf(second.body) === orderId && second.replayed) {
            tally.replayed++;
          } else if (
            second.status === 202 &&
            orderIdOf(second.body) !== undefined &&
            orderIdOf(second.body) !== orderId
          ) {
            tally.retryCreatedOrder++;
            track(orderIdOf(second.body)!, second.atMs);
          } else {
            add(tally.retryOther, `HTTP ${second.status}${second.replayed ? '' : ' (not replayed)'}`);
          }
          return;
        }
        if (first.status >= 400 && first.status < 500) {
          const reason = reasonOf(first);
          tally.rejected++;
          add(tally.rejectedByReason, reason);
          if (order.expected !== reason) unexpected(order, reason);
          return;
        }
        add(tally.unanswered, `HTTP ${first.status}`);
      };

      const startedAt = now();
      const inFlight = new Set<Promise<void>>();
      for (const order of plan) {
        const wait = startedAt + (order.index * 1000) / settings.orderRate - now();
        if (wait > 0) {
          try {
            await delay(wait, undefined, { signal });
          } catch {
            break; // aborted
          }
        }
        if (signal.aborted) break;
        while (inFlight.size >= ORDER_LOAD_DEFAULTS.maxInFlight) await Promise.race(inFlight);
        const task: Promise<void> = run(order).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
      await Promise.all(inFlight);
      const unanswered = Object.values(tally.unanswered).reduce((a, b) => a + b, 0);
      return {
        sent: tally.requests,
        entered: tally.accepted202.size,
        byOutcome: {
          accepted: tally.accepted,
          replayed: tally.replayed,
          rejected: tally.rejected,
          ...(tally.throttled > 0 ? { throttled: tally.throttled } : {}),
          ...(unanswered > 0 ? { unanswered } : {}),
          ...(tally.retryCreatedOrder > 0 ? { 'retry created an order': tally.retryCreatedOrder } : {}),
        },
      };
    },
  };
}
