/**
 * The storage stage: `cdr.enriched` → hot storage (Cassandra locally, Amazon Keyspaces in AWS).
 *
 * - An unreadable record (no bytes, not JSON, not an enriched CDR) is rejected for good.
 * - The batch is written in one bounded-concurrency wave; records sharing a `cdr_id` (redelivery
 *   inside one batch) are written once.
 * - A write error fails exactly the affected records, transiently (retry, then `cdr.dlq`), never
 *   as a reject: the data is fine, the storage was not.
 * - A written record is DONE, with its event time for the pipeline-age metric.
 */

import type { StageRecord } from '../../kafka/types.ts';
import { type DoneOutcome, reject } from '../../runtime/outcome.ts';
import type { RecordResult, Stage } from '../../runtime/stage.ts';
import { storageFailure } from '../../storage/cassandra/write-failure.ts';
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
 * Builds the storage stage.
 *
 * @example
 * const stage = storageStage({ writer: new CdrRepository(client, { keyspace: 'orion', writeConcurrency: 32 }) });
 * const results = await stage.processBatch(records);
 */
export function storageStage(deps: StorageStageDeps): Stage {
  const now = deps.now ?? (() => new Date());
  return {
    name: 'storage',
    rejectTopic: stageSpec('storage').rejectTopic,
    async processBatch(records: readonly StageRecord[]): Promise<RecordResult[]> {
      const results = new Array<RecordResult>(records.length);
      const storedAt = now();
      const writes = new Map<string, { row: CdrRow; done: DoneOutcome; indexes: number[] }>();
      records.forEach((record, index) => {
        try {
          const { cdr, text } = readEnrichedCdr(record);
          const existing = writes.get(cdr.cdr_id);
          if (existing) existing.indexes.push(index);
          else {
            writes.set(cdr.cdr_id, {
              row: toCdrRow(cdr, text, storedAt),
              done: { kind: 'done', eventTimeMs: eventTimeMsOf(cdr) },
              indexes: [index],
            });
          }
        } catch (error) {
          if (!(error instanceof CdrRejection)) throw error;
          results[index] = reject(error.reason, error.message);
        }
      });
      if (writes.size === 0) return results;

      const pending = [...writes.values()];
      let outcomes: { ok: boolean; error?: unknown }[];
      try {
        const writer = typeof deps.writer === 'function' ? await deps.writer() : deps.writer;
        outcomes = await writer.upsertMany(pending.map((w) => w.row));
      } catch (error) {
        // Could not even start (no connection at cold start…): every write of the batch failed.
        outcomes = pending.map(() => ({ ok: false, error }));
      }
      pending.forEach((write, i) => {
        const outcome = outcomes[i];
        const result: RecordResult = outcome?.ok
          ? write.done
          : { kind: 'failed', error: storageFailure(outcome?.error ?? new Error('no write result')) };
        for (const index of write.indexes) results[index] = result;
      });
      return results;
    },
  };
}

/** Reads and checks one enriched CDR; throws {@link CdrRejection} when it cannot be stored. */
function readEnrichedCdr(record: StageRecord) {
  if (record.value === null || record.value.length === 0) {
    throw new CdrRejection(REJECT_REASON.EMPTY_RECORD, 'record has no bytes');
  }
  const text = record.value.toString('utf8');
  const parsed = EnrichedCdrSchema.safeParse(parseJsonObject(text));
  if (!parsed.success) throw schemaViolation('enriched CDR', parsed.error);
  return { cdr: parsed.data, text };
}
