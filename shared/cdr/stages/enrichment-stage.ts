/**
 * The enrichment stage: `cdr.normalized` → `cdr.enriched`, with one reference-data lookup per
 * batch (all distinct cell ids, all distinct IMSIs) through the {@link ReferenceDataPort}.
 */

import { forward, type Outcome } from '../../runtime/outcome.ts';
import type { RecordResult, Stage } from '../../runtime/stage.ts';
import { enrichCdr } from '../enrichment/enrich.ts';
import { batchFraudReasons } from '../enrichment/fraud-rules.ts';
import { DEFAULT_FRAUD_THRESHOLDS, type FraudThresholds } from '../enrichment/fraud-thresholds.ts';
import type { ReferenceDataPort } from '../enrichment/reference-data-port.ts';
import { parseJsonObject } from '../formats/safe-json.ts';
import { stageSpec, TOPIC } from '../pipeline.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { rejectWith } from '../rejection.ts';
import { type UnifiedCdr, UnifiedCdrSchema } from '../schema/unified-cdr.ts';
import { outcomeOf, schemaViolation } from './rejection-outcome.ts';

/** Options of the enrichment stage. */
export interface EnrichmentStageOptions {
  /** Overrides of the fraud thresholds. */
  readonly fraud?: Partial<FraudThresholds>;
}

function parseUnified(value: Buffer | null): UnifiedCdr {
  if (value === null || value.length === 0)
    return rejectWith(REJECT_REASON.EMPTY_RECORD, 'record has no bytes');
  const parsed = UnifiedCdrSchema.safeParse(parseJsonObject(value.toString('utf8')));
  if (!parsed.success) throw schemaViolation('unified CDR', parsed.error);
  return parsed.data;
}

/**
 * The enrichment stage. A failing lookup throws, so the runtime retries the whole batch; an
 * unknown cell or subscriber is enriched as `unknown` (with a fraud reason where it matters).
 * @example const stage = enrichmentStage(dynamoReferenceData); await stage.processBatch(records)
 */
export function enrichmentStage(reference: ReferenceDataPort, options: EnrichmentStageOptions = {}): Stage {
  const thresholds: FraudThresholds = { ...DEFAULT_FRAUD_THRESHOLDS, ...options.fraud };
  return {
    name: 'enrichment',
    rejectTopic: stageSpec('enrichment').rejectTopic,
    async processBatch(records) {
      const cdrs: (UnifiedCdr | undefined)[] = new Array(records.length);
      const results: (RecordResult | undefined)[] = new Array(records.length);
      for (const [i, record] of records.entries()) {
        const outcome = outcomeOf((): Outcome => {
          cdrs[i] = parseUnified(record.value);
          return { kind: 'done' };
        });
        if (outcome.kind === 'reject') results[i] = outcome;
      }
      const cellIds = new Set<string>();
      const imsis = new Set<string>();
      for (const cdr of cdrs) {
        if (cdr === undefined) continue;
        cellIds.add(cdr.cell_id);
        imsis.add(cdr.imsi);
      }
      const [cells, subscribers] = await Promise.all([
        cellIds.size > 0 ? reference.getCells([...cellIds]) : new Map(),
        imsis.size > 0 ? reference.getSubscribers([...imsis]) : new Map(),
      ]);
      const batchReasons = batchFraudReasons(cdrs, thresholds);
      return records.map((record, i): RecordResult => {
        const done = results[i];
        if (done !== undefined) return done;
        const cdr = cdrs[i]!;
        try {
          const enriched = enrichCdr(
            cdr,
            cells.get(cdr.cell_id),
            subscribers.get(cdr.imsi),
            batchReasons.get(i) ?? [],
            thresholds,
          );
          return forward(TOPIC.enriched, record.key ?? cdr.imsi, JSON.stringify(enriched), {
            eventTimeMs: Date.parse(cdr.end_time),
          });
        } catch (error) {
          return { kind: 'failed', error };
        }
      });
    },
  };
}
