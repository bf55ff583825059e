/**
 * The unified CDR: one schema for every country (UTC ISO times, E.164 numbers, ISO 4217
 * currency, a closed set of record types). Charges are integer minor units of `currency`
 * (`charge_minor_units: 35` + `currency: 'EUR'` = 0.35 €): no floating-point money.
 */
import { z } from 'zod';
import { DIRECTIONS, RECORD_TYPES } from '../record-type.ts';
import {
  CountryCodeSchema,
  CurrencyCodeSchema,
  DurationSchema,
  E164Schema,
  IdentifierSchema,
  ImsiSchema,
  MinorUnitsSchema,
  VolumeSchema,
} from './common.ts';

/** Version of the unified-CDR JSON. */
export const UNIFIED_CDR_VERSION = 1;

/** UTC ISO 8601 with milliseconds and `Z`, as `Date.prototype.toISOString` writes it. */
const UtcIsoSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

/** Schema of the `cdr.normalized` value. */
export const UnifiedCdrSchema = z.object({
  schema_version: z.literal(UNIFIED_CDR_VERSION),
  /** Deterministic id (UUID form of a SHA-256 over the record's business identity). */
  cdr_id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
  country: CountryCodeSchema,
  source_record_id: IdentifierSchema,
  /** The country's own record-type code, kept for audit. */
  source_record_type: IdentifierSchema,
  record_type: z.enum(RECORD_TYPES),
  direction: z.enum(DIRECTIONS),
  roaming: z.boolean(),
  start_time: UtcIsoSchema,
  end_time: UtcIsoSchema,
  duration_s: DurationSchema,
  volume_bytes: VolumeSchema,
  charge_minor_units: MinorUnitsSchema,
  currency: CurrencyCodeSchema,
  imsi: ImsiSchema,
  msisdn: E164Schema,
  counterpart: E164Schema.nullable(),
  cell_id: IdentifierSchema,
});

/** A unified CDR. */
export type UnifiedCdr = z.infer<typeof UnifiedCdrSchema>;
