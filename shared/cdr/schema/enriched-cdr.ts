/**
 * The enriched CDR: the unified CDR plus network, subscriber and fraud information. Unknown
 * cells and subscribers are not errors: their fields say `unknown`.
 */
import { z } from 'zod';
import { FRAUD_REASONS } from '../enrichment/fraud-reasons.ts';
import { SEGMENTS, TECHNOLOGIES } from '../reference-data/schemas.ts';
import { CountryCodeSchema } from './common.ts';
import { UnifiedCdrSchema } from './unified-cdr.ts';

/** Where a subscriber is relative to the record's network. */
export const ROAMING_STATUSES = ['home', 'inbound_roaming', 'outbound_roaming'] as const;
/** A roaming status. */
export type RoamingStatus = (typeof ROAMING_STATUSES)[number];

/** The value of fields whose reference data is missing. */
export const UNKNOWN = 'unknown';

/** Network information from the cell. */
export const NetworkInfoSchema = z.object({
  known: z.boolean(),
  site_id: z.string(),
  region: z.string(),
  technology: z.enum([...TECHNOLOGIES, UNKNOWN]),
});

/** Subscriber information from the IMSI. */
export const SubscriberInfoSchema = z.object({
  known: z.boolean(),
  segment: z.enum([...SEGMENTS, UNKNOWN]),
  plan: z.string(),
  payment: z.enum(['prepaid', 'postpaid', UNKNOWN]),
  /** Country of the IMSI's home network (`unknown` outside ORION's countries). */
  home_country: z.union([CountryCodeSchema, z.literal(UNKNOWN)]),
  roaming_status: z.enum(ROAMING_STATUSES),
});

/** Fraud signals: a 0–100 score and the reasons behind it. */
export const FraudInfoSchema = z.object({
  score: z.number().int().min(0).max(100),
  reasons: z.array(z.enum(FRAUD_REASONS)),
});

/** Schema of the `cdr.enriched` value. */
export const EnrichedCdrSchema = UnifiedCdrSchema.extend({
  network: NetworkInfoSchema,
  subscriber: SubscriberInfoSchema,
  fraud: FraudInfoSchema,
});

/** An enriched CDR. */
export type EnrichedCdr = z.infer<typeof EnrichedCdrSchema>;
/** Network part of an enriched CDR. */
export type NetworkInfo = z.infer<typeof NetworkInfoSchema>;
/** Subscriber part of an enriched CDR. */
export type SubscriberInfo = z.infer<typeof SubscriberInfoSchema>;
