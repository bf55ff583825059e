/**
 * The synthetic commerce generator, deterministic from its seed. It draws Sprint-1 events with
 * the seed's weights on a simulated timeline (Poisson arrivals at `ratePerSecond`), derives for
 * every valid `transaction` the KiVendTout chain `checkout → payment_attempt →
 * payment_success | payment_failure → order_completed` (on success; same order id, amount,
 * currency and customer), turns a share of events into typed defects, and injects fraud
 * patterns on chosen customers whose ground truth it returns. Records come out in time order,
 * each customer's timestamps strictly increasing, with the send offset for the chosen speed.
 *
 * Clean traffic is kept clearly below the fraud thresholds it is given: a clean customer pays
 * at most once per half velocity window (≤ 2 attempts per window), fails at most once per
 * failure window, pays with one card from one device, and spends within ×0.8–2.5 of a personal
 * level (median ratio ≤ 3.2 < the outlier factor). Fraud customers make no clean payments.
 *
 * Timestamps are `startMs` plus offsets that depend on the seed and options only, so another
 * `startMs` shifts every timestamp by the same amount. At speed 1 with `startMs` = now, event
 * time follows the wall clock; at higher speeds it runs ahead, so a caller that must stay
 * within the validator's future skew starts the timeline in the past.
 */
import { DEFAULT_MAX_EVENT_BYTES, SESSION_TIMEOUT_MS } from '../constants.ts';
import { type CurrencyCode, roundToMinorUnit } from '../currency.ts';
import { requireOption } from '../errors.ts';
import {
  type EventType,
  type PaymentEventType,
  SPRINT1_EVENT_WEIGHTS,
  USER_EVENT_TYPES,
  type UserEventType,
} from '../events.ts';
import { FRAUD_RULE, FRAUD_RULES, type FraudRule } from '../fraud/rules.ts';
import { DEFAULT_FRAUD_THRESHOLDS, type FraudThresholds } from '../fraud/thresholds.ts';
import { type Speed, sendOffsetMs } from '../pacing.ts';
import type { RejectReason } from '../reason-codes.ts';
import type {
  CommerceEvent,
  DeviceType,
  FailureReason,
  FilterValue,
  PaymentEvent,
  PaymentMethod,
} from '../schemas.ts';
import { encodeEvent } from '../serialize.ts';
import {
  CATEGORIES,
  type Category,
  CURRENCIES,
  DEVICE_TYPE_WEIGHTS,
  FAILURE_REASON_WEIGHTS,
  PAYMENT_METHOD_WEIGHTS,
  RATING_WEIGHTS,
  REVIEW_PHRASES,
} from './catalog.ts';
import { applyDefect, DEFECT_KINDS, DEFECTS, type DefectKind, defectApplies } from './defects.ts';
import { createRng, type Rng } from './prng.ts';
import { ScheduleQueue } from './schedule-queue.ts';

/** Options of a {@link CommerceGenerator}. */
export interface CommerceGeneratorOptions {
  /** PRNG seed: same seed and options, same records (byte for byte). */
  readonly seed: number;
  /** Event time of the timeline's start, epoch ms (the injected clock). */
  readonly startMs: number;
  /** Number of Sprint-1 events drawn (`origin: 'primary'`); derived and fraud events come on top. */
  readonly count: number;
  /** Simulated arrival rate of Sprint-1 events, per second of event time. @default 100 */
  readonly ratePerSecond?: number;
  /** Pacing: send offset = (timestamp − startMs) / speed; `'max'`: all zero. @default 1 */
  readonly speed?: Speed;
  /** Shopper pool. @default enough for clean customers to respect their payment spacing (≥ 1,000) */
  readonly customers?: number;
  /** Mix of Sprint-1 event types. @default {@link SPRINT1_EVENT_WEIGHTS} */
  readonly weights?: Readonly<Record<UserEventType, number>>;
  /** Share of clean payment attempts declined. @default 0.06 */
  readonly paymentFailureRate?: number;
  /** Share (0–1) of Sprint-1 events turned into a defect. @default 0 */
  readonly invalidRatio?: number;
  /** Defects to draw from, uniformly among those that apply to the event's type. @default all */
  readonly defects?: readonly DefectKind[];
  /** Customers with an injected fraud pattern (one pattern each). @default 0 */
  readonly fraudCustomers?: number;
  /** Patterns assigned round-robin to the fraud customers. @default every rule */
  readonly fraudPatterns?: readonly FraudRule[];
  /** The thresholds the fraud stage runs with; patterns exceed them, clean traffic stays below. @default DEFAULT_FRAUD_THRESHOLDS */
  readonly thresholds?: FraudThresholds;
  /** Size limit of the validator (the `oversized` defect is one byte more). @default 1 MiB */
  readonly maxBytes?: number;
}

