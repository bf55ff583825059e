/**
 * The per-customer window state of the fraud rules: small, plain, serialisable (one DynamoDB
 * item keyed by `customerId`, TTL attribute `expiresAt` in epoch seconds). It keeps the
 * customer's recent payment events within the longest rule window (bounded), the last
 * successful amounts for the outlier rule, and the last alert window per rule. Event ids in it
 * make an update idempotent: a redelivered event is recognised and ignored.
 */
import { z } from 'zod';
import { FailureReasonSchema } from '../schemas.ts';

/** Version of the window-state item. */
export const WINDOW_STATE_VERSION = 1;

/** One recent payment event, compact. */
export const RecentPaymentSchema = z.strictObject({
  /** event_id */
  id: z.string(),
  /** Event time, epoch ms. */
  t: z.number(),
  kind: z.enum(['attempt', 'success', 'failure']),
  amount: z.number(),
  currency: z.string(),
  card: z.string().optional(),
  device: z.string().optional(),
  reason: FailureReasonSchema.optional(),
});

/** One past successful payment (the outlier rule's history). */
export const PastSuccessSchema = z.strictObject({
  id: z.string(),
  t: z.number(),
  amount: z.number(),
  currency: z.string(),
});

/** The last alert window of a rule: events before `end` cannot start another alert of that rule. */
export const AlertWindowSchema = z.strictObject({ start: z.number(), end: z.number() });

/** Schema of a stored window state (parse what DynamoDB returns with it). */
export const CustomerWindowStateSchema = z.strictObject({
  v: z.literal(WINDOW_STATE_VERSION),
  customerId: z.string(),
  /** Incremented on every change: a conditional write on it guards against a lost update. */
  revision: z.number().int().nonnegative(),
  /** Latest event time seen, epoch ms. */
  watermarkMs: z.number(),
  /** Payment events within the longest window before the watermark, by time. */
  recent: z.array(RecentPaymentSchema),
  /** The last successful payments (any age), by time. */
  successes: z.array(PastSuccessSchema),
  /** Last alert window per rule. */
  alerts: z.strictObject({
    VELOCITY: AlertWindowSchema.optional(),
    REPEATED_FAILURES: AlertWindowSchema.optional(),
    AMOUNT_OUTLIER: AlertWindowSchema.optional(),
    CARD_DEVICE_CHANGE: AlertWindowSchema.optional(),
  }),
  /** DynamoDB TTL: epoch **seconds** after which the item may be deleted. */
  expiresAt: z.number().int(),
});

/** A customer's fraud window state. */
export type CustomerWindowState = z.infer<typeof CustomerWindowStateSchema>;
/** One entry of {@link CustomerWindowState.recent}. */
export type RecentPayment = z.infer<typeof RecentPaymentSchema>;
/** One entry of {@link CustomerWindowState.successes}. */
export type PastSuccess = z.infer<typeof PastSuccessSchema>;
/** One alert window. */
export type AlertWindow = z.infer<typeof AlertWindowSchema>;
