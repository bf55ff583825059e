/**
 * Enriched CDRs and Kafka records for storage tests (unit and integration).
 */

import type { EnrichedCdr } from '../../../shared/cdr/schema/enriched-cdr.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';

/**
 * A valid enriched CDR; `i` varies the id (deterministic-id format) and the start time.
 *
 * @example sampleEnrichedCdr(1, { imsi: '208011111111111' })
 */
export function sampleEnrichedCdr(i: number, overrides: Partial<EnrichedCdr> = {}): EnrichedCdr {
  const start = new Date(Date.UTC(2026, 10, 22, 9, 0, 0) + i * 1000);
  return {
    schema_version: 1,
    cdr_id: `0000${i.toString(16).padStart(4, '0')}-0000-8000-8000-${i.toString(16).padStart(12, '0')}`,
    country: 'fr',
    source_record_id: `SRC-${i}`,
    source_record_type: 'MOC',
    record_type: 'voice',
    direction: 'mo',
    roaming: false,
    start_time: start.toISOString(),
    end_time: new Date(start.getTime() + 90_000).toISOString(),
    duration_s: 90,
    volume_bytes: 0,
    charge_minor_units: 35,
    currency: 'EUR',
    imsi: '208011234567890',
    msisdn: '+33612345678',
    counterpart: '+33698765432',
    cell_id: '208-01-1001-42',
    network: { known: true, site_id: 'FR-SITE-0001', region: 'Bretagne', technology: '4G' },
    subscriber: {
      known: true,
      segment: 'consumer',
      plan: 'Essential 20GB',
      payment: 'postpaid',
      home_country: 'fr',
      roaming_status: 'home',
    },
    fraud: { score: 0, reasons: [] },
    ...overrides,
  };
}

/**
 * A `cdr.enriched` record carrying `value` (an object is JSON-encoded; a string/Buffer/null as is).
 */
export function enrichedRecord(value: unknown, offset = 0): StageRecord {
  const bytes =
    value === null
      ? null
      : Buffer.isBuffer(value)
        ? value
        : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return {
    topic: 'cdr.enriched',
    partition: 0,
    offset,
    timestamp: Date.now(),
    key: Buffer.from('208011234567890'),
    value: bytes,
    headers: {},
  };
}
