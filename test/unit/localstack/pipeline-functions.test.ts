/**
 * The local HTTP APIs and stream stages of a pipeline, without services: the port each API gets,
 * each function's own environment (the env contract bound locally), the stores whose tables are
 * created, the latency sample, and the main job's report lines and accounting for them.
 */
import { describe, expect, it } from 'vitest';
import { formatFunctionsProgress, parseHttpPorts } from '../../../bin/commands/run.ts';
import {
  functionStoresOf,
  httpApiPortOf,
  httpPortVariableOf,
  LatencySample,
  localFunctionEnvironment,
} from '../../../localstack/esm/pipeline-functions.ts';
import { requestsLine } from '../../../localstack/main-job/progress.ts';
import {
  accountingHolds,
  formatMainJobReport,
  type MainJobReport,
  recordsIn,
} from '../../../localstack/main-job/report.ts';
import { TOY_OUTBOX_PIPELINE } from '../../fixtures/toy-outbox-pipeline/pipeline.ts';

const API = TOY_OUTBOX_PIPELINE.httpApis[0];
const PUBLISHER = TOY_OUTBOX_PIPELINE.streamStages[0];
const BROKERS = ['127.0.0.1:9092'];
const NO_USER_ENV = {};

describe('HTTP API ports', () => {
  it('names one variable per API, from its name', () => {
    expect(httpPortVariableOf('items-api')).toBe('ORION_HTTP_PORT_ITEMS_API');
    expect(httpPortVariableOf('v2.public api')).toBe('ORION_HTTP_PORT_V2_PUBLIC_API');
  });

  it('takes the option, else the variable, else an ephemeral port', () => {
    const env = { ORION_HTTP_PORT_ITEMS_API: '3000' };
    expect(httpApiPortOf('items-api', { 'items-api': 4000 }, env)).toBe(4000);
    expect(httpApiPortOf('items-api', {}, env)).toBe(3000);
    expect(httpApiPortOf('items-api', { other: 1 }, {})).toBe(0);
    expect(httpApiPortOf('items-api', {}, { ORION_HTTP_PORT_ITEMS_API: ' ' })).toBe(0);
    expect(httpApiPortOf('items-api', { 'items-api': 0 }, env)).toBe(0);
  });

  it('refuses what is not a port, naming where it came from', () => {
    expect(() => httpApiPortOf('items-api', {}, { ORION_HTTP_PORT_ITEMS_API: 'http' })).toThrow(
      /ORION_HTTP_PORT_ITEMS_API must be a port number 0–65535, got "http"/,
    );
    expect(() => httpApiPortOf('items-api', {}, { ORION_HTTP_PORT_ITEMS_API: '70000' })).toThrow(RangeError);
    expect(() => httpApiPortOf('items-api', { 'items-api': -1 }, {})).toThrow(/port of items-api/);
    expect(() => httpApiPortOf('items-api', { 'items-api': 80.5 }, {})).toThrow(RangeError);
  });
});

