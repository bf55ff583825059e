/**
 * The commerce pipeline end to end on the real embedded stack (issues 11 and 12): the generator's
 * events (Sprint-1 mix, payment/order chains, 5 % typed defects, injected fraud patterns) go
 * through validation → routing → fraud / activity / order consumer, each stage a Lambda handler
 * behind the ESM emulator in its own worker; beside them, orders are posted to the ORDER API
 * (`POST /orders`, the real handler on DynamoDB Local) and published from its outbox stream to
 * `orders`, where the order consumer stores them in the event store. Every event and every order
 * is accounted for exactly once (activity row, record on payments, event in the event store,
 * reject or dead letter), and the fraud alerts are held against the ground truth. It uses the
 * pipeline's own consumer groups: nothing else may run the commerce stages meanwhile. A new seed
 * per run: the fraud windows in DynamoDB remember a seed's events.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAIN_JOB_DEFAULTS, runMainJob } from '../../localstack/main-job/main-job.ts';
import { accountingHolds, formatMainJobReport } from '../../localstack/main-job/report.ts';
import { planOrders } from '../../shared/commerce/local/order-load.ts';
import { COMMERCE_PIPELINE } from '../../shared/commerce/pipeline.ts';

describe('ORION commerce end to end', () => {
  it(
    '3,000 Sprint-1 events with their chains and 40 orders over HTTP, 5 % invalid, fraud patterns: landed + rejected + dlq = generated + entered, every order accounted for, every pattern found',
    async () => {
      const seed = Date.now() % 2_147_483_647;
      const orders = 40;
      const lines: string[] = [];
      const report = await runMainJob({
        ...MAIN_JOB_DEFAULTS,
        pipeline: COMMERCE_PIPELINE,
        // Works before and after the definition is in shared/pipelines.ts.
        pipelineModule: {
          path: fileURLToPath(new URL('../../shared/commerce/pipeline.ts', import.meta.url)),
          exportName: 'COMMERCE_PIPELINE',
        },
        count: 3000,
        rate: 1000,
        invalidRatio: 0.05,
        seed,
        loadOptions: { orders: String(orders), orderRate: '20' },
        stallTimeoutMs: 120_000,
        log: (line) => lines.push(line),
      });
      const text = formatMainJobReport(report);
      console.log(text);
      const summary = `${lines.join('\n')}\n${text}`;
      expect(report.stalled, summary).toBe(false);
      expect(report.pipelineErrors, summary).toBe(0);
      // Derived chains and fraud payments come on top of the 3,000 draws.
      expect(report.generated + report.refusedByBroker, summary).toBeGreaterThan(4000);

      // What the order load posts (the plan's counts do not depend on the clock).
      const plan = planOrders({ orders, invalidRatio: 0.05, seed, nowMs: 0, customerPrefix: '' });
      const invalid = plan.filter((o) => o.expected !== 'accepted');
      const retried = plan.filter((o) => o.retried).length;
      const accepted = orders - invalid.length;
      expect(invalid.length).toBe(2);
      expect(retried).toBeGreaterThanOrEqual(1);
      expect(report.drive, summary).toEqual({
        sent: orders + retried,
        entered: accepted,
        byOutcome: { accepted, replayed: retried, rejected: invalid.length },
      });

      // The CDR-style rule, with the HTTP orders: landed + rejected + dlq = generated + entered.
      expect(accountingHolds(report), summary).toBe(true);
      // Exactly the valid events and the accepted orders landed, exactly the invalid events were
      // rejected (a refused order is answered 400, it never enters), nothing transient.
      const valid = report.expectedByOutcome.valid ?? 0;
      expect(report.stored, summary).toBe(valid + accepted);
      expect(report.rejected, summary).toBe(report.generated - valid);
      expect(report.dlq, summary).toBe(0);
      expect(report.rejectedByStage, summary).toEqual({ validation: report.rejected });
      // The exit code of `orion start` follows the accounting.
      expect(accountingHolds({ ...report, dlq: report.dlq + 1 })).toBe(false);

      // The API and the outbox publisher, as the main job counted them.
      const api = report.httpApis?.['orders-api'];
      expect(api, summary).toBeDefined();
      expect(api!.byStatus, summary).toEqual({ '202': accepted + retried, '400': invalid.length });
      expect(Number.isFinite(api!.latencyMs.p50) && Number.isFinite(api!.latencyMs.p99), summary).toBe(true);
      expect(text).toMatch(/orders-api\s+.*P50 [\d,]+ ms\s+P99 [\d,]+ ms/);
      expect(report.streamStages?.['outbox-publisher'], summary).toMatchObject({ onFailure: 0 });
      expect(report.streamStages!['outbox-publisher']!.succeeded, summary).toBeGreaterThanOrEqual(accepted);

      // The report's own sections: where events landed, the orders, and the detection quality.
      expect(text).toMatch(/landed by destination/);
      expect(text).toMatch(/activity_by_user_day\s+([\d,]+) of \1 \(rows\)/);
      expect(text).toMatch(/payments\s+([\d,]+) of \1 \(records\)/);
      expect(text).toMatch(/order-events\s+([1-9][\d,]*) of \1 \(routed checkout\/order_completed stored/);
      expect(text, summary).toContain(
        `posted ${orders} of ${orders} orders in ${orders + retried} requests: accepted 202 ${accepted}, rejected 4xx ${invalid.length}`,
      );
      expect(text, summary).toContain(`${retried} sent, ${retried} replayed`);
      const reasons = [...new Set(invalid.map((o) => o.expected))];
      for (const reason of reasons)
        expect(text, summary).toMatch(new RegExp(`rejected 4xx by reason:.*${reason}`));
      expect(text, summary).toContain(
        `stored ${accepted} (order_created in the event store, by event id), consumer rejects 0, orders-dlq 0`,
      );
      expect(text, summary).toMatch(
        /latency API answer → stored in the event store \(marker stored_at\), \d+ orders: P50 [\d,]+ ms, P99 [\d,]+ ms/,
      );
      expect(text, summary).toContain(
        `accounting: posted ${orders} = stored ${accepted} + rejected ${invalid.length} (4xx ${invalid.length} + consumer 0) + dlq 0 → OK`,
      );
      expect(text).toMatch(/fraud detection quality/);
      expect(text, summary).toMatch(/patterns injected 12, detected 12 \(recall 100\.0 %\)/);
      expect(text, summary).toMatch(/, 0 on clean customers/);
      expect(report.sampleRows.length, summary).toBeGreaterThan(0);
      expect(report.sampleRows.join('\n')).not.toMatch(/"user_id":"s[0-9a-z]+-\d+"/); // customer ids masked
    },
    15 * 60_000,
  );
});
