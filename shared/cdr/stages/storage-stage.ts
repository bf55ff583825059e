/**
 * The storage stage: `cdr.enriched` → hot storage (Cassandra locally, Amazon Keyspaces in AWS):
 * each CDR as one full row and one lookup row (2 write units, `storage/footprint.ts`).
 *
 * - An unreadable record (no bytes, not JSON, not an enriched CDR) is rejected for good.
 * - The batch is written in one bounded-concurrency wave; records sharing a `cdr_id` (redelivery
 *   inside one batch) are written once.
 * - A write error fails exactly the affected records, transiently (retry, then `cdr.dlq`), never
 *   as a reject: the data is fine, the storage was not.
 * - A written record is DONE, with its event time for the pipeline-age metric.
 */

import type { StageRecord } from '../../kafka/types.ts';
import { reject } from '../../runtime/outcome.ts';
import type { Stage } from '../../runtime/stage.ts';
import { type RowStoreStageOptions, rowStoreStage } from '../../storage/cassandra/store-stage.ts';
import { parseJsonObject } from '../formats/safe-json.ts';
import { stageSpec } from '../pipeline.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { CdrRejection } from '../rejection.ts';
import { EnrichedCdrSchema } from '../schema/enriched-cdr.ts';
import type { CdrRepository } from '../storage/cdr-repository.ts';
import type { CdrRow } from '../storage/cdr-row.ts';
import { eventTimeMsOf, toCdrRow } from '../storage/stored-cdr.ts';
import { schemaViolation } from './rejection-outcome.ts';

/** The part of the repository the stage needs. */
export type CdrWriter = Pick<CdrRepository, 'upsertMany'>;

/** Dependencies of the storage stage. */
export interface StorageStageDeps {
  /** The writer, or a function resolving it (e.g. connecting lazily on the first batch). */
  readonly writer: CdrWriter | (() => Promise<CdrWriter>);
  /** Clock for `stored_at` (default `new Date()`). */
  readonly now?: () => Date;
}

/**
 * Builds the storage stage (the generic store stage, {@link rowStoreStage}, reading enriched CDRs).
 *
 * @example
 * const stage = storageStage({ writer: new CdrRepository(client, { keyspace: 'orion', writeConcurrency: 32 }) });
 * const results = await stage.processBatch(records);
 */
export function storageStage(deps: StorageStageDeps): Stage {
  const toRow: RowStoreStageOptions<CdrRow>['toRow'] = (record, storedAt) => {
    try {
      const cdr = readEnrichedCdr(record);
      return {
        kind: 'row',
        id: cdr.cdr_id,
        row: toCdrRow(cdr, storedAt),
        eventTimeMs: eventTimeMsOf(cdr),
      };
    } catch (error) {
      if (!(error instanceof CdrRejection)) throw error;
      return reject(error.reason, error.message);
    }
  };
  return rowStoreStage<CdrRow>({
    name: 'storage',
    rejectTopic: stageSpec('storage').rejectTopic,
    writer: deps.writer,
    toRow,
    ...(deps.now ? { now: deps.now } : {}),
  });
}

/** Reads and checks one enriched CDR; throws {@link CdrRejection} when it cannot be stored. */
function readEnrichedCdr(record: StageRecord) {
  if (record.value === null || record.value.length === 0) {
    throw new CdrRejection(REJECT_REASON.EMPTY_RECORD, 'record has no bytes');
  }
  const parsed = EnrichedCdrSchema.safeParse(parseJsonObject(record.value.toString('utf8')));
  if (!parsed.success) throw schemaViolation('enriched CDR', parsed.error);
  return parsed.data;
}
