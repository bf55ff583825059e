/**
 * What the storage stage reads from `cdr.enriched` and how it becomes a hot-storage row.
 * TEMPORARY local shape (unified CDR + optional enrichment blocks) until the CDR domain's
 * enriched-CDR schema lands; then this file maps from that schema instead.
 */
import { z } from 'zod';
import { UnifiedCdrSchema } from '../cdr/schema/unified-cdr.ts';
import { type CdrRow, utcDay } from './cdr-row.ts';

/** The enriched CDR as far as storage needs it. */
export const StoredCdrSchema = UnifiedCdrSchema.extend({
  network: z
    .object({ site_id: z.string(), region: z.string(), technology: z.string() })
    .nullable()
    .optional(),
  subscriber: z.object({ segment: z.string(), plan: z.string() }).nullable().optional(),
  fraud: z.object({ score: z.number().int(), reasons: z.array(z.string()) }).optional(),
});

/** An enriched CDR as storage reads it. */
export type StoredCdr = z.infer<typeof StoredCdrSchema>;

/**
 * Maps an enriched CDR to its row; `payload` is the record's JSON as received (kept whole).
 *
 * @example toCdrRow(cdr, record.value.toString('utf8'), new Date())
 */
export function toCdrRow(cdr: StoredCdr, payload: string, storedAt: Date): CdrRow {
  const start = new Date(cdr.start_time);
  return {
    cdr_id: cdr.cdr_id,
    imsi: cdr.imsi,
    day: utcDay(start),
    start_time: start,
    end_time: new Date(cdr.end_time),
    country: cdr.country,
    record_type: cdr.record_type,
    direction: cdr.direction,
    roaming: cdr.roaming,
    msisdn: cdr.msisdn,
    counterpart: cdr.counterpart,
    duration_s: cdr.duration_s,
    volume_bytes: cdr.volume_bytes,
    charge_minor_units: cdr.charge_minor_units,
    currency: cdr.currency,
    cell_id: cdr.cell_id,
    site_id: cdr.network?.site_id ?? null,
    region: cdr.network?.region ?? null,
    technology: cdr.network?.technology ?? null,
    segment: cdr.subscriber?.segment ?? null,
    plan: cdr.subscriber?.plan ?? null,
    fraud_score: cdr.fraud?.score ?? null,
    fraud_reasons: cdr.fraud?.reasons ?? [],
    payload,
    stored_at: storedAt,
  };
}

/** The CDR's event time for the pipeline-age metric (end of the call/session, as upstream stages use). */
export function eventTimeMsOf(cdr: StoredCdr): number {
  return Date.parse(cdr.end_time);
}