/** Where a record comes from. */
export type RecordOrigin = 'primary' | 'derived' | 'fraud';

/** One generated record, ready to produce to `raw-events`, with what validation must conclude. */
export interface GeneratedRecord {
  /** Kafka key: the customer id. */
  readonly key: string;
  /** Kafka value (null for the `null_value` defect). */
  readonly value: Uint8Array | null;
  /** The event's type (before any defect). */
  readonly eventType: EventType;
  /** The event, for valid records. */
  readonly event?: CommerceEvent;
  /** `'valid'` or the reason validation must reject it with. */
  readonly expected: 'valid' | RejectReason;
  readonly defect?: DefectKind;
  readonly origin: RecordOrigin;
  /** Event time (the record's place on the timeline), epoch ms. */
  readonly timestampMs: number;
  /** When to send it, ms after the run starts. */
  readonly sendOffsetMs: number;
}

/** An injected fraud pattern, as the fraud rules should find it. */
export interface FraudGroundTruth {
  readonly customerId: string;
  readonly pattern: FraudRule;
  /** Event time of the pattern's first payment attempt. */
  readonly windowStartMs: number;
  /** Event time of the pattern's last payment event. */
  readonly windowEndMs: number;
  /** The pattern's payment event ids. */
  readonly eventIds: readonly string[];
}

/** Counts of a run so far. */
export interface GeneratorSummary {
  readonly records: number;
  readonly byOrigin: Readonly<Record<RecordOrigin, number>>;
  /** Valid records per event type. */
  readonly validByType: Readonly<Partial<Record<EventType, number>>>;
  /** Invalid records per expected reason. */
  readonly invalidByReason: Readonly<Partial<Record<RejectReason, number>>>;
  /** Event time of the last record emitted. */
  readonly lastTimestampMs: number;
}

const CATEGORY_WEIGHTS = CATEGORIES.map((c) => c.weight);
const CURRENCY_WEIGHTS = CURRENCIES.map((c) => c.weight);

/** Longest checkout→order chain at pace 1: 8 + 4 + 3 + 1.5 s. */
const CHAIN_MAX_MS = 16_500;
const CHAIN_DELAYS: readonly (readonly [number, number])[] = [
  [2000, 8000],
  [1000, 4000],
  [500, 3000],
  [200, 1500],
];

interface Session {
  id: string;
  deviceType: Exclude<DeviceType, 'unknown'>;
  lastMs: number;
}

interface Customer {
  readonly id: string;
  readonly currency: CurrencyCode;
  readonly perEuro: number;
  /** Typical spend per purchase, EUR. */
  readonly spendLevel: number;
  readonly method: PaymentMethod;
  readonly card: string | undefined;
  readonly payDevice: string;
  readonly deviceTypes: readonly Exclude<DeviceType, 'unknown'>[];
  readonly favourites: readonly Category[];
  fraud: boolean;
  lastMs: number;
  nextPurchaseMs: number;
  lastFailureMs: number;
  session: Session | undefined;
}

interface Pending {
  readonly customer: Customer;
  readonly eventType: EventType;
  readonly origin: RecordOrigin;
  readonly event: CommerceEvent | undefined;
  readonly value: Uint8Array | null;
  readonly expected: 'valid' | RejectReason;
  readonly defect: DefectKind | undefined;
}

interface Purchase {
  readonly customer: Customer;
  readonly atMs: number;
  readonly category: Category;
  /** Unit price, EUR. */
  readonly priceEur: number;
  readonly quantity: number;
  readonly method: PaymentMethod;
  readonly card: string | undefined;
  readonly device: string;
  readonly failure: FailureReason | undefined;
  readonly origin: RecordOrigin;
  /** Scale of the chain's step delays (fraud patterns with short windows compress them). */
  readonly pace: number;
}

