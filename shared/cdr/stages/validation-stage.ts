/**
 * The validation stage: `cdr.raw.<cc>` → `cdr.validated` (or `cdr.rejected`).
 */

import { forward } from '../../runtime/outcome.ts';
import { perRecordStage, type Stage } from '../../runtime/stage.ts';
import { stageSpec, TOPIC } from '../pipeline.ts';
import { countryOfRawTopic } from '../raw-topic.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { rejectWith } from '../rejection.ts';
import { writeValidatedCdr } from '../schema/serialize.ts';
import { validateRawCdr } from '../validation/validate-raw.ts';
import { outcomeOf } from './rejection-outcome.ts';

/** Options of the validation stage. */
export interface ValidationStageOptions {
  /** Clock, read once per batch (tests pin it). Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The validation stage: the country comes from the source topic, the key (the IMSI as produced)
 * is kept, the value becomes a validated-CDR JSON; bad records are rejected with their reason.
 * @example const stage = validationStage(); await stage.processBatch(records)
 */
export function validationStage(options: ValidationStageOptions = {}): Stage {
  const now = options.now ?? Date.now;
  let nowMs = now();
  return perRecordStage(
    stageSpec('validation'),
    (record) =>
      outcomeOf(() => {
        const country = countryOfRawTopic(record.topic);
        if (country === undefined) {
          return rejectWith(
            REJECT_REASON.UNKNOWN_COUNTRY,
            `topic "${record.topic.slice(0, 64)}" is not a raw country topic`,
          );
        }
        const cdr = validateRawCdr(country, record.value, { nowMs });
        return forward(TOPIC.validated, record.key ?? cdr.imsi, writeValidatedCdr(cdr), {
          eventTimeMs: cdr.startMs + cdr.durationS * 1000,
        });
      }),
    async () => {
      nowMs = now();
    },
  );
}