describe('each function its own environment, bound to the local stack', () => {
  it("an HTTP API's: its stores and settings, no Kafka", () => {
    const env = localFunctionEnvironment(TOY_OUTBOX_PIPELINE, API, BROKERS, { env: NO_USER_ENV });
    expect(env).toMatchObject({
      ORION_STAGE: 'items-api',
      POWERTOOLS_SERVICE_NAME: 'orion-toy-outbox-items-api',
      TOY_ITEMS_TABLE_PREFIX: 'orion-toy-outbox-',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      AWS_REGION: 'us-east-1',
      TOY_API_FLAG: 'on',
    });
    expect(env).not.toHaveProperty('KAFKA_BROKERS');
    expect(env).not.toHaveProperty('KAFKA_AUTH');
    // the Kafka stage's store is not the API's
    expect(env).not.toHaveProperty('TOY_AUDIT_TABLE_PREFIX');
  });

  it("a stream stage's: Kafka to produce, not its source table's prefix (the mapping reads the stream)", () => {
    const env = localFunctionEnvironment(TOY_OUTBOX_PIPELINE, PUBLISHER, BROKERS, { env: NO_USER_ENV });
    expect(env).toMatchObject({
      ORION_STAGE: 'outbox-publisher',
      POWERTOOLS_SERVICE_NAME: 'orion-toy-outbox-outbox-publisher',
      KAFKA_BROKERS: '127.0.0.1:9092',
      KAFKA_AUTH: 'none',
      KAFKA_CLIENT_ID: 'orion-toy-outbox-outbox-publisher',
    });
    expect(env).not.toHaveProperty('TOY_ITEMS_TABLE_PREFIX');
    expect(env).not.toHaveProperty('TOY_API_FLAG');
  });

  it('binds the given table prefixes and the endpoints the user set', () => {
    const env = localFunctionEnvironment(TOY_OUTBOX_PIPELINE, API, BROKERS, {
      env: { DYNAMODB_ENDPOINT: 'http://10.0.0.5:8000', AWS_REGION: 'eu-west-3' },
      tablePrefixes: { items: 'it-run-' },
    });
    expect(env).toMatchObject({
      TOY_ITEMS_TABLE_PREFIX: 'it-run-',
      DYNAMODB_ENDPOINT: 'http://10.0.0.5:8000',
      AWS_REGION: 'eu-west-3',
    });
  });

  it('creates the tables of the stores the functions use, the stream source included, not the Kafka stages’', () => {
    expect(functionStoresOf(TOY_OUTBOX_PIPELINE).map((s) => s.name)).toEqual(['items']);
    const sourceOnly = {
      ...TOY_OUTBOX_PIPELINE,
      httpApis: [],
      streamStages: [{ ...PUBLISHER, stores: [{ store: 'audit', access: 'read' as const }] }],
    };
    expect(functionStoresOf(sourceOnly).map((s) => s.name)).toEqual(['items', 'audit']);
    expect(functionStoresOf({ ...TOY_OUTBOX_PIPELINE, httpApis: [], streamStages: [] })).toEqual([]);
  });
});

describe('LatencySample', () => {
  it('gives nearest-rank percentiles and the true maximum, NaN when empty', () => {
    const sample = new LatencySample(1_000);
    expect(Number.isNaN(sample.summary().p50)).toBe(true);
    for (let v = 1; v <= 100; v++) sample.add(v);
    expect(sample.summary()).toEqual({ p50: 50, p99: 99, max: 100 });
  });

  it('keeps at most its size, uniformly, and still the maximum of everything', () => {
    const sample = new LatencySample(500);
    for (let v = 1; v <= 50_000; v++) sample.add(v % 1000);
    sample.add(99_999);
    const { p50, p99, max } = sample.summary();
    expect(max).toBe(99_999);
    expect(p50).toBeGreaterThan(400);
    expect(p50).toBeLessThan(600);
    expect(p99).toBeGreaterThan(950);
  });
});