/**
 * A streaming generator: `next()` until `undefined`, or iterate.
 * @example
 * const gen = new CommerceGenerator({ seed: 42, startMs: Date.now(), count: 20_000, invalidRatio: 0.05, fraudCustomers: 12 });
 * for (const r of gen) await sendAt(r.sendOffsetMs, { topic: 'raw-events', key: r.key, value: r.value });
 * const truth = gen.groundTruth();
 */
export class CommerceGenerator implements Iterable<GeneratedRecord> {
  private readonly rng: Rng;
  private readonly startMs: number;
  private readonly meanGapMs: number;
  private readonly speed: Speed;
  private readonly weights: Readonly<Record<UserEventType, number>>;
  private readonly failureRate: number;
  private readonly invalidRatio: number;
  private readonly defects: readonly DefectKind[];
  private readonly thresholds: FraudThresholds;
  private readonly maxBytes: number;
  private readonly customers: Customer[];
  private readonly queue = new ScheduleQueue<Pending>();
  private readonly truth: FraudGroundTruth[] = [];
  private clockMs: number;
  private primariesLeft: number;
  private emitted = 0;
  private lastTimestampMs: number;
  private readonly byOrigin: Record<RecordOrigin, number> = { primary: 0, derived: 0, fraud: 0 };
  private readonly validByType: Partial<Record<EventType, number>> = {};
  private readonly invalidByReason: Partial<Record<RejectReason, number>> = {};

  constructor(options: CommerceGeneratorOptions) {
    const rate = options.ratePerSecond ?? 100;
    const t = options.thresholds ?? DEFAULT_FRAUD_THRESHOLDS;
    requireOption(Number.isInteger(options.count) && options.count >= 0, 'count must be an integer ≥ 0');
    requireOption(Number.isFinite(options.startMs), 'startMs must be an epoch ms');
    requireOption(Number.isFinite(rate) && rate > 0, 'ratePerSecond must be > 0');
    requireOption(
      t.amountOutlierFactor > 3.2,
      'the generator needs amountOutlierFactor > 3.2 to keep clean spend below it',
    );
    this.invalidRatio = options.invalidRatio ?? 0;
    requireOption(this.invalidRatio >= 0 && this.invalidRatio <= 1, 'invalidRatio must be within 0–1');
    this.failureRate = options.paymentFailureRate ?? 0.06;
    requireOption(this.failureRate >= 0 && this.failureRate <= 1, 'paymentFailureRate must be within 0–1');
    this.defects = options.defects ?? DEFECT_KINDS;
    requireOption(this.defects.length > 0 || this.invalidRatio === 0, 'defects must not be empty');
    this.weights = options.weights ?? SPRINT1_EVENT_WEIGHTS;
    requireOption(
      USER_EVENT_TYPES.every((type) => (this.weights[type] ?? 0) >= 0) &&
        USER_EVENT_TYPES.some((type) => this.weights[type] > 0),
      'weights must be ≥ 0 with at least one positive',
    );
    const fraudCount = options.fraudCustomers ?? 0;
    const patterns = options.fraudPatterns ?? FRAUD_RULES;
    requireOption(Number.isInteger(fraudCount) && fraudCount >= 0, 'fraudCustomers must be an integer ≥ 0');
    requireOption(fraudCount === 0 || patterns.length > 0, 'fraudPatterns must not be empty');

    this.rng = createRng(options.seed);
    this.startMs = options.startMs;
    this.clockMs = options.startMs;
    this.lastTimestampMs = options.startMs;
    this.meanGapMs = 1000 / rate;
    this.speed = options.speed ?? 1;
    sendOffsetMs(0, 0, this.speed); // checks the speed
    this.thresholds = t;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.primariesLeft = options.count;

    // Each clean purchase blocks its customer for half a velocity window plus one chain.
    const share = (this.weights.transaction ?? 0) / USER_EVENT_TYPES.reduce((s, k) => s + this.weights[k], 0);
    const needed = Math.ceil(2 * rate * share * ((t.velocityWindowMs / 2 + CHAIN_MAX_MS) / 1000));
    const poolSize = options.customers ?? Math.max(1000, needed) + fraudCount;
    requireOption(
      Number.isInteger(poolSize) && poolSize > fraudCount,
      'customers must exceed fraudCustomers',
    );
    this.customers = Array.from({ length: poolSize }, (_, i) => this.newCustomer(i));

    const spanMs = (options.count / rate) * 1000;
    const fraudIndexes = this.sample(poolSize, fraudCount);
    fraudIndexes.forEach((index, i) => {
      const customer = this.customers[index]!;
      customer.fraud = true;
      const pattern = patterns[i % patterns.length]!;
      this.injectPattern(customer, pattern, this.startMs + Math.floor((spanMs * (i + 0.5)) / fraudCount));
    });
  }

