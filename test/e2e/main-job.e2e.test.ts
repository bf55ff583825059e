/**
 * End to end on the real embedded stack (issue 4): 50 000 raw CDRs across the ten countries with
 * 5 % invalid go through validation → normalization → enrichment → storage, each stage a Lambda
 * handler behind the ESM emulator; every record is accounted for exactly once.
 * It uses the pipeline's own consumer groups: nothing else may run the stages meanwhile (another
 * `npm start` or `orion run` would share the partitions and the counts).
 */
import { describe, expect, it } from 'vitest';
import { MAIN_JOB_DEFAULTS, runMainJob } from '../../localstack/main-job/main-job.ts';
import { accountingHolds } from '../../localstack/main-job/report.ts';

describe('ORION end to end', () => {
  it(
    '50 000 CDRs, ten countries, 5 % invalid: stored + rejected + dlq = generated, one row per valid CDR',
    async () => {
      const lines: string[] = [];
      const report = await runMainJob({
        ...MAIN_JOB_DEFAULTS,
        count: 50_000,
        rate: 0,
        invalidRatio: 0.05,
        seed: 20_260_422,
        stallTimeoutMs: 120_000,
        log: (line) => lines.push(line),
      });
      const summary = JSON.stringify({ ...report, sampleRows: report.sampleRows.length }, null, 1);
      expect(report.stalled, summary).toBe(false);
      // the broker refuses the generator's over-1-MB poison records: they are not part of `generated`
      expect(report.generated + report.refusedByBroker, summary).toBe(50_000);
      expect(accountingHolds(report), summary).toBe(true);
      // every valid CDR stored, nothing else: rejects are exactly the invalid ones, nothing transient
      const valid = report.expectedByOutcome.valid ?? 0;
      expect(report.stored, summary).toBe(valid);
      expect(report.rejected, summary).toBe(report.generated - valid);
      expect(report.dlq, summary).toBe(0);
      // no duplicate cdr_id: one row per distinct valid CDR (redeliveries upsert the same row)
      expect(report.storedRows, summary).toBeLessThanOrEqual(report.stored);
      expect(report.sampleRows.length, summary).toBeGreaterThan(0);
      // the invalid share is about 5 %
      expect((report.generated - valid) / report.generated).toBeGreaterThan(0.03);
      expect((report.generated - valid) / report.generated).toBeLessThan(0.07);
    },
    15 * 60_000,
  );
});
