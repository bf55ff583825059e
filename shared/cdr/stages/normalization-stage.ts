/**
 * The normalization stage: `cdr.validated` → `cdr.normalized` (or `cdr.rejected`).
 */

import { forward } from '../../runtime/outcome.ts';
import { perRecordStage, type Stage } from '../../runtime/stage.ts';
import { parseJsonObject } from '../formats/safe-json.ts';
import { normalizeCdr } from '../normalization/normalize.ts';
import { stageSpec, TOPIC } from '../pipeline.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { rejectWith } from '../rejection.ts';
import { writeUnifiedCdr } from '../schema/serialize.ts';
import { UnifiedCdrSchema } from '../schema/unified-cdr.ts';
import type { ValidatedCdr } from '../schema/validated-cdr.ts';
import { outcomeOf, schemaViolation } from './rejection-outcome.ts';

/**
 * The normalization stage: reads the validated-CDR JSON, forwards the unified CDR under the same
 * key. The output is checked against `UnifiedCdrSchema` (which also catches any malformed input
 * field, since every validated field maps to a unified one): one zod pass per record.
 * @example const stage = normalizationStage(); await stage.processBatch(records)
 */
export function normalizationStage(): Stage {
  return perRecordStage(stageSpec('normalization'), (record) =>
    outcomeOf(() => {
      if (record.value === null || record.value.length === 0) {
        return rejectWith(REJECT_REASON.EMPTY_RECORD, 'record has no bytes');
      }
      const input = parseJsonObject(record.value.toString('utf8')) as unknown as ValidatedCdr;
      const unified = UnifiedCdrSchema.safeParse(normalizeCdr(input));
      if (!unified.success) throw schemaViolation('unified CDR', unified.error);
      const cdr = unified.data;
      return forward(TOPIC.normalized, record.key ?? cdr.imsi, writeUnifiedCdr(cdr), {
        eventTimeMs: input.startMs + input.durationS * 1000,
      });
    }),
  );
}