  /** The injected fraud patterns (known from construction on). @example gen.groundTruth().length */
  groundTruth(): readonly FraudGroundTruth[] {
    return this.truth;
  }

  /** Counts so far (complete once `next()` returned `undefined`). @example gen.summary().byOrigin.derived */
  summary(): GeneratorSummary {
    return {
      records: this.emitted,
      byOrigin: { ...this.byOrigin },
      validByType: { ...this.validByType },
      invalidByReason: { ...this.invalidByReason },
      lastTimestampMs: this.lastTimestampMs,
    };
  }

  /** The next record in time order, or `undefined` when the run is over. @example const r = gen.next() */
  next(): GeneratedRecord | undefined {
    for (;;) {
      const top = this.queue.peek();
      if (top !== undefined && (this.primariesLeft === 0 || top.at <= this.clockMs)) {
        this.queue.pop();
        return this.emit(top.at, top.item);
      }
      if (this.primariesLeft === 0) return undefined;
      this.clockMs += this.rng.exponential(this.meanGapMs);
      this.primariesLeft--;
      this.drawPrimary(this.clockMs);
    }
  }

  /** Iterates the remaining records. @example for (const record of new CommerceGenerator(opts)) send(record) */
  *[Symbol.iterator](): Iterator<GeneratedRecord> {
    for (let record = this.next(); record !== undefined; record = this.next()) yield record;
  }

  private emit(at: number, pending: Pending): GeneratedRecord {
    this.emitted++;
    this.byOrigin[pending.origin]++;
    if (pending.expected === 'valid') {
      this.validByType[pending.eventType] = (this.validByType[pending.eventType] ?? 0) + 1;
    } else {
      this.invalidByReason[pending.expected] = (this.invalidByReason[pending.expected] ?? 0) + 1;
    }
    this.lastTimestampMs = at;
    const record: { -readonly [K in keyof GeneratedRecord]: GeneratedRecord[K] } = {
      key: pending.customer.id,
      value:
        pending.event !== undefined && pending.expected === 'valid'
          ? encodeEvent(pending.event)
          : pending.value,
      eventType: pending.eventType,
      expected: pending.expected,
      origin: pending.origin,
      timestampMs: at,
      sendOffsetMs: sendOffsetMs(at, this.startMs, this.speed),
    };
    if (pending.expected === 'valid') record.event = pending.event;
    else record.defect = pending.defect;
    return record;
  }

  // ── customers ────────────────────────────────────────────────────────────────────────────

  private newCustomer(index: number): Customer {
    const rng = this.rng;
    const currency = CURRENCIES[this.pickIndex(CURRENCY_WEIGHTS)]!;
    const method = rng.weighted(PAYMENT_METHOD_WEIGHTS);
    const primaryDevice = rng.weighted(DEVICE_TYPE_WEIGHTS);
    const deviceTypes: Exclude<DeviceType, 'unknown'>[] = rng.chance(0.3)
      ? [primaryDevice, primaryDevice === 'mobile' ? 'desktop' : 'mobile']
      : [primaryDevice];
    const favourites = [this.pickCategory(), this.pickCategory()];
    return {
      id: String(100_000 + index),
      currency: currency.code,
      perEuro: currency.perEuro,
      spendLevel: Math.exp(rng.between(Math.log(8), Math.log(400))),
      method,
      card: method === 'card' ? rng.hex(16) : undefined,
      payDevice: `dev_${rng.hex(10)}`,
      deviceTypes,
      favourites,
      fraud: false,
      lastMs: Number.NEGATIVE_INFINITY,
      nextPurchaseMs: Number.NEGATIVE_INFINITY,
      lastFailureMs: Number.NEGATIVE_INFINITY,
      session: undefined,
    };
  }

