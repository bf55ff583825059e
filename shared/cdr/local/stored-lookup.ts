/**
 * Reads back, from hot storage, which of the expected CDRs are stored and when they were written
 * (`stored_at`, set by the storage stage at write time, read from the lookup rows), and a few
 * stored CDRs for the report. The reads themselves belong to {@link CdrRepository}.
 */
import type cassandra from 'cassandra-driver';
import { maskImsi, maskMsisdn } from '../mask.ts';
import { CdrRepository } from '../storage/cdr-repository.ts';
import type { CdrRow } from '../storage/cdr-row.ts';

/** The repository for reads only (no writes: the write settings do not matter). */
function reader(client: cassandra.Client, keyspace: string): CdrRepository {
  return new CdrRepository(client, { keyspace, writeConcurrency: 1 });
}

/**
 * `stored_at` (epoch ms) of every id of `ids` that has a row.
 * @example const storedAt = await lookupStoredAt(client, 'orion', ['…']);
 */
export function lookupStoredAt(
  client: cassandra.Client,
  keyspace: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  return reader(client, keyspace).storedAt(ids);
}

/**
 * A few stored rows of `ids`, one line each, IMSI and MSISDN masked.
 * @example await sampleStoredRows(client, 'orion', ids.slice(0, 3))
 */
export async function sampleStoredRows(
  client: cassandra.Client,
  keyspace: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  return (await reader(client, keyspace).byIds(ids)).map(formatStoredRow);
}

/** One stored CDR as a report line, IMSI and MSISDN masked. */
export function formatStoredRow(row: CdrRow): string {
  const fraud = row.fraud_reasons;
  return (
    `${row.cdr_id}  ${row.country} ${row.record_type}/${row.direction}` +
    `${row.roaming ? ' roaming' : ''}  imsi ${maskImsi(row.imsi)}  msisdn ${maskMsisdn(row.msisdn)}  ` +
    `start ${row.start_time.toISOString()}  ${row.duration_s} s  ${row.volume_bytes} B  ` +
    `${row.charge_minor_units} ${row.currency} (minor units)  ${row.technology}/${row.region}  ` +
    `segment ${row.segment}  fraud ${row.fraud_score}${fraud.length ? ` [${fraud.join(', ')}]` : ''}`
  );
}
