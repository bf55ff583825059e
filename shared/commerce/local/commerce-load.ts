/**
 * The commerce pipeline's generated load for local runs (`npm start -- --pipeline commerce`,
 * `orion generate --pipeline commerce`): the deterministic commerce generator — Sprint-1 event
 * mix, derived checkout → payment → order chains, typed defects at the run's invalid ratio,
 * injected fraud patterns with their ground truth — produced to `raw-events`, keyed by user id.
 *
 * What the load decides beyond the generator:
 * - **Size.** `--count` is the number of Sprint-1 events drawn, as in the seed; the chains and
 *   the fraud customers' payments come on top, so the load says its own {@link CommerceLoad.size}.
 * - **Timeline.** Event time runs `--event-rate` Sprint-1 events per second of event time, i.e.
 *   `speed`× faster than the wall clock at the run's rate. The whole timeline is put in the past
 *   (it ends when the load is created): whatever the speed, no valid event is ever more than the
 *   validator's 5-minute skew ahead of the clock (README of `shared/commerce`). A dry run of the
 *   generator measures its span and size: the generator is deterministic and another start only
 *   shifts its timestamps.
 * - **Customers of this run.** User ids get a prefix derived from the seed (`s<seed>-100042`):
 *   the fraud stage keeps per-customer windows in DynamoDB across runs, and a shopper of an
 *   earlier run with the same generator id would otherwise add its payments to this run's
 *   windows (false alerts, or patterns taken for redeliveries).
 * - **Orders through the ORDER API.** `--orders` orders (default 100; 0: none) posted to
 *   `POST /orders` at `--order-rate` beside the Kafka generation (`drive`, `order-load.ts`), the
 *   run's `--invalid-ratio` of them bad requests, some sent twice with their `Idempotency-Key`;
 *   each accepted order is tracked to the event store like a generated event.
 */
import type {
  LoadRecord,
  LoadRequest,
  LocalRunDriveContext,
  LocalRunLoad,
} from '../../pipeline/local-run.ts';
import { requireOption } from '../errors.ts';
import { FRAUD_RULES, type FraudRule } from '../fraud/rules.ts';
import { DEFAULT_FRAUD_THRESHOLDS, type FraudThresholds } from '../fraud/thresholds.ts';
import {
  CommerceGenerator,
  type CommerceGeneratorOptions,
  type FraudGroundTruth,
  type GeneratedRecord,
} from '../generator/commerce-generator.ts';
import type { RejectReason } from '../reason-codes.ts';
import { COMMERCE_TOPIC } from '../routing.ts';
import type { CommerceEvent } from '../schemas.ts';
import { encodeEvent } from '../serialize.ts';
import { landingIdOf } from './landing.ts';
import {
  createOrderLoad,
  type OrderLoad,
  type OrderLoadDeps,
  orderLoadSettings,
  planOrders,
} from './order-load.ts';

/** Event rate (Sprint-1 events per second of event time) of a run at full speed: the generator's default. */
export const DEFAULT_EVENT_RATE = 100;

/** Sprint-1 events per injected fraud customer by default. */
const EVENTS_PER_FRAUD_CUSTOMER = 250;
const MIN_FRAUD_CUSTOMERS = 4;
const MAX_FRAUD_CUSTOMERS = 200;

/** One record of the load, with where it must land when it is valid. */
export interface CommerceLoadRecord extends LoadRecord {
  readonly expected: 'valid' | RejectReason;
  /** The tracking id of a valid event ({@link landingIdOf}); absent for an invalid record. */
  readonly landing?: string;
}

/** The options of a commerce load, parsed. */
export interface CommerceLoadSettings {
  /** Sprint-1 events per second of event time. */
  readonly eventRate: number;
  readonly fraudCustomers: number;
  readonly fraudPatterns: readonly FraudRule[];
  /** Shopper pool; unset: the generator's. */
  readonly customers?: number;
  /** Orders posted to the ORDER API (`--orders`); 0: none. */
  readonly orders: number;
  /** Orders per second (`--order-rate`). */
  readonly orderRate: number;
}