  /** `count` distinct indexes of `0…size−1`. */
  private sample(size: number, count: number): number[] {
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(this.rng.int(0, size - 1));
    return [...chosen].sort((a, b) => a - b);
  }

  private pickIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.rng.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  private pickCategory(): Category {
    return CATEGORIES[this.pickIndex(CATEGORY_WEIGHTS)]!;
  }

  /** A clean customer free to pay at `atMs`, else the one free soonest. */
  private payingCustomer(atMs: number): Customer {
    const n = this.customers.length;
    const start = this.rng.int(0, n - 1);
    let soonest: Customer | undefined;
    for (let k = 0; k < n; k++) {
      const c = this.customers[(start + k) % n]!;
      if (c.fraud) continue;
      if (c.nextPurchaseMs <= atMs) return c;
      if (soonest === undefined || c.nextPurchaseMs < soonest.nextPurchaseMs) soonest = c;
    }
    return soonest!;
  }

  /** The event time of a customer's next event, no earlier than `desiredMs`: strictly increasing per customer. */
  private stamp(customer: Customer, desiredMs: number): number {
    const at = Math.max(Math.floor(desiredMs), customer.lastMs + 1);
    customer.lastMs = at;
    return at;
  }

  private sessionOf(customer: Customer, atMs: number): Session {
    let session = customer.session;
    if (session === undefined || atMs - session.lastMs > SESSION_TIMEOUT_MS) {
      session = {
        id: `sess_${this.rng.hex(12)}`,
        deviceType: this.rng.pick(customer.deviceTypes),
        lastMs: atMs,
      };
      customer.session = session;
    }
    session.lastMs = atMs;
    return session;
  }

  private money(customer: Customer, eur: number): number {
    return roundToMinorUnit(eur * customer.perEuro, customer.currency);
  }

  // ── Sprint-1 events ──────────────────────────────────────────────────────────────────────

  private drawPrimary(clockMs: number): void {
    const type = this.rng.weighted(this.weights);
    const defective = this.invalidRatio > 0 && this.rng.chance(this.invalidRatio);
    if (type === 'transaction' && !defective) {
      const customer = this.payingCustomer(clockMs);
      this.purchase(this.cleanPurchase(customer, Math.max(clockMs, customer.nextPurchaseMs)));
      return;
    }
    const customer = this.rng.pick(this.customers);
    const at = this.stamp(customer, clockMs);
    const event = this.userEvent(type, customer, at);
    if (!defective) {
      this.schedule(at, customer, 'primary', event);
      return;
    }
    const kinds = this.defects.filter((kind) => defectApplies(kind, type));
    if (kinds.length === 0) {
      this.schedule(at, customer, 'primary', event);
      return;
    }
    const kind = this.rng.pick(kinds);
    this.queue.push(at, {
      customer,
      eventType: type,
      origin: 'primary',
      event: undefined,
      value: applyDefect(kind, event, this.maxBytes),
      expected: DEFECTS[kind],
      defect: kind,
    });
  }

  private schedule(at: number, customer: Customer, origin: RecordOrigin, event: CommerceEvent): void {
    this.queue.push(at, {
      customer,
      eventType: event.event_type,
      origin,
      event,
      value: null,
      expected: 'valid',
      defect: undefined,
    });
  }

  private browsedCategory(customer: Customer): Category {
    return this.rng.chance(0.6) ? this.rng.pick(customer.favourites) : this.pickCategory();
  }

  private itemOf(category: Category): string {
    return String(category.firstItemId + this.rng.int(0, category.items - 1));
  }

  private browsedPrice(category: Category): number {
    return Math.exp(this.rng.between(Math.log(category.minPrice), Math.log(category.maxPrice)));
  }

