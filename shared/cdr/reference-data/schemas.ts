/**
 * Schemas of the reference data: cells (network) and subscribers. The files in this folder
 * follow them; the storage layer loads them into DynamoDB and serves them back through the
 * enrichment's `ReferenceDataPort`.
 */
import { z } from 'zod';
import { CountryCodeSchema, E164Schema, IdentifierSchema, ImsiSchema } from '../schema/common.ts';
import type { ReferenceKind } from './reference-tables.ts';

/** Radio technologies. */
export const TECHNOLOGIES = ['2G', '3G', '4G', '5G'] as const;
/** A radio technology. */
export type Technology = (typeof TECHNOLOGIES)[number];

/** One cell: its global identity (`MCC-MNC-LAC-CI`) and where and what it is. */
export const CellSchema = z.object({
  cell_id: IdentifierSchema,
  country: CountryCodeSchema,
  site_id: IdentifierSchema,
  region: z.string().min(1).max(64),
  technology: z.enum(TECHNOLOGIES),
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});
/** A cell. */
export type Cell = z.infer<typeof CellSchema>;

/** Customer segments. */
export const SEGMENTS = ['consumer', 'business', 'enterprise', 'iot'] as const;
/** A customer segment. */
export type Segment = (typeof SEGMENTS)[number];

/** One subscriber of a home network. */
export const SubscriberSchema = z.object({
  imsi: ImsiSchema,
  msisdn: E164Schema,
  /** Home country (the IMSI's MCC). */
  country: CountryCodeSchema,
  segment: z.enum(SEGMENTS),
  plan: z.string().min(1).max(64),
  /** Prepaid or postpaid. */
  payment: z.enum(['prepaid', 'postpaid']),
});
/** A subscriber. */
export type Subscriber = z.infer<typeof SubscriberSchema>;

/** The cells file. */
export const CellsFileSchema = z.array(CellSchema);
/** The subscribers file. */
export const SubscribersFileSchema = z.array(SubscriberSchema);

/** The schema of each kind of reference item (one per reference table). */
export const REFERENCE_ITEM_SCHEMAS = {
  cells: CellSchema,
  subscribers: SubscriberSchema,
} as const satisfies Record<ReferenceKind, z.ZodType>;
