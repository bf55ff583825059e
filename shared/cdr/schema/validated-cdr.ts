/**
 * The validated CDR: what `cdr.validated` carries. The country's fields are already parsed and
 * checked (UTC epoch ms, E.164 numbers, integer minor units, seconds, bytes), so normalization
 * never re-reads the raw encoding; the record-type code is still the country's own.
 */
import { z } from 'zod';
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

/** Version of the validated-CDR JSON. */
export const VALIDATED_CDR_VERSION = 1;

/** Schema of the `cdr.validated` value. */
export const ValidatedCdrSchema = z.object({
  v: z.literal(VALIDATED_CDR_VERSION),
  country: CountryCodeSchema,
  /** The country's record-type code, e.g. `MOC`. */
  recordType: IdentifierSchema,
  /** The operator's record id (business identity with country, IMSI, start, type). */
  recordId: IdentifierSchema,
  imsi: ImsiSchema,
  msisdn: E164Schema,
  counterpart: E164Schema.nullable(),
  /** Start, UTC epoch ms. */
  startMs: z.number().int().nonnegative(),
  durationS: DurationSchema,
  volumeBytes: VolumeSchema,
  chargeMinorUnits: MinorUnitsSchema,
  currency: CurrencyCodeSchema,
  cellId: IdentifierSchema,
  roaming: z.boolean(),
});

/** A validated CDR. */
export type ValidatedCdr = z.infer<typeof ValidatedCdrSchema>;