  /** A Sprint-1 event (for a `transaction` drawn as a defect, no chain follows). */
  private userEvent(type: UserEventType, customer: Customer, at: number): CommerceEvent {
    const rng = this.rng;
    const session = this.sessionOf(customer, at);
    const category = this.browsedCategory(customer);
    switch (type) {
      case 'view':
        return {
          event_id: this.rng.uuid(),
          timestamp: at,
          user_id: customer.id,
          event_type: 'view',
          item_id: this.itemOf(category),
          category: category.name,
          session_id: session.id,
          device_type: session.deviceType,
        };
      case 'addtocart':
        return {
          event_id: this.rng.uuid(),
          timestamp: at,
          user_id: customer.id,
          event_type: 'addtocart',
          item_id: this.itemOf(category),
          quantity: rng.chance(0.8) ? 1 : rng.int(2, 3),
          price: this.money(customer, this.browsedPrice(category)),
          category: category.name,
          session_id: session.id,
          device_type: session.deviceType,
        };
      case 'transaction':
        return {
          event_id: this.rng.uuid(),
          timestamp: at,
          user_id: customer.id,
          event_type: 'transaction',
          item_id: this.itemOf(category),
          category: category.name,
          price: this.money(customer, this.browsedPrice(category)),
          quantity: 1,
          currency: customer.currency,
          order_id: `ord_${rng.hex(12)}`,
          session_id: session.id,
          device_type: session.deviceType,
        };
      case 'search':
        return {
          event_id: this.rng.uuid(),
          timestamp: at,
          user_id: customer.id,
          event_type: 'search',
          query: rng.pick(category.terms),
          results_count: rng.int(0, 480),
          session_id: session.id,
          device_type: session.deviceType,
        };
      case 'filter':
        return {
          event_id: this.rng.uuid(),
          timestamp: at,
          user_id: customer.id,
          event_type: 'filter',
          filters: this.filtersOf(category),
          category: category.name,
          session_id: session.id,
          device_type: session.deviceType,
        };
      case 'review': {
        const rating = Number(rng.weighted(RATING_WEIGHTS)) as 1 | 2 | 3 | 4 | 5;
        return {
          event_id: this.rng.uuid(),
          timestamp: at,
          user_id: customer.id,
          event_type: 'review',
          item_id: this.itemOf(category),
          rating,
          text: rng.pick(REVIEW_PHRASES[rating]),
          session_id: session.id,
        };
      }
    }
  }

  private filtersOf(category: Category): Record<string, FilterValue> {
    const rng = this.rng;
    const filters: Record<string, FilterValue> = {};
    const names = [...category.filters];
    const n = rng.int(1, Math.min(3, names.length));
    for (let i = 0; i < n; i++) {
      const name = names.splice(rng.int(0, names.length - 1), 1)[0]!;
      switch (name) {
        case 'price':
          filters.price = {
            min: Math.floor(category.minPrice),
            max: Math.ceil(category.maxPrice / rng.int(2, 4)),
          };
          break;
        case 'screen_size':
          filters.screen_size = { min: rng.pick([13, 40, 55]) };
          break;
        case 'rating':
          filters.rating = rng.int(3, 5);
          break;
        case 'in_stock':
        case 'organic':
          filters[name] = true;
          break;
        case 'brand':
          filters.brand = [rng.pick(['acme', 'nova', 'zenith', 'orbit', 'lumen'])];
          break;
        case 'size':
          filters.size = rng.pick(['S', 'M', 'L', '38', '42']);
          break;
        case 'color':
          filters.color = rng.pick(['noir', 'blanc', 'bleu', 'rouge']);
          break;
        default:
          filters[name] = rng.pick(['fr', 'en', 'poche', 'bois', '6-8']);
      }
    }
    return filters;
  }

  // ── purchases: transaction → checkout → payment → order ──────────────────────────────────

  private cleanPurchase(customer: Customer, atMs: number): Purchase {
    const rng = this.rng;
    const priceEur = customer.spendLevel * rng.between(0.8, 1.25);
    const fitting = CATEGORIES.filter((c) => c.minPrice <= priceEur && priceEur <= c.maxPrice);
    const favourite = customer.favourites.filter((c) => fitting.includes(c));
    const category =
      favourite.length > 0 ? rng.pick(favourite) : fitting.length > 0 ? rng.pick(fitting) : CATEGORIES[0]!;
    const mayFail = atMs - customer.lastFailureMs >= this.thresholds.failuresWindowMs + CHAIN_MAX_MS;
    const failure =
      mayFail && rng.chance(this.failureRate) ? rng.weighted(FAILURE_REASON_WEIGHTS) : undefined;
    return {
      customer,
      atMs,
      category,
      priceEur,
      quantity: rng.chance(0.8) ? 1 : 2,
      method: customer.method,
      card: customer.card,
      device: customer.payDevice,
      failure,
      origin: 'primary',
      pace: 1,
    };
  }