/** The load of one commerce run. */
export interface CommerceLoad extends LocalRunLoad {
  /** Records in all: Sprint-1 events, derived chains, fraud patterns. */
  readonly size: number;
  next(count: number): readonly CommerceLoadRecord[];
  readonly settings: CommerceLoadSettings;
  /** The injected fraud patterns, with the run's customer ids. */
  readonly groundTruth: readonly FraudGroundTruth[];
  /** The fraud thresholds the patterns were shaped for (the fraud stage's). */
  readonly thresholds: FraudThresholds;
  /** Event time of the first and the last record, epoch ms. */
  readonly timeline: { readonly startMs: number; readonly endMs: number };
  /** The run's user id of a generator customer id. */
  customerIdOf(generatorId: string): string;
  /** The orders posted to the ORDER API; absent with `--orders 0`. */
  readonly orders?: OrderLoad;
}

/** Options of {@link createCommerceLoad} that tests pin. */
export interface CommerceLoadClock {
  /** "Now": the timeline ends here. @default Date.now() */
  readonly nowMs?: number;
  /** @default DEFAULT_FRAUD_THRESHOLDS (what the fraud stage runs with) */
  readonly thresholds?: FraudThresholds;
  /** What the order driver posts with and its clock. @default the global fetch, Date.now */
  readonly orders?: OrderLoadDeps;
}

const n = (v: number) => v.toLocaleString('en-US');

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = Number(value);
  requireOption(Number.isFinite(v) && v > 0, `--${name} must be a positive number, got "${value}"`);
  return v;
}

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = Number(value);
  requireOption(Number.isInteger(v) && v >= 0, `--${name} must be a whole number ≥ 0, got "${value}"`);
  return v;
}

/**
 * Parses `--fraud-patterns velocity,amount_outlier` (or `all`).
 * @example parseFraudPatterns('velocity') // ['VELOCITY']
 */
export function parseFraudPatterns(value: string | undefined): FraudRule[] {
  if (value === undefined || value.trim() === '' || value.trim() === 'all') return [...FRAUD_RULES];
  const names = value.split(',').map((p) => p.trim().toUpperCase().replaceAll('-', '_'));
  for (const name of names) {
    requireOption(
      (FRAUD_RULES as readonly string[]).includes(name),
      `unknown fraud pattern "${name}"; patterns are: ${FRAUD_RULES.join(', ')}`,
    );
  }
  return names as FraudRule[];
}

/**
 * The settings of a request: the module's options, with their defaults.
 * @example commerceLoadSettings({ count: 3000, rate: 1000, invalidRatio: 0.05, seed: 1, options: {} }).fraudCustomers // 12
 * @example commerceLoadSettings({ count: 3000, rate: 1000, invalidRatio: 0.05, seed: 1, options: { orders: '0' } }).orders // 0
 */
export function commerceLoadSettings(request: LoadRequest): CommerceLoadSettings {
  const o = request.options;
  const speed = request.speed ?? 1;
  requireOption(Number.isFinite(speed) && speed > 0, `speed must be a positive number, got ${speed}`);
  const eventRate =
    positiveNumber('event-rate', o.eventRate) ??
    (request.rate > 0 ? request.rate / speed : DEFAULT_EVENT_RATE);
  const fraudCustomers =
    wholeNumber('fraud-customers', o.fraudCustomers) ??
    (request.count === 0
      ? 0
      : Math.min(
          MAX_FRAUD_CUSTOMERS,
          Math.max(MIN_FRAUD_CUSTOMERS, Math.round(request.count / EVENTS_PER_FRAUD_CUSTOMER)),
        ));
  const customers = wholeNumber('customers', o.customers);
  return {
    eventRate,
    fraudCustomers,
    fraudPatterns: parseFraudPatterns(o.fraudPatterns),
    ...(customers !== undefined ? { customers } : {}),
    ...orderLoadSettings(o),
  };
}

/**
 * Event time the dry run starts at. Any start gives the same offsets; this one is in the same
 * power-of-two range of epoch ms as today's (2^40–2^41, until 2039), so even the floating-point
 * roundings of the simulated clock are the same as the real run's.
 */
const PROBE_START_MS = Date.UTC(2026, 0, 1);

/** Records and event-time span of a generator run (a dry run: nothing is kept). */
function measure(options: CommerceGeneratorOptions): { records: number; spanMs: number } {
  const generator = new CommerceGenerator(options);
  let records = 0;
  let last = options.startMs;
  for (let r = generator.next(); r !== undefined; r = generator.next()) {
    records++;
    last = r.timestampMs;
  }
  return { records, spanMs: last - options.startMs };
}

/**
 * The load of one run (see the module comment). Throws INVALID_OPTIONS on a bad option.
 * @example createCommerceLoad({ count: 3000, rate: 1000, invalidRatio: 0.05, seed: 7, options: {} }).next(100)
 */
