/**
 * The commerce fraud stage on the real embedded stack: its handler (`functions/commerce-fraud`)
 * behind the ESM emulator, reading `payments` (LZ4 on the broker) and writing `fraud-alerts`, its
 * window states in DynamoDB Local (a table prefix of this run, TTL on `expiresAt`).
 *
 * The generator's payment events of one run (with injected fraud patterns and their ground truth)
 * are produced to `payments` in order, keyed by user id. Checked:
 * - exactly one alert per injected pattern (rule and customer), none on clean customers, evidence;
 * - a redelivery (the same records produced again, or the group's offsets reset) raises no alert;
 * - a throttled state write: the batch is retried by the mapping and the alerts are still one per
 *   pattern by id; the only second message is the alert of the customer whose write failed, byte
 *   for byte (the stage's documented failure window);
 * - DynamoDB down: the records end in `payments-dlq` after the mapping's retries, no alert.
 *
 * The pipeline topics are shared with other runs: each mapping here has a consumer group of its
 * own, committed at the end offsets noted before producing; topics are read from offsets noted
 * before each step, and alerts are this run's when their triggering event is one of its events.
 */
import { DescribeTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PipelineHandle, startPipeline } from '../../../localstack/esm/pipeline.ts';
import type { HandlerSource } from '../../../localstack/esm/types.ts';
import { FraudStateRepository } from '../../../shared/commerce/fraud/state-repository.ts';
import { FRAUD_STATE_STORE } from '../../../shared/commerce/fraud/state-table.ts';
import {
  DEFAULT_FRAUD_THRESHOLDS,
  deterministicUuid,
  FRAUD_RULES,
  type FraudAlert,
  FraudAlertSchema,
  type FraudGroundTruth,
  generateCommerceRun,
  isPaymentEventType,
  type PaymentEvent,
  REJECT_REASON,
} from '../../../shared/commerce/index.ts';
import { COMMERCE_PIPELINE } from '../../../shared/commerce/pipeline.ts';
import { COMMERCE_TOPIC } from '../../../shared/commerce/routing.ts';
import { fraudStage } from '../../../shared/commerce/stages/fraud-stage.ts';
import { PRODUCER_CONFIG } from '../../../shared/kafka/client.ts';
import { decodeFailureHeaders } from '../../../shared/kafka/failure-headers.ts';
import { decodeKafkaEvent, type KafkaEvent } from '../../../shared/kafka/msk-event.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import { dynamoDbTableNameOf } from '../../../shared/pipeline/definition.ts';
import { eventSourceMappingsOf } from '../../../shared/pipeline/mappings.ts';
import { createKafkaHandler } from '../../../shared/runtime/kafka-handler.ts';
import {
  createDynamoDbDocumentClient,
  dynamoDbConfigFromEnv,
  sharedDynamoDb,
} from '../../../shared/storage/dynamodb/client.ts';
import { dropTables, ensureTables } from '../../../shared/storage/dynamodb/tables.ts';
import { testEndpoints, testKafka } from '../../support/endpoints.ts';
import { closeStageHandler, waitFor } from '../esm/harness.ts';
import {
  commitGroupAt,
  endOffsets,
  type Offsets,
  type ReadRecord,
  readSince,
  waitForGroupCommit,
} from '../stages/kafka-io.ts';