  /** Schedules a purchase chain; returns its payment events. */
  private purchase(p: Purchase): PaymentEvent[] {
    const rng = this.rng;
    const c = p.customer;
    const derived: RecordOrigin = p.origin === 'primary' ? 'derived' : p.origin;
    const delay = (step: number): number => {
      const [min, max] = CHAIN_DELAYS[step]!;
      return Math.max(1, Math.round(rng.int(min, max) * p.pace));
    };
    const orderId = `ord_${rng.hex(12)}`;
    const paymentId = `pay_${rng.hex(12)}`;
    const price = this.money(c, p.priceEur);
    const amount = roundToMinorUnit(price * p.quantity, c.currency);

    const txAt = this.stamp(c, p.atMs);
    const session = this.sessionOf(c, txAt);
    this.schedule(txAt, c, p.origin, {
      event_id: this.rng.uuid(),
      timestamp: txAt,
      user_id: c.id,
      event_type: 'transaction',
      item_id: this.itemOf(p.category),
      category: p.category.name,
      price,
      quantity: p.quantity,
      currency: c.currency,
      order_id: orderId,
      session_id: session.id,
      device_type: session.deviceType,
    });
    const checkoutAt = this.stamp(c, txAt + delay(0));
    this.schedule(checkoutAt, c, derived, {
      event_id: this.rng.uuid(),
      timestamp: checkoutAt,
      user_id: c.id,
      event_type: 'checkout',
      order_id: orderId,
      amount,
      currency: c.currency,
      item_count: p.quantity,
      session_id: session.id,
      device_id: p.device,
    });
    // Explicit properties, no object spread: spreading is an order of magnitude slower on Node 20.
    const payment = (eventType: PaymentEventType, at: number): PaymentEvent => {
      const fields: Record<string, unknown> = {
        event_id: rng.uuid(),
        timestamp: at,
        user_id: c.id,
        event_type: eventType,
        order_id: orderId,
        payment_id: paymentId,
        amount,
        currency: c.currency,
        method: p.method,
        device_id: p.device,
      };
      if (p.card !== undefined) fields.card_fingerprint = p.card;
      if (eventType === 'payment_failure') fields.failure_reason = p.failure;
      return fields as PaymentEvent;
    };
    const attemptAt = this.stamp(c, checkoutAt + delay(1));
    const attempt = payment('payment_attempt', attemptAt);
    this.schedule(attemptAt, c, derived, attempt);
    const outcomeAt = this.stamp(c, attemptAt + delay(2));
    const outcome = payment(p.failure === undefined ? 'payment_success' : 'payment_failure', outcomeAt);
    this.schedule(outcomeAt, c, derived, outcome);
    if (p.failure === undefined) {
      const orderAt = this.stamp(c, outcomeAt + delay(3));
      this.schedule(orderAt, c, derived, {
        event_id: this.rng.uuid(),
        timestamp: orderAt,
        user_id: c.id,
        event_type: 'order_completed',
        order_id: orderId,
        payment_id: paymentId,
        amount,
        currency: c.currency,
        item_count: p.quantity,
      });
    } else {
      c.lastFailureMs = attemptAt;
    }
    if (p.origin === 'primary')
      c.nextPurchaseMs = attemptAt + this.thresholds.velocityWindowMs / 2 + CHAIN_MAX_MS + 1;
    return [attempt, outcome];
  }

  // ── fraud patterns ───────────────────────────────────────────────────────────────────────