export function createCommerceLoad(request: LoadRequest, clock: CommerceLoadClock = {}): CommerceLoad {
  requireOption(
    request.invalidRatio >= 0 && request.invalidRatio <= 1,
    `--invalid-ratio must be between 0 and 1, got ${request.invalidRatio}`,
  );
  const settings = commerceLoadSettings(request);
  const thresholds = clock.thresholds ?? DEFAULT_FRAUD_THRESHOLDS;
  const nowMs = Math.floor(clock.nowMs ?? Date.now());
  const base: Omit<CommerceGeneratorOptions, 'startMs'> = {
    seed: request.seed,
    count: request.count,
    ratePerSecond: settings.eventRate,
    invalidRatio: request.invalidRatio,
    fraudCustomers: settings.fraudCustomers,
    fraudPatterns: settings.fraudPatterns,
    thresholds,
    ...(settings.customers !== undefined ? { customers: settings.customers } : {}),
  };
  const { records: size, spanMs } = measure({ ...base, startMs: PROBE_START_MS });
  const startMs = nowMs - spanMs - 1;
  const generator = new CommerceGenerator({ ...base, startMs });

  const prefix = `s${Math.abs(Math.trunc(request.seed)).toString(36)}-`;
  const customerIdOf = (id: string) => `${prefix}${id}`;
  const groundTruth = generator
    .groundTruth()
    .map((truth) => ({ ...truth, customerId: customerIdOf(truth.customerId) }));

  const toLoadRecord = (r: GeneratedRecord): CommerceLoadRecord => {
    const key = customerIdOf(r.key);
    if (r.expected === 'valid' && r.event !== undefined) {
      // Explicit copy, then one field: the event as the generator made it, in this run's customers.
      const event = { ...r.event, user_id: key } as CommerceEvent;
      return {
        topic: COMMERCE_TOPIC.rawEvents,
        key,
        value: Buffer.from(encodeEvent(event)),
        expected: 'valid',
        landing: landingIdOf(event),
      };
    }
    return {
      topic: COMMERCE_TOPIC.rawEvents,
      key,
      value: r.value === null ? null : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
      expected: r.expected,
    };
  };

  const expected = new Map<string, number>();
  const orders =
    settings.orders > 0
      ? createOrderLoad(
          settings,
          planOrders({
            orders: settings.orders,
            invalidRatio: request.invalidRatio,
            seed: request.seed,
            nowMs,
            customerPrefix: prefix,
          }),
          expected,
          clock.orders,
        )
      : undefined;
  const speedup = settings.eventRate > 0 && request.rate > 0 ? request.rate / settings.eventRate : undefined;
  return {
    description:
      `${n(size)} commerce events (${n(request.count)} Sprint-1 events, their checkout/payment/order chains, ` +
      `${settings.fraudCustomers} fraud customer${settings.fraudCustomers === 1 ? '' : 's'} ` +
      `[${settings.fraudPatterns.join(', ')}]) at ${request.rate > 0 ? `${request.rate}/s` : 'full speed'}, ` +
      `${(request.invalidRatio * 100).toFixed(1)} % invalid, event time ${settings.eventRate}/s` +
      `${speedup !== undefined ? ` (≈ ${speedup.toFixed(speedup < 10 ? 1 : 0)}× the wall clock)` : ''}, ` +
      `ending now, seed ${request.seed}${orders ? `; and, where the ORDER API runs (npm start), ${orders.description}` : ''}`,
    size,
    settings,
    groundTruth,
    thresholds,
    timeline: { startMs, endMs: startMs + spanMs },
    customerIdOf,
    ...(orders ? { orders, drive: (context: LocalRunDriveContext) => orders.drive(context) } : {}),
    next(count: number): CommerceLoadRecord[] {
      const out: CommerceLoadRecord[] = [];
      for (let i = 0; i < count; i++) {
        const r = generator.next();
        if (r === undefined) break;
        out.push(toLoadRecord(r));
      }
      return out;
    },
    acknowledged(records: readonly LoadRecord[], atMs: number): void {
      for (const r of records as readonly CommerceLoadRecord[]) {
        if (r.landing !== undefined && !expected.has(r.landing)) expected.set(r.landing, atMs);
      }
    },
    expected,
    // Event ids are drawn from the seeded source: two events of one run never share one.
    duplicatesAmong: () => 0,
  };
}