const endpoints = testEndpoints();
const brokers = endpoints.kafkaBrokers;
const RUN = Date.now().toString(36);
const SEED = (Date.now() % 2_000_000_000) + 1;
/** This run's window-state tables: one for the real handler, one for the throttled-write case. */
const PREFIX = `it-fraud-${RUN}-`;
const RETRY_PREFIX = `it-fraud-${RUN}-retry-`;
const TABLES = FRAUD_STATE_STORE.tables;
const tableOf = (prefix: string) => dynamoDbTableNameOf(TABLES[0], prefix);
const PAYMENTS = COMMERCE_TOPIC.payments;
const STAGE = COMMERCE_PIPELINE.stages.find((s) => s.name === 'fraud')!;

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let doc: DynamoDBDocumentClient;
let payments: PaymentEvent[];
let truth: readonly FraudGroundTruth[];
/** Every event id of this run: an alert is ours when its triggering event is one of them. */
let ourEvents: Set<string>;
let ourCustomers = new Set<string>();
/** This run's id for a generated customer id. */
const customerOf = (generated: string) => `it${RUN}-${generated}`;
/** Alert ids of the first run, for comparison with the retried one. */
let firstAlertIds: string[] = [];

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.KAFKA_BROKERS = brokers.join(',');
  process.env.KAFKA_CLIENT_ID = 'it-fraud';
  process.env.DYNAMODB_ENDPOINT = endpoints.dynamodbEndpoint;
  // Read by the handler at cold start (the emulator keeps what the user set).
  process.env[FRAUD_STATE_STORE.tablePrefixVariable] = PREFIX;

  doc = createDynamoDbDocumentClient(dynamoDbConfigFromEnv());
  await ensureTables(doc, TABLES, PREFIX);
  await ensureTables(doc, TABLES, RETRY_PREFIX);

  kafka = testKafka('it-fraud', brokers);
  admin = kafka.admin();
  await admin.connect();
  await applyCatalog(admin, COMMERCE_PIPELINE.topics, { timeoutMs: 60_000 });
  producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();

  // Event time three hours ago: the stage re-checks the validator's future skew.
  const run = generateCommerceRun({
    seed: SEED,
    startMs: Date.now() - 3 * 3_600_000,
    count: 10_000,
    fraudCustomers: 16,
    thresholds: DEFAULT_FRAUD_THRESHOLDS,
  });
  // The generator's customer ids (100000 + n) are the same in every run, and other runs produce
  // to `payments` too: a foreign event of "our" customer, later in event time, would make ours
  // late. This run's customers get ids of their own.
  payments = run.records.flatMap((r) =>
    r.expected === 'valid' && r.event && isPaymentEventType(r.event.event_type)
      ? [{ ...(r.event as PaymentEvent), user_id: customerOf(r.event.user_id) }]
      : [],
  );
  truth = run.groundTruth.map((g) => ({ ...g, customerId: customerOf(g.customerId) }));
  ourCustomers = new Set(payments.map((p) => p.user_id));
  ourEvents = new Set(payments.map((p) => p.event_id));
});

afterAll(async () => {
  // The handler module's own Kafka clients: the emulator imported it once per mapping environment.
  await closeStageHandler(COMMERCE_PIPELINE, STAGE, eventSourceMappingsOf(STAGE)[0]!.consumerGroupId);
  await producer?.disconnect();
  await admin?.disconnect();
  if (doc) {
    await dropTables(doc, TABLES, PREFIX).catch(() => undefined);
    await dropTables(doc, TABLES, RETRY_PREFIX).catch(() => undefined);
    doc.destroy();
  }
  sharedDynamoDb().doc.destroy();
});

/** Produces payment events to `payments` in order, keyed by user id; returns the end offsets before. */
async function producePayments(
  events: readonly PaymentEvent[],
  extra: { key: string; value: string }[] = [],
) {
  const from = await endOffsets(admin, PAYMENTS);
  await producer.send({
    topic: PAYMENTS,
    acks: -1,
    messages: [
      ...events.map((e) => ({ key: e.user_id, value: JSON.stringify(e) })),
      ...extra.map((m) => ({ key: m.key, value: m.value })),
    ],
  });
  return { from, to: await endOffsets(admin, PAYMENTS) };
}

/** Commits `group` at `offsets` (a new group then starts exactly there, whatever `payments` held). */
const commitGroup = (group: string, offsets: Offsets) => commitGroupAt(admin, group, PAYMENTS, offsets);

/** Starts the fraud stage's mapping with consumer group `group` (the real handler unless given). */
function startFraud(group: string, handler?: HandlerSource): Promise<PipelineHandle> {
  return startPipeline({
    pipeline: COMMERCE_PIPELINE,
    brokers,
    stages: ['fraud'],
    mappingOverrides: { consumerGroupId: group },
    retryBackoffMs: 50,
    retryBackoffMaxMs: 200,
    ...(handler ? { handlers: { fraud: handler } } : {}),
  });
}

/** Waits until `group` has committed `payments` up to `to` (every record before it processed). */
const drained = (group: string, to: Offsets) => waitForGroupCommit(admin, group, PAYMENTS, to, 120_000);

/** This run's alert messages on `fraud-alerts` since `from`, in partition/offset order. */
async function ourAlerts(from: Offsets): Promise<{ alert: FraudAlert; message: ReadRecord }[]> {
  const records = await readSince(kafka, admin, COMMERCE_TOPIC.fraudAlerts, from);
  return records.flatMap((message) => {
    const alert = FraudAlertSchema.parse(JSON.parse(message.value!.toString('utf8')));
    return ourEvents.has(alert.triggering_event_id) ? [{ alert, message }] : [];
  });
}

/** Messages per alert id. */
function countById(alerts: readonly { alert: FraudAlert }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { alert } of alerts) counts.set(alert.alert_id, (counts.get(alert.alert_id) ?? 0) + 1);
  return counts;
}