  /** Schedules `pattern` for `customer` from `atMs` on and records its ground truth. */
  private injectPattern(customer: Customer, pattern: FraudRule, atMs: number): void {
    const t = this.thresholds;
    const rng = this.rng;
    const level = customer.spendLevel;
    const cheapest = CATEGORIES.reduce((a, b) => (b.minPrice < a.minPrice ? b : a));
    const priciest = CATEGORIES.reduce((a, b) => (b.maxPrice > a.maxPrice ? b : a));
    const specs: Omit<Purchase, 'customer' | 'origin' | 'pace'>[] = [];
    let spacing: number;
    const normal = (atOffset: number, extra: Partial<Purchase> = {}) => ({
      atMs: atMs + atOffset,
      category: rng.pick(customer.favourites),
      priceEur: level * rng.between(0.8, 1.25),
      quantity: 1,
      method: customer.method,
      card: customer.card,
      device: customer.payDevice,
      failure: undefined,
      ...extra,
    });
    switch (pattern) {
      case FRAUD_RULE.VELOCITY: {
        // Card testing: velocityMinAttempts + 2 small successful payments well inside one window.
        const n = t.velocityMinAttempts + 2;
        spacing = Math.floor(t.velocityWindowMs / (n + 1));
        const base = rng.between(2, 5);
        for (let i = 0; i < n; i++) {
          specs.push(normal(i * spacing, { category: cheapest, priceEur: base * rng.between(1, 1.5) }));
        }
        break;
      }
      case FRAUD_RULE.REPEATED_FAILURES: {
        const n = t.failuresMinCount + 1;
        spacing = Math.floor(t.failuresWindowMs / (n + 1));
        requireOption(
          Math.floor(t.velocityWindowMs / spacing) + 1 < t.velocityMinAttempts,
          'thresholds leave no room for a REPEATED_FAILURES pattern below the velocity rule',
        );
        for (let i = 0; i < n; i++) {
          const failure = rng.pick(['card_declined', 'insufficient_funds', 'incorrect_cvc'] as const);
          specs.push(normal(i * spacing, { failure }));
        }
        break;
      }
      case FRAUD_RULE.AMOUNT_OUTLIER: {
        // amountMinHistory ordinary payments, then one at twice the factor times the usual spend.
        spacing = Math.floor(t.velocityWindowMs / 2) + CHAIN_MAX_MS + 1;
        for (let i = 0; i < t.amountMinHistory; i++) specs.push(normal(i * spacing));
        specs.push(
          normal(t.amountMinHistory * spacing, {
            category: priciest,
            priceEur: 2 * t.amountOutlierFactor * level * 1.25,
          }),
        );
        break;
      }
      case FRAUD_RULE.CARD_DEVICE_CHANGE: {
        // One more card and device than the rule tolerates, each used once, within one window.
        const n = Math.max(t.cardDeviceMinDistinctCards, t.cardDeviceMinDistinctDevices) + 1;
        spacing = Math.floor(t.velocityWindowMs / 2) + CHAIN_MAX_MS + 1;
        requireOption(
          n * spacing < t.cardDeviceWindowMs,
          'thresholds leave no room for a CARD_DEVICE_CHANGE pattern below the velocity rule',
        );
        for (let i = 0; i < n; i++) {
          specs.push(
            normal(i * spacing, { method: 'card', card: rng.hex(16), device: `dev_${rng.hex(10)}` }),
          );
        }
        break;
      }
    }
    const pace = Math.min(1, spacing / (2 * CHAIN_MAX_MS));
    const payments = specs.flatMap((spec) => this.purchase({ ...spec, customer, origin: 'fraud', pace }));
    const attempts = payments.filter((p) => p.event_type === 'payment_attempt');
    this.truth.push({
      customerId: customer.id,
      pattern,
      windowStartMs: attempts[0]!.timestamp,
      windowEndMs: payments[payments.length - 1]!.timestamp,
      eventIds: payments.map((p) => p.event_id),
    });
  }
}

/**
 * Runs a generator to the end in memory (tests, small runs).
 * @example const { records, groundTruth } = generateCommerceRun({ seed: 42, startMs: 0, count: 1000 })
 */
export function generateCommerceRun(options: CommerceGeneratorOptions): {
  records: GeneratedRecord[];
  groundTruth: readonly FraudGroundTruth[];
  summary: GeneratorSummary;
} {
  const generator = new CommerceGenerator(options);
  const records = [...generator];
  return { records, groundTruth: generator.groundTruth(), summary: generator.summary() };
}