describe('main job report with HTTP APIs and stream stages', () => {
  const base: MainJobReport = {
    pipeline: 'toy-outbox',
    labels: {
      record: 'item',
      landed: 'audited',
      landedUnits: 'rows in audit',
      latency: 'accepted → audited',
      samples: 'sample audit rows',
    },
    seed: 1,
    generated: 100,
    refusedByBroker: 0,
    expectedByOutcome: { valid: 100 },
    stored: 140,
    storedRows: 140,
    rejected: 0,
    rejectedByReason: {},
    rejectedByStage: {},
    dlq: 0,
    dlqByReason: {},
    latency: { count: 140, p50: 10, p95: 20, p99: 30, max: 40 },
    generationMs: 1000,
    endToEndMs: 1500,
    stageTotals: {},
    sampleRows: [],
    stalled: false,
    pipelineErrors: 0,
    cpuSeconds: {},
    cores: 2,
  };
  const withFunctions: MainJobReport = {
    ...base,
    httpApis: {
      'items-api': {
        requests: 50,
        byStatus: { '202': 40, '429': 10 },
        invocations: 40,
        inFlight: 0,
        latencyMs: { p50: 4.2, p99: 12.7, max: 20 },
      },
    },
    streamStages: {
      'outbox-publisher': {
        records: 40,
        succeeded: 40,
        onFailure: 0,
        pending: 0,
        batches: 7,
        functionErrors: 0,
        retries: 0,
        onFailureRecords: 0,
      },
    },
    drive: { sent: 50, entered: 40, byOutcome: { accepted: 40, throttled: 10 } },
  };

  it('counts what the HTTP driver entered with the generated records', () => {
    expect(recordsIn(withFunctions)).toBe(140);
    expect(accountingHolds(withFunctions)).toBe(true);
    expect(accountingHolds(base)).toBe(false);
    expect(accountingHolds({ ...withFunctions, drive: { sent: 50, entered: 39 } })).toBe(false);
  });

  it('prints a line per API and stream stage, the entered records and the accounting with them', () => {
    const text = formatMainJobReport(withFunctions);
    expect(text).toContain('  entered by HTTP          40   (50 requests sent: accepted 40, throttled 10)');
    expect(text).toContain(
      "HTTP APIs (requests by status; latency from arrival to the function's answer):\n" +
        '  items-api      50 requests (202 40 · 429 10)   P50 4 ms   P99 13 ms',
    );
    expect(text).toContain(
      'stream stages (records in / succeeded / on-failure, batches):\n' +
        '  outbox-publisher        40        40      0        7 batches',
    );
    expect(text).toContain(
      'accounting: audited 140 + rejected 0 + dlq 0 = 140 == generated 100 + entered 40  → OK',
    );
  });

  it('prints none of it for a pipeline without them', () => {
    const text = formatMainJobReport({ ...base, stored: 100, storedRows: 100 });
    expect(text).not.toMatch(/HTTP|stream stages|entered/);
    expect(text).toContain('accounting: audited 100 + rejected 0 + dlq 0 = 100 == generated 100  → OK');
  });

  it('words an API line by status, in status order', () => {
    expect(requestsLine({ requests: 3, byStatus: { '429': 1, '202': 2 } })).toBe(
      '3 requests (202 2 · 429 1)',
    );
    expect(requestsLine({ requests: 0, byStatus: {} })).toBe('0 requests');
  });
});

describe('orion run', () => {
  it('parses --http-ports against the pipeline’s APIs', () => {
    expect(parseHttpPorts(TOY_OUTBOX_PIPELINE, 'items-api=3000')).toEqual({ 'items-api': 3000 });
    expect(() => parseHttpPorts(TOY_OUTBOX_PIPELINE, 'other-api=3000')).toThrow(
      /no HTTP API "other-api"; APIs are: items-api/,
    );
    expect(() => parseHttpPorts(TOY_OUTBOX_PIPELINE, 'items-api=port')).toThrow(/not <api>=<port>/);
    expect(() => parseHttpPorts(TOY_OUTBOX_PIPELINE, 'items-api=70000')).toThrow(/not <api>=<port>/);
  });

  it('prints a progress line per stream stage and API, none without them', () => {
    expect(formatFunctionsProgress(undefined)).toEqual([]);
    const lines = formatFunctionsProgress({
      httpApis: {
        'items-api': {
          requests: 3,
          byStatus: { '202': 3 },
          invocations: 3,
          inFlight: 1,
          latencyMs: { p50: 4.25, p99: Number.NaN, max: 5 },
        },
      },
      streamStages: {
        'outbox-publisher': {
          records: 3,
          succeeded: 2,
          onFailure: 0,
          pending: 1,
          batches: 2,
          functionErrors: 0,
          retries: 1,
          onFailureRecords: 0,
        },
      },
    });
    expect(lines).toEqual([
      'outbox-publisher in         3  ok         2  on-failure      0  pending       1  batches 2 (errors 0, retries 1)',
      'items-api      3 requests (202 3)  in flight 1  P50 4.3 ms  P99 - ms',
    ]);
  });
});
