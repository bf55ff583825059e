/**
 * How an enriched CDR (`cdr.enriched`, the CDR domain's `EnrichedCdrSchema`) becomes a
 * hot-storage row, and back: the row has a column for every field, so nothing is lost without a
 * JSON copy of the record (which doubled the row and its write units).
 */
import { utcDay } from '../../util/utc-day.ts';
import { type EnrichedCdr, UNKNOWN } from '../schema/enriched-cdr.ts';
import { UNIFIED_CDR_VERSION } from '../schema/unified-cdr.ts';
import type { CdrRow } from './cdr-row.ts';

/**
 * Maps an enriched CDR to its row. Network and subscriber columns are `null` when the reference
 * data did not know them (the record says `unknown`), and so is `home_country` when unknown.
 *
 * @example toCdrRow(cdr, new Date())
 */
export function toCdrRow(cdr: EnrichedCdr, storedAt: Date): CdrRow {
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
    source_record_id: cdr.source_record_id,
    source_record_type: cdr.source_record_type,
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
    home_country: cdr.subscriber.home_country === UNKNOWN ? null : cdr.subscriber.home_country,
    roaming_status: cdr.subscriber.roaming_status,
    fraud_score: cdr.fraud.score,
    fraud_reasons: cdr.fraud.reasons,
    stored_at: storedAt,
  };
}

/**
 * The enriched CDR a row was made from (the inverse of {@link toCdrRow}): what support tools and
 * replay checks compare with the record on `cdr.enriched`.
 *
 * @example expect(toEnrichedCdr(await repo.byId(cdr.cdr_id))).toEqual(cdr)
 */
export function toEnrichedCdr(row: CdrRow): EnrichedCdr {
  const networkKnown = row.site_id !== null;
  const subscriberKnown = row.segment !== null;
  return {
    schema_version: UNIFIED_CDR_VERSION,
    cdr_id: row.cdr_id,
    country: row.country,
    source_record_id: row.source_record_id,
    source_record_type: row.source_record_type,
    record_type: row.record_type,
    direction: row.direction,
    roaming: row.roaming,
    start_time: row.start_time.toISOString(),
    end_time: row.end_time.toISOString(),
    duration_s: row.duration_s,
    volume_bytes: row.volume_bytes,
    charge_minor_units: row.charge_minor_units,
    currency: row.currency,
    imsi: row.imsi,
    msisdn: row.msisdn,
    counterpart: row.counterpart,
    cell_id: row.cell_id,
    network: {
      known: networkKnown,
      site_id: row.site_id ?? UNKNOWN,
      region: row.region ?? UNKNOWN,
      technology: row.technology ?? UNKNOWN,
    },
    subscriber: {
      known: subscriberKnown,
      segment: row.segment ?? UNKNOWN,
      plan: row.plan ?? UNKNOWN,
      payment: row.payment ?? UNKNOWN,
      home_country: row.home_country ?? UNKNOWN,
      roaming_status: row.roaming_status,
    },
    fraud: { score: row.fraud_score, reasons: [...row.fraud_reasons] },
  } as EnrichedCdr;
}

/** The CDR's event time for the pipeline-age metric (end of the call/session, as upstream stages use). */
export function eventTimeMsOf(cdr: EnrichedCdr): number {
  return Date.parse(cdr.end_time);
}
