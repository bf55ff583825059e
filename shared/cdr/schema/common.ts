/**
 * Field schemas shared by the validated, unified and enriched CDR schemas.
 */
import { z } from 'zod';
import { COUNTRY_CODES } from '../countries.ts';
import { CURRENCY_CODES } from '../currency.ts';
import {
  MAX_CHARGE_MINOR_UNITS,
  MAX_DURATION_S,
  MAX_IDENTIFIER_LENGTH,
  MAX_VOLUME_BYTES,
} from '../limits.ts';

/** One of ORION's countries. */
export const CountryCodeSchema = z.enum(COUNTRY_CODES);
/** An ISO 4217 code ORION knows. */
export const CurrencyCodeSchema = z.enum(CURRENCY_CODES as [string, ...string[]]);
/** 15-digit IMSI. */
export const ImsiSchema = z.string().regex(/^\d{15}$/);
/** E.164 number: `+` and 7–15 digits, no leading zero. */
export const E164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/);
/** Identifier (record id, cell id, record-type code): letters, digits, `._:-`. */
export const IdentifierSchema = z
  .string()
  .min(1)
  .max(MAX_IDENTIFIER_LENGTH)
  .regex(/^[A-Za-z0-9._:-]+$/);
/** Duration in whole seconds. */
export const DurationSchema = z.number().int().min(0).max(MAX_DURATION_S);
/** Data volume in bytes. */
export const VolumeSchema = z.number().int().min(0).max(MAX_VOLUME_BYTES);
/** Charge in integer minor units of its currency. */
export const MinorUnitsSchema = z.number().int().min(0).max(MAX_CHARGE_MINOR_UNITS);