/** Every item of a window-state table that is this run's (other runs' records pass through too). */
async function scanStates(prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableOf(prefix), ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []).filter((item) => ourCustomers.has(String(item.customerId))));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Checks one alert per pattern (rule and customer), none on clean customers, and the evidence. */
function expectOnePerPattern(alerts: readonly FraudAlert[]): void {
  const byCustomer = new Map<string, FraudAlert[]>();
  for (const a of alerts) byCustomer.set(a.customer_id, [...(byCustomer.get(a.customer_id) ?? []), a]);
  for (const g of truth) {
    const mine = byCustomer.get(g.customerId) ?? [];
    expect(
      mine.map((a) => a.rule),
      `customer of pattern ${g.pattern}`,
    ).toEqual([g.pattern]);
    const [a] = mine;
    expect(a!.window_start).toBeGreaterThanOrEqual(g.windowStartMs);
    expect(a!.window_start).toBeLessThanOrEqual(g.windowEndMs);
    expect(g.eventIds).toContain(a!.triggering_event_id);
    const { evidence } = a!;
    expect(evidence.event_ids.length).toBeGreaterThan(0);
    for (const id of evidence.event_ids) expect(g.eventIds).toContain(id);
    expect(evidence.amounts).toHaveLength(evidence.event_ids.length);
    expect(evidence.count).toBe(evidence.event_ids.length);
    const t = DEFAULT_FRAUD_THRESHOLDS;
    if (g.pattern === 'VELOCITY') expect(evidence.count).toBeGreaterThanOrEqual(t.velocityMinAttempts);
    if (g.pattern === 'REPEATED_FAILURES') {
      expect(evidence.count).toBeGreaterThanOrEqual(t.failuresMinCount);
      expect(evidence.failure_reasons).toHaveLength(evidence.count);
    }
    if (g.pattern === 'AMOUNT_OUTLIER') {
      expect(evidence.history_count).toBeGreaterThanOrEqual(t.amountMinHistory);
      expect(evidence.amounts[0]).toBeGreaterThan(t.amountOutlierFactor * evidence.median_amount!);
    }
    if (g.pattern === 'CARD_DEVICE_CHANGE') {
      expect(Math.max(evidence.distinct_cards ?? 0, evidence.distinct_devices ?? 0)).toBeGreaterThanOrEqual(
        t.cardDeviceMinDistinctCards,
      );
    }
  }
  const fraudsters = new Set(truth.map((g) => g.customerId));
  expect(alerts.filter((a) => !fraudsters.has(a.customer_id)).map((a) => a.rule)).toEqual([]);
}

/** Figures of detection quality, as the test log shows them. */
function detectionFigures(alerts: readonly FraudAlert[]) {
  const fraudsters = new Set(truth.map((g) => g.customerId));
  const perRule = Object.fromEntries(
    FRAUD_RULES.map((rule) => [
      rule,
      {
        injected: truth.filter((g) => g.pattern === rule).length,
        alerts: alerts.filter((a) => a.rule === rule).length,
        matched: truth.filter(
          (g) => g.pattern === rule && alerts.some((a) => a.customer_id === g.customerId && a.rule === rule),
        ).length,
      },
    ]),
  );
  const customers = new Set(payments.map((p) => p.user_id));
  return {
    paymentEvents: payments.length,
    customers: customers.size,
    cleanCustomers: customers.size - fraudsters.size,
    patterns: truth.length,
    perRule,
    falseAlertsOnClean: alerts.filter((a) => !fraudsters.has(a.customer_id)).length,
  };
}

