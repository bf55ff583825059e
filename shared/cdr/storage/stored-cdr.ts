/**
 * How an enriched CDR (`cdr.enriched`, the CDR domain's `EnrichedCdrSchema`) becomes a
 * hot-storage row.
 */
import type { EnrichedCdr } from '../schema/enriched-cdr.ts';
import { type CdrRow, utcDay } from './cdr-row.ts';

/**
 * Maps an enriched CDR to its row; `payload` is the record's JSON as received (kept whole).
 * Network and subscriber columns are `null` when the reference data did not know them (the
 * payload still says `unknown`).
 *
 * @example toCdrRow(cdr, record.value.toString('utf8'), new Date())
 */
export function toCdrRow(cdr: EnrichedCdr, payload: string, storedAt: Date): CdrRow {
  const start = new Date(cdr.start_time);
  const network = cdr.network.known ? cdr.network : undefined;
  const subscriber = cdr.subscriber.known ? cdr.subscriber : undefined;
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
    site_id: network?.site_id ?? null,
    region: network?.region ?? null,
    technology: network?.technology ?? null,
    segment: subscriber?.segment ?? null,
    plan: subscriber?.plan ?? null,
    payment: subscriber?.payment ?? null,
    roaming_status: cdr.subscriber.roaming_status,
    fraud_score: cdr.fraud.score,
    fraud_reasons: cdr.fraud.reasons,
    payload,
    stored_at: storedAt,
  };
}

/** The CDR's event time for the pipeline-age metric (end of the call/session, as upstream stages use). */
export function eventTimeMsOf(cdr: EnrichedCdr): number {
  return Date.parse(cdr.end_time);
}
