/**
 * Reads back, from `cdr_by_id`, which of the expected CDRs are stored and when they were written
 * (`stored_at`, set by the storage stage at write time), and a few stored rows for the report.
 */
import type cassandra from 'cassandra-driver';
import { chunk } from '../../util/chunk.ts';
import { mapBounded } from '../../util/map-bounded.ts';
import { maskImsi, maskMsisdn } from '../mask.ts';
import { CDR_TABLE } from '../storage/cdr-schema.ts';

/** Keys per `IN (…)` query: small partitions, well under Cassandra's IN-list guard rails. */
const IDS_PER_QUERY = 100;
const CONCURRENT_QUERIES = 16;

/**
 * `stored_at` (epoch ms) of every id of `ids` that has a row.
 * @example const storedAt = await lookupStoredAt(client, 'orion', ['…']);
 */
export async function lookupStoredAt(
  client: cassandra.Client,
  keyspace: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const query = `SELECT cdr_id, stored_at FROM ${keyspace}.${CDR_TABLE.byId} WHERE cdr_id IN ?`;
  const found = new Map<string, number>();
  await mapBounded(chunk(ids, IDS_PER_QUERY), CONCURRENT_QUERIES, async (part) => {
    const result = await client.execute(query, [part], { prepare: true, fetchSize: IDS_PER_QUERY });
    for (const row of result.rows) {
      const storedAt = row.get('stored_at') as Date | null;
      found.set(row.get('cdr_id') as string, storedAt ? storedAt.getTime() : Number.NaN);
    }
  });
  return found;
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
  const query =
    `SELECT cdr_id, country, record_type, direction, roaming, imsi, msisdn, start_time, duration_s, ` +
    `volume_bytes, charge_minor_units, currency, technology, region, segment, fraud_score, fraud_reasons, stored_at ` +
    `FROM ${keyspace}.${CDR_TABLE.byId} WHERE cdr_id IN ?`;
  const result = await client.execute(query, [ids], { prepare: true });
  return result.rows.map(formatStoredRow);
}

/** One stored row as a report line, IMSI and MSISDN masked. */
export function formatStoredRow(row: cassandra.types.Row): string {
  const fraud = (row.get('fraud_reasons') as string[] | null) ?? [];
  return (
    `${row.get('cdr_id')}  ${row.get('country')} ${row.get('record_type')}/${row.get('direction')}` +
    `${row.get('roaming') ? ' roaming' : ''}  imsi ${maskImsi(String(row.get('imsi')))}  msisdn ${maskMsisdn(String(row.get('msisdn')))}  ` +
    `start ${(row.get('start_time') as Date).toISOString()}  ${row.get('duration_s')} s  ${row.get('volume_bytes')} B  ` +
    `${row.get('charge_minor_units')} ${row.get('currency')} (minor units)  ${row.get('technology')}/${row.get('region')}  ` +
    `segment ${row.get('segment')}  fraud ${row.get('fraud_score')}${fraud.length ? ` [${fraud.join(', ')}]` : ''}`
  );
}