describe('fraud stage on the real stack (Kafka + DynamoDB Local, ESM emulator)', () => {
  const group = `it-fraud-${RUN}`;

  it('raises exactly one alert per injected pattern, none on clean customers, with its evidence; rejects an unreadable record', async () => {
    expect(new Set(truth.map((g) => g.pattern))).toEqual(new Set(FRAUD_RULES));
    const alertsFrom = await endOffsets(admin, COMMERCE_TOPIC.fraudAlerts);
    const rejectedFrom = await endOffsets(admin, COMMERCE_TOPIC.rejected);
    await commitGroup(group, await endOffsets(admin, PAYMENTS));
    const pipeline = await startFraud(group);
    const badKey = `it-fraud-${RUN}-bad`;
    const started = Date.now();
    try {
      const { to } = await producePayments(payments, [{ key: badKey, value: 'not json' }]);
      await drained(group, to);
    } finally {
      await pipeline.stop();
    }
    const elapsedMs = Date.now() - started;
    const totals = pipeline.stageTotals().fraud!;
    expect(totals.recordsOnFailure).toBe(0);
    expect(totals.recordsSucceeded).toBeGreaterThanOrEqual(payments.length + 1);

    const found = await ourAlerts(alertsFrom);
    const counts = countById(found);
    // One message per alert id (no failure happened), keyed by customer id.
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    for (const { alert, message } of found) expect(message.key?.toString()).toBe(alert.customer_id);
    const alerts = found.map((f) => f.alert);
    expect(alerts).toHaveLength(truth.length);
    expectOnePerPattern(alerts);
    firstAlertIds = alerts.map((a) => a.alert_id).sort();

    // The unreadable record went to commerce.rejected with its reason, bytes kept.
    const rejected = (await readSince(kafka, admin, COMMERCE_TOPIC.rejected, rejectedFrom)).filter(
      (r) => r.key?.toString() === badKey,
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.value?.toString()).toBe('not json');
    expect(decodeFailureHeaders(rejected[0]!.headers)).toMatchObject({
      reason: REJECT_REASON.NOT_JSON,
      stage: 'fraud',
      sourceTopic: PAYMENTS,
    });

    // One state per customer, TTL enabled on expiresAt, in epoch seconds (30 days from now).
    const states = await scanStates(PREFIX);
    expect(states).toHaveLength(ourCustomers.size);
    const ttl = await (doc as unknown as DynamoDBClient).send(
      new DescribeTimeToLiveCommand({ TableName: tableOf(PREFIX) }),
    );
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
    const expiresAt = Number(states[0]!.expiresAt);
    const expected = (Date.now() + DEFAULT_FRAUD_THRESHOLDS.stateTtlMs) / 1000;
    expect(Math.abs(expiresAt - expected)).toBeLessThan(600);

    console.info(
      `[fraud] detection quality: ${JSON.stringify({ ...detectionFigures(alerts), elapsedMs, invocations: totals.invocations })}`,
    );
  });

  it('a redelivery (the same records produced again) raises no second alert and writes no state', async () => {
    const before = new Map((await scanStates(PREFIX)).map((s) => [s.customerId, s.revision]));
    const alertsFrom = await endOffsets(admin, COMMERCE_TOPIC.fraudAlerts);
    const pipeline = await startFraud(group); // continues from the group's committed offsets
    try {
      const { to } = await producePayments(payments);
      await drained(group, to);
    } finally {
      await pipeline.stop();
    }
    expect(pipeline.stageTotals().fraud!.recordsSucceeded).toBeGreaterThanOrEqual(payments.length);
    expect(await ourAlerts(alertsFrom)).toEqual([]);
    // Every event was a duplicate: no state changed, no write happened.
    const after = new Map((await scanStates(PREFIX)).map((s) => [s.customerId, s.revision]));
    expect(after).toEqual(before);
  });

  it('a throttled state write: the mapping retries the batch, still one alert per pattern by id; the one extra message is the failed customer’s alert, byte for byte; an offset reset then raises nothing', async () => {
    const retryGroup = `it-fraud-${RUN}-retry`;
    // The real document client, with the first conditional write that stores a NEW alert window throttled.
    const written = new Map<string, Record<string, { start: number }>>();
    const throttled: { customerId: string; rules: string[] }[] = [];
    const flaky = {
      async send(command: unknown) {
        if (command instanceof PutCommand) {
          const item = command.input.Item as {
            customerId: string;
            alerts: Record<string, { start: number }>;
          };
          const seen = written.get(item.customerId) ?? {};
          const fresh = Object.keys(item.alerts).filter((r) => seen[r]?.start !== item.alerts[r]!.start);
          if (fresh.length > 0 && throttled.length === 0 && ourCustomers.has(item.customerId)) {
            throttled.push({ customerId: item.customerId, rules: fresh });
            throw Object.assign(
              new Error('The level of configured provisioned throughput for the table was exceeded.'),
              {
                name: 'ProvisionedThroughputExceededException',
              },
            );
          }
          const out = await doc.send(command);
          written.set(item.customerId, item.alerts);
          return out;
        }
        return doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const handler = createKafkaHandler(
      fraudStage({ store: new FraudStateRepository(flaky, { table: tableOf(RETRY_PREFIX) }) }),
      { piiKeys: COMMERCE_PIPELINE.piiKeys },
    );
    const source: HandlerSource = { kind: 'function', handler: (event: KafkaEvent) => handler(event) };
    try {
      const alertsFrom = await endOffsets(admin, COMMERCE_TOPIC.fraudAlerts);
      const start = await endOffsets(admin, PAYMENTS);
      await commitGroup(retryGroup, start);
      let pipeline = await startFraud(retryGroup, source);
      try {
        const { to } = await producePayments(payments);
        await drained(retryGroup, to);
      } finally {
        await pipeline.stop();
      }
      const totals = pipeline.stageTotals().fraud!;
      expect(throttled).toHaveLength(1);
      expect(totals.retries).toBeGreaterThan(0);
      expect(totals.recordsOnFailure).toBe(0);

      const found = await ourAlerts(alertsFrom);
      const counts = countById(found);
      // By id: exactly one alert per pattern, the same ids as the first run (same windows).
      expect([...counts.keys()].sort()).toEqual(firstAlertIds);
      expectOnePerPattern([...new Map(found.map((f) => [f.alert.alert_id, f.alert])).values()]);
      // By message: a second copy only of the alert whose state write failed.
      const twice = [...counts].filter(([, c]) => c > 1).map(([id]) => id);
      expect(twice).toHaveLength(1);
      expect(counts.get(twice[0]!)).toBe(2);
      const copies = found.filter((f) => f.alert.alert_id === twice[0]);
      expect(copies[0]!.alert.customer_id).toBe(throttled[0]!.customerId);
      expect(throttled[0]!.rules).toEqual([copies[0]!.alert.rule]);
      expect(copies[1]!.message.value!.equals(copies[0]!.message.value!)).toBe(true);
      expect(found).toHaveLength(truth.length + 1);

      // Replay: the group's offsets reset to the start of these records → redelivered, no alert.
      const replayFrom = await endOffsets(admin, COMMERCE_TOPIC.fraudAlerts);
      await commitGroup(retryGroup, start);
      pipeline = await startFraud(retryGroup, source);
      try {
        await drained(retryGroup, await endOffsets(admin, PAYMENTS));
        await waitFor(
          'the replayed records',
          () => pipeline.stageTotals().fraud!.recordsSucceeded >= payments.length,
        );
      } finally {
        await pipeline.stop();
      }
      expect(await ourAlerts(replayFrom)).toEqual([]);
    } finally {
      await handler.close();
    }
  });

  it('DynamoDB down: the records end in payments-dlq after the mapping retries, no alert', async () => {
    const downGroup = `it-fraud-${RUN}-down`;
    const customer = `it-fraud-${RUN}-down`;
    const events = payments.slice(0, 3).map((e, i) => ({
      ...e,
      user_id: customer,
      event_id: deterministicUuid('it-fraud-down', RUN, i),
    }));
    const down = {
      async send() {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
          name: 'Error',
          code: 'ECONNREFUSED',
        });
      },
    } as unknown as DynamoDBDocumentClient;
    const handler = createKafkaHandler(
      fraudStage({ store: new FraudStateRepository(down, { table: tableOf(RETRY_PREFIX) }) }),
      { piiKeys: COMMERCE_PIPELINE.piiKeys },
    );
    try {
      const alertsFrom = await endOffsets(admin, COMMERCE_TOPIC.fraudAlerts);
      const dlqFrom = await endOffsets(admin, COMMERCE_TOPIC.paymentsDlq);
      await commitGroup(downGroup, await endOffsets(admin, PAYMENTS));
      const pipeline = await startFraud(downGroup, {
        kind: 'function',
        handler: (event: KafkaEvent) => handler(event),
      });
      try {
        const { to } = await producePayments(events);
        await drained(downGroup, to);
      } finally {
        await pipeline.stop();
      }
      const totals = pipeline.stageTotals().fraud!;
      expect(totals.recordsOnFailure).toBeGreaterThanOrEqual(3);
      expect(totals.retries).toBeGreaterThanOrEqual(STAGE.retry.maximumRetryAttempts);

      const dead = (await readSince(kafka, admin, COMMERCE_TOPIC.paymentsDlq, dlqFrom)).filter(
        (r) => r.key?.toString() === customer,
      );
      expect(dead).toHaveLength(3);
      const delivered = dead.map((r) => {
        const document = JSON.parse(r.value!.toString('utf8')) as {
          requestContext: { condition: string };
          payload: KafkaEvent;
        };
        expect(document.requestContext.condition).toBe('RetriesExhausted');
        const [record] = decodeKafkaEvent(document.payload);
        return JSON.parse(record!.value!.toString('utf8')).event_id as string;
      });
      expect(delivered.sort()).toEqual(events.map((e) => e.event_id).sort());
      const alerts = (await readSince(kafka, admin, COMMERCE_TOPIC.fraudAlerts, alertsFrom)).filter(
        (r) => r.key?.toString() === customer,
      );
      expect(alerts).toEqual([]);
    } finally {
      await handler.close();
    }
  });
});
