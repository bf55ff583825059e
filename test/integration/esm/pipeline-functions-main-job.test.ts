import { afterAll, describe, expect, it } from 'vitest';
import { MAIN_JOB_DEFAULTS, runMainJob } from '../../../localstack/main-job/main-job.ts';
import { accountingHolds, formatMainJobReport } from '../../../localstack/main-job/report.ts';
import { allEventSourceMappings } from '../../../shared/pipeline/mappings.ts';
import { createDynamoDbDocumentClient } from '../../../shared/storage/dynamodb/client.ts';
import { dropTables } from '../../../shared/storage/dynamodb/tables.ts';
import {
  TOY_OUTBOX_LOCAL_PIPELINE,
  TOY_OUTBOX_LOCAL_PIPELINE_MODULE,
} from '../../fixtures/toy-outbox-pipeline/local-pipeline.ts';
import { testEndpoints, testKafka, uniqueName } from '../../support/endpoints.ts';

// User-set prefixes: every function and the module's stores see them (set before anything runs).
const prefix = `${uniqueName('it_mj_outbox')}-`;
process.env.TOY_ITEMS_TABLE_PREFIX = prefix;
process.env.TOY_AUDIT_TABLE_PREFIX = prefix;

afterAll(async () => {
  const doc = createDynamoDbDocumentClient({
    endpoint: testEndpoints().dynamodbEndpoint,
    region: 'us-east-1',
  });
  for (const store of TOY_OUTBOX_LOCAL_PIPELINE.stores) await dropTables(doc, store.tables, prefix);
  doc.destroy();
});

describe('main job with an HTTP API and a stream stage', () => {
  it('Kafka events and posted items all land once; the report has the API, the stream stage and the accounting', async () => {
    const lines: string[] = [];
    const report = await runMainJob({
      ...MAIN_JOB_DEFAULTS,
      pipeline: TOY_OUTBOX_LOCAL_PIPELINE,
      pipelineModule: TOY_OUTBOX_LOCAL_PIPELINE_MODULE,
      count: 300,
      rate: 0,
      invalidRatio: 0,
      seed: Date.now() % 1_000_000,
      // 150 posted over a 100-request burst at 50/s: some 429s, waited out by the driver.
      loadOptions: { httpItems: '150' },
      stallTimeoutMs: 60_000,
      log: (line) => lines.push(line),
    });
    const text = formatMainJobReport(report);
    const summary = `${lines.join('\n')}\n${text}`;
    console.info(text);
    expect(report.stalled, summary).toBe(false);
    expect(report.generated, summary).toBe(300);
    expect(report.drive, summary).toMatchObject({ entered: 150 });
    expect(report.drive!.sent, summary).toBe(150 + (report.drive!.byOutcome?.throttled ?? 0));
    expect(report.stored, summary).toBe(450);
    expect(report.rejected + report.dlq, summary).toBe(0);
    expect(accountingHolds(report), summary).toBe(true);

    const api = report.httpApis?.['items-api'];
    expect(api?.byStatus['202'], summary).toBe(150);
    expect(api?.requests, summary).toBe(report.drive!.sent);
    expect(api?.latencyMs.p99, summary).toBeGreaterThan(0);
    // the run's own items went through the outbox stream (a backlog of earlier runs is drained first)
    expect(report.streamStages?.['outbox-publisher'], summary).toMatchObject({
      records: 150,
      succeeded: 150,
      onFailure: 0,
    });
    expect(report.stageTotals.consume?.recordsSucceeded, summary).toBe(450);
    expect(report.latency.count, summary).toBe(450);

    expect(
      lines.some((l) =>
        /^ {3}items-api +http:\/\/127\.0\.0\.1:\d+ \(POST \/items, GET \/items\/\{itemId\}\)$/.test(l),
      ),
      summary,
    ).toBe(true);
    expect(text, summary).toMatch(
      / {2}entered by HTTP +150 {3}\(\d+ requests sent: accepted 150, throttled \d+\)/,
    );
    expect(text, summary).toMatch(/ {2}items-api +\d+ requests \(202 150/);
    expect(text, summary).toMatch(/ {2}outbox-publisher +150 +150 +0 +\d+ batches/);
    expect(text, summary).toContain('= 450 == generated 300 + entered 150  → OK');
  }, 300_000);

  it("a load that throws fails the job and stops its stage workers: none is left in the mapping's group", async () => {
    const failure = runMainJob({
      ...MAIN_JOB_DEFAULTS,
      pipeline: TOY_OUTBOX_LOCAL_PIPELINE,
      pipelineModule: TOY_OUTBOX_LOCAL_PIPELINE_MODULE,
      count: 100,
      rate: 0,
      invalidRatio: 0,
      seed: Date.now() % 1_000_000,
      loadOptions: { httpItems: '50', failDriveAt: '5' },
      stallTimeoutMs: 60_000,
      log: () => undefined,
    });
    await expect(failure).rejects.toThrow('drive failed on purpose after 5 items');
    const groups = allEventSourceMappings(TOY_OUTBOX_LOCAL_PIPELINE.stages).map((m) => m.consumerGroupId);
    const admin = testKafka('it-mj-failure', testEndpoints().kafkaBrokers).admin();
    await admin.connect();
    try {
      const { groups: described } = await admin.describeGroups(groups);
      expect(described.map((g) => [g.groupId, g.members.length])).toEqual(groups.map((g) => [g, 0]));
    } finally {
      await admin.disconnect();
    }
  }, 300_000);
});
