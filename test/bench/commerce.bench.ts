/**
 * `npm run bench:commerce`: bulk load of commerce events into `raw-events` with ORION's producer
 * (`createBatchProducer` over `PRODUCER_CONFIG`: kafkajs, idempotent, acks=all, snappy), on
 * private Kafka clusters of 1 and 3 brokers (RF 3, min ISR 2), against Kafka's own producer
 * benchmark (ProducerPerformance, the broker's ceiling) in the same run, beside the KiVendTout
 * seed's 21,411 events/s — and the seed's producer settings replayed by ProducerPerformance on
 * the same cluster. Writes `test/bench/results/commerce-<timestamp>.json`.
 *
 *   npm run bench:commerce -- [--count 300000] [--brokers 1,3] [--ceiling-records <count>]
 *                             [--ceiling-batch-bytes 262144] [--batch 5000] [--in-flight 1]
 *                             [--seed 42] [--payload-sample 20000]
 *
 * - Events: the commerce generator (seeded; Sprint-1 mix, payment chains, a few fraud patterns,
 *   5 % typed defects but no `oversized` one), generated before any timing — the generator's
 *   own events/s is reported apart. Sizes are as produced (JSON, ~240 B).
 * - Topics: `raw-events` exactly as the commerce definition declares it (6 partitions, LZ4 on the
 *   broker, 1 MiB, RF/min ISR fitted to the cluster). ORION writes snappy, so the broker
 *   recompresses every batch to LZ4; the same topic with `compression.type=producer` (batches
 *   kept as sent) shows what that costs, in events/s and in broker CPU.
 * - Ceiling: ProducerPerformance on an identical topic, acks=all, idempotent, snappy, linger 5 ms
 *   (bench:pipeline's settings) with 256 KiB batches — about what ORION sends per partition per
 *   request at `--batch 5000`; with Java's default 16 KB the broker handles 13× more batches and
 *   the "ceiling" falls below ORION on three brokers. Payloads are picked at random among real
 *   generated events (`--payload-file`); ProducerPerformance sends no keys.
 * - Seed settings: ProducerPerformance with KiVendTout's producer config (lz4, acks=all, linger
 *   10 ms, 16 KB batches, 5 in flight, 3 retries, not idempotent) on the spec topic: the seed's
 *   configuration measured on this machine, with the faster Java client instead of kafka-python.
 * - Clusters: own stack homes under `.orion/` and own ports (39092 + 100 × (brokers − 1)), fresh
 *   storage, started one after the other and stopped at the end, on error and on Ctrl-C. The
 *   shared stack (9092) is never touched.
 *
 * A benchmark, not a test: no figure passes or fails; a cluster that does not start, a failed
 * produce or a topic missing records ends the run with an error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCpuMeter } from '../../localstack/main-job/cpu-meter.ts';
import { type LatencySummary, summarizeLatencies } from '../../localstack/main-job/latency.ts';
import { CommerceGenerator } from '../../shared/commerce/generator/commerce-generator.ts';
import { DEFECT_KINDS } from '../../shared/commerce/generator/defects.ts';
import { commerceTopicSpec } from '../../shared/commerce/pipeline.ts';
import { COMMERCE_TOPIC } from '../../shared/commerce/routing.ts';
import { createKafkaConnections } from '../../shared/kafka/client.ts';
import { createBatchProducer, type OutboundRecord } from '../../shared/kafka/producer.ts';
import { applyTopics } from '../../shared/kafka/topic-apply.ts';
import { resolveTopics } from '../../shared/pipeline/index.ts';
import type { CompressionType, ResolvedTopic } from '../../shared/pipeline/types.ts';
import { chunk } from '../../shared/util/chunk.ts';
import { mapBounded } from '../../shared/util/map-bounded.ts';
import { exitOnHelp, numberListOption, numberOption } from './support/cli.ts';
import {
  type PrivateKafka,
  startPrivateKafka,
  stopAllPrivateKafka,
  stopPrivateKafka,
} from './support/private-kafka.ts';
import { CEILING_PRODUCER_PROPS, runProducerPerformance } from './support/producer-performance.ts';
import { benchEnvironment, writeBenchResult } from './support/results.ts';
import { fmt, formatTable } from './support/table.ts';

const USAGE = `
npm run bench:commerce -- [options]

  --count <n>            events produced per ORION run (default 300000)
  --brokers <list>       private clusters to run, one after the other (default 1,3)
  --ceiling-records <n>  records of each ProducerPerformance run (default: --count)
  --ceiling-batch-bytes <n>  batch.size of the ceiling's Java producer (default 262144)
  --batch <n>            events per producer.send, i.e. per sendBatch (default 5000, the loader's chunk)
  --in-flight <n>        batches awaited concurrently (default 1: send, await, send …)
  --seed <n>             generator seed (default 42)
  --payload-sample <n>   generated events written to the ceiling's payload file (default 20000)
`;

/** The KiVendTout seed's measured bulk load (kivendtout-kafka-streaming.md, "Performance mesurée"). */
const KIVENDTOUT = {
  events: 71_694,
  seconds: 3.35,
  eventsPerSecond: 21_411,
  client: 'kafka-python',
  config: 'lz4, acks=all, linger 10 ms, batch 16 KB, max in flight 5',
  brokers: 3,
} as const;

/** KiVendTout's kafka-python producer config, in the Java client's names. */
const SEED_PRODUCER_PROPS: Readonly<Record<string, string | number | boolean>> = {
  acks: 'all',
  'compression.type': 'lz4',
  'linger.ms': 10,
  'batch.size': 16_384,
  'max.in.flight.requests.per.connection': 5,
  retries: 3,
  'enable.idempotence': false,
};

/** Share of typed defects, as `orion generate` and the main job default to. */
const INVALID_RATIO = 0.05;
/**
 * Every defect but `oversized`: its 1 MiB + 1 B value (one in ~400 events at 5 %) would be most of
 * the bytes of the run, and the broker refuses it (`max.message.bytes` 1 MiB).
 */
const DEFECTS = DEFECT_KINDS.filter((kind) => kind !== 'oversized');
/** One fraud customer per this many events. */
const EVENTS_PER_FRAUD_CUSTOMER = 20_000;
/** Events sent before timing an ORION run: connects (InitProducerId) and loads the topic's metadata. */
const WARMUP_EVENTS = 500;
/** Deadline of one batch (createBatchProducer's timeout). */
const BATCH_TIMEOUT_MS = 60_000;
const MIB = 1024 * 1024;
const RAW_EVENTS = commerceTopicSpec(COMMERCE_TOPIC.rawEvents);

/** One pre-generated event. */
interface BenchEvent {
  readonly key: string;
  readonly value: Buffer | null;
}

/** A variant of the `raw-events` topic. */
interface TopicVariant {
  readonly compression: CompressionType;
  /** Topic name suffix (the ORION run on the spec variant writes `raw-events` itself). */
  readonly suffix: string;
  readonly label: string;
}

const VARIANTS: readonly TopicVariant[] = [
  { compression: RAW_EVENTS.compression, suffix: '', label: `${RAW_EVENTS.compression} (spec)` },
  { compression: 'producer', suffix: '.compression-producer', label: 'producer' },
];

/** ORION's producer; ProducerPerformance as the ceiling; ProducerPerformance with the KiVendTout seed's settings. */
type ProducerKind = 'orion' | 'ceiling' | 'seed-config';

const PRODUCER_LABEL: Readonly<Record<ProducerKind, string>> = {
  orion: 'ORION (kafkajs, snappy)',
  ceiling: 'ProducerPerformance (ceiling)',
  'seed-config': 'ProducerPerformance (seed settings)',
};

/** One measured run. */
interface Row {
  readonly cluster: string;
  readonly brokers: number;
  readonly producer: ProducerKind;
  readonly producerLabel: string;
  readonly topic: string;
  readonly topicCompression: CompressionType;
  readonly events: number;
  /** MiB of values (keys not counted, as ProducerPerformance counts payload bytes only). */
  readonly mb: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly mbPerSecond: number;
  /** ORION: per batch (send → all acks); ceiling: per record (send → ack callback). */
  readonly ackLatencyMs: {
    readonly per: 'batch' | 'record';
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
  };
  /** CPU seconds of the producing process: this Node process (ORION) or the tool's JVM, its start included (ceiling). */
  readonly clientCpuSeconds: number;
  /** CPU seconds of all broker JVMs during the run. */
  readonly brokerCpuSeconds: number;
  readonly brokerCpuMicrosPerEvent: number;
  readonly extra: Readonly<Record<string, unknown>>;
}

interface Options {
  readonly count: number;
  readonly brokers: readonly number[];
  readonly ceilingRecords: number;
  readonly ceilingBatchBytes: number;
  readonly batch: number;
  readonly inFlight: number;
  readonly seed: number;
  readonly payloadSample: number;
}

function readOptions(): Options {
  const count = Math.floor(numberOption('count', 300_000));
  const options: Options = {
    count,
    brokers: numberListOption('brokers', [1, 3]),
    ceilingRecords: Math.floor(numberOption('ceiling-records', count)),
    ceilingBatchBytes: Math.floor(numberOption('ceiling-batch-bytes', 256 * 1024)),
    batch: Math.floor(numberOption('batch', 5000)),
    inFlight: Math.floor(numberOption('in-flight', 1)),
    seed: Math.floor(numberOption('seed', 42)),
    payloadSample: Math.floor(numberOption('payload-sample', 20_000)),
  };
  for (const [name, value] of Object.entries(options))
    if (typeof value === 'number' && value < 1) throw new Error(`--${name} must be ≥ 1, got ${value}`);
  return options;
}

// ---------------------------------------------------------------------------------------------
// events

/** Nearest-rank percentile of sorted sizes. */
const percentile = (sorted: Float64Array, q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

/** Generates `count` events (the first `count` of a run of `count` primaries) and times it. */
function generateEvents(count: number, seed: number) {
  const generator = new CommerceGenerator({
    seed,
    startMs: Date.UTC(2026, 0, 1),
    count,
    speed: 'max',
    invalidRatio: INVALID_RATIO,
    defects: DEFECTS,
    fraudCustomers: Math.max(1, Math.round(count / EVENTS_PER_FRAUD_CUSTOMER)),
  });
  const events: BenchEvent[] = new Array(count);
  const byType: Record<string, number> = {};
  let invalid = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const r = generator.next();
    if (r === undefined) throw new Error(`the generator ended after ${i} events`);
    // A Buffer view of the generator's bytes (no copy): what kafkajs expects.
    const value =
      r.value === null ? null : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    events[i] = { key: r.key, value };
    byType[r.eventType] = (byType[r.eventType] ?? 0) + 1;
    if (r.expected !== 'valid') invalid++;
  }
  const ms = performance.now() - started;
  const sizes = Float64Array.from(events, (e) => e.value?.length ?? 0).sort();
  const valueBytes = sizes.reduce((a, b) => a + b, 0);
  const keyBytes = events.reduce((a, e) => a + Buffer.byteLength(e.key), 0);
  return {
    events,
    stats: {
      events: count,
      seconds: ms / 1000,
      eventsPerSecond: Math.round(count / (ms / 1000)),
      seed,
      invalidRatio: INVALID_RATIO,
      defects: DEFECTS,
      fraudCustomers: generator.groundTruth().length,
      invalid,
      byType,
      valueBytes,
      keyBytes,
      valueSize: {
        avg: Math.round(valueBytes / count),
        p50: percentile(sizes, 0.5),
        p99: percentile(sizes, 0.99),
        max: percentile(sizes, 1),
      },
    },
  };
}

/**
 * The ceiling's payload file: the first `sample` events that ProducerPerformance can carry
 * as they are (UTF-8 text, one a line: not null, not empty, valid UTF-8, no newline).
 */
function writePayloadFile(events: readonly BenchEvent[], sample: number, dir: string) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines: string[] = [];
  for (const e of events) {
    if (lines.length >= sample) break;
    if (e.value === null || e.value.length === 0 || e.value.includes(0x0a)) continue;
    try {
      lines.push(decoder.decode(e.value));
    } catch {
      // invalid_utf8 defect: Java would read it with replacement characters, i.e. other bytes
    }
  }
  const file = join(dir, 'payloads.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const bytes = lines.reduce((a, l) => a + Buffer.byteLength(l), 0);
  return { file, payloads: lines.length, avgBytes: Math.round(bytes / Math.max(1, lines.length)) };
}

// ---------------------------------------------------------------------------------------------
// runs

function clusterLabel(brokers: number, topic: ResolvedTopic): string {
  return brokers === 1
    ? '1 broker'
    : `${brokers} brokers (RF ${topic.replicationFactor}, min ISR ${topic.minInSyncReplicas})`;
}

async function endOffsetSum(cluster: PrivateKafka, topic: string): Promise<number> {
  const offsets = await cluster.admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** Fails the run when the topic does not hold exactly what was acknowledged. */
async function expectRecords(cluster: PrivateKafka, topic: string, expected: number): Promise<void> {
  const found = await endOffsetSum(cluster, topic);
  if (found !== expected)
    throw new Error(`${topic} on ${cluster.name} holds ${found} records, ${expected} were acknowledged`);
}

/** ORION's producer: `--batch` events per `send` (one sendBatch, awaited), `--in-flight` at a time. */
async function runOrion(
  cluster: PrivateKafka,
  topic: ResolvedTopic,
  events: readonly BenchEvent[],
  valueBytes: number,
  options: Options,
): Promise<Row> {
  const connections = createKafkaConnections(cluster.kafka);
  const producer = createBatchProducer(connections, { timeoutMs: BATCH_TIMEOUT_MS });
  const records: OutboundRecord[] = events.map((e) => ({ topic: topic.name, key: e.key, value: e.value }));
  const batches = chunk(records, options.batch);
  const latencies: number[] = [];
  try {
    await producer.send(records.slice(0, WARMUP_EVENTS));
    const meter = startCpuMeter({ pids: { brokers: cluster.pids } });
    const started = performance.now();
    await mapBounded(batches, options.inFlight, async (batch) => {
      const sent = performance.now();
      await producer.send(batch);
      latencies.push(performance.now() - sent);
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = meter.stop();
    await expectRecords(cluster, topic.name, records.length + Math.min(WARMUP_EVENTS, records.length));
    const latency: LatencySummary = summarizeLatencies(latencies);
    const mb = valueBytes / MIB;
    return {
      cluster: clusterLabel(cluster.brokerCount, topic),
      brokers: cluster.brokerCount,
      producer: 'orion',
      producerLabel: PRODUCER_LABEL.orion,
      topic: topic.name,
      topicCompression: topic.compression,
      events: records.length,
      mb,
      seconds,
      eventsPerSecond: records.length / seconds,
      mbPerSecond: mb / seconds,
      ackLatencyMs: { per: 'batch', p50: latency.p50, p99: latency.p99, max: latency.max },
      clientCpuSeconds: cpu['main process'] ?? Number.NaN,
      brokerCpuSeconds: cpu.brokers ?? Number.NaN,
      brokerCpuMicrosPerEvent: ((cpu.brokers ?? Number.NaN) * 1e6) / records.length,
      extra: {
        batch: options.batch,
        inFlight: options.inFlight,
        batches: batches.length,
        warmupEvents: WARMUP_EVENTS,
      },
    };
  } finally {
    await connections.disconnect();
  }
}

/** Producer settings of a ProducerPerformance run. */
function javaProducerProps(producer: Exclude<ProducerKind, 'orion'>, options: Options) {
  return producer === 'ceiling'
    ? { ...CEILING_PRODUCER_PROPS, 'batch.size': options.ceilingBatchBytes }
    : SEED_PRODUCER_PROPS;
}

/** Kafka's ProducerPerformance on a topic identical to the ORION run's, real events as payloads. */
async function runJava(
  cluster: PrivateKafka,
  producer: Exclude<ProducerKind, 'orion'>,
  topic: ResolvedTopic,
  payloadFile: string,
  options: Options,
): Promise<Row> {
  const producerProps = javaProducerProps(producer, options);
  const meter = startCpuMeter({ pids: { brokers: cluster.pids } });
  const result = await runProducerPerformance({
    brokers: cluster.brokers,
    topic: topic.name,
    records: options.ceilingRecords,
    payload: { payloadFile },
    producerProps,
  });
  const cpu = meter.stop();
  await expectRecords(cluster, topic.name, options.ceilingRecords);
  const seconds = result.records / result.recordsPerSecond;
  return {
    cluster: clusterLabel(cluster.brokerCount, topic),
    brokers: cluster.brokerCount,
    producer,
    producerLabel: PRODUCER_LABEL[producer],
    topic: topic.name,
    topicCompression: topic.compression,
    events: result.records,
    mb: result.mbPerSecond * seconds,
    seconds,
    eventsPerSecond: result.recordsPerSecond,
    mbPerSecond: result.mbPerSecond,
    ackLatencyMs: { per: 'record', p50: result.p50Ms, p99: result.p99Ms, max: result.maxLatencyMs },
    clientCpuSeconds: result.cpuSeconds,
    brokerCpuSeconds: cpu.brokers ?? Number.NaN,
    brokerCpuMicrosPerEvent: ((cpu.brokers ?? Number.NaN) * 1e6) / result.records,
    extra: { producerProps, summary: result.line },
  };
}

/** One run of a cluster: who produces, into which topic. */
interface PlannedRun {
  readonly producer: ProducerKind;
  readonly topic: ResolvedTopic;
}

/**
 * The runs of one cluster, in order: on each topic variant ORION then the ceiling, and the seed's
 * settings on the spec topic. Every run has its own, identical, topic.
 */
function planRuns(brokers: number): PlannedRun[] {
  const plan: { producer: ProducerKind; variant: TopicVariant }[] = VARIANTS.flatMap((variant) => [
    { producer: 'orion' as const, variant },
    { producer: 'ceiling' as const, variant },
    ...(variant.compression === RAW_EVENTS.compression
      ? [{ producer: 'seed-config' as const, variant }]
      : []),
  ]);
  const topics = resolveTopics(
    brokers,
    plan.map(({ producer, variant }) => ({
      ...RAW_EVENTS,
      name: `${RAW_EVENTS.name}${producer === 'orion' ? '' : `.${producer}`}${variant.suffix}`,
      compression: variant.compression,
    })),
  );
  return plan.map(({ producer }, i) => ({ producer, topic: topics[i]! }));
}

/** Every run on one fresh private cluster, which is stopped afterwards whatever happens. */
async function benchCluster(
  brokers: number,
  events: readonly BenchEvent[],
  valueBytes: number,
  payloadFile: string,
  options: Options,
) {
  const name = `bench-commerce-${brokers}-broker${brokers > 1 ? 's' : ''}`;
  const kafkaPort = 39092 + 100 * (brokers - 1);
  console.log(`\n== ${name}: starting ${brokers} broker(s) on 127.0.0.1:${kafkaPort} …`);
  const cluster = await startPrivateKafka({
    name,
    brokers,
    kafkaPort,
    log: (line) => console.log(`   ${line}`),
  });
  const rows: Row[] = [];
  try {
    const runs = planRuns(brokers);
    await applyTopics(
      cluster.admin,
      runs.map((r) => r.topic),
    );
    for (const { producer, topic } of runs) {
      console.log(`   ${PRODUCER_LABEL[producer]} → ${topic.name} (compression.type=${topic.compression}) …`);
      const row =
        producer === 'orion'
          ? await runOrion(cluster, topic, events, valueBytes, options)
          : await runJava(cluster, producer, topic, payloadFile, options);
      console.log(
        `     ${fmt(row.eventsPerSecond)} events/s, ${fmt(row.mbPerSecond, 1)} MiB/s, ` +
          `ack P99 ${fmt(row.ackLatencyMs.p99)} ms per ${row.ackLatencyMs.per}`,
      );
      rows.push(row);
    }
    return {
      rows,
      cluster: {
        name,
        brokers,
        bootstrap: cluster.brokers,
        version: cluster.version,
        coldStartMs: cluster.coldStartMs,
        topics: runs.map(({ topic: t }) => ({
          name: t.name,
          partitions: t.partitions,
          replicationFactor: t.replicationFactor,
          minInSyncReplicas: t.minInSyncReplicas,
          configs: t.configs,
        })),
      },
    };
  } finally {
    const pids = await stopPrivateKafka(cluster);
    console.log(`   stopped ${name} (pids ${pids.join(',')})`);
  }
}

// ---------------------------------------------------------------------------------------------
// report

function comparisons(rows: readonly Row[]) {
  return [...new Set(rows.map((r) => r.brokers))].map((brokers) => {
    const find = (producer: ProducerKind, compression: CompressionType) =>
      rows.find(
        (r) => r.brokers === brokers && r.producer === producer && r.topicCompression === compression,
      );
    const orionSpec = find('orion', RAW_EVENTS.compression);
    const orionProducer = find('orion', 'producer');
    const ceilingSpec = find('ceiling', RAW_EVENTS.compression);
    const ceilingProducer = find('ceiling', 'producer');
    const seedConfig = find('seed-config', RAW_EVENTS.compression);
    const ratio = (a?: number, b?: number) =>
      a !== undefined && b ? Math.round((a / b) * 1000) / 1000 : undefined;
    return {
      brokers,
      orionEventsPerSecond: orionSpec?.eventsPerSecond,
      shareOfCeiling: ratio(orionSpec?.eventsPerSecond, ceilingSpec?.eventsPerSecond),
      timesKiVendTout: ratio(orionSpec?.eventsPerSecond, KIVENDTOUT.eventsPerSecond),
      ceilingTimesKiVendTout: ratio(ceilingSpec?.eventsPerSecond, KIVENDTOUT.eventsPerSecond),
      seedConfigEventsPerSecond: seedConfig?.eventsPerSecond,
      timesSeedConfig: ratio(orionSpec?.eventsPerSecond, seedConfig?.eventsPerSecond),
      recompression: {
        orionSpeedupWithoutRecompression: ratio(orionProducer?.eventsPerSecond, orionSpec?.eventsPerSecond),
        ceilingSpeedupWithoutRecompression: ratio(
          ceilingProducer?.eventsPerSecond,
          ceilingSpec?.eventsPerSecond,
        ),
        orionBrokerCpuMicrosPerEvent: {
          [RAW_EVENTS.compression]: orionSpec?.brokerCpuMicrosPerEvent,
          producer: orionProducer?.brokerCpuMicrosPerEvent,
        },
        ceilingBrokerCpuMicrosPerEvent: {
          [RAW_EVENTS.compression]: ceilingSpec?.brokerCpuMicrosPerEvent,
          producer: ceilingProducer?.brokerCpuMicrosPerEvent,
        },
      },
    };
  });
}

function printReport(
  rows: readonly Row[],
  generator: { eventsPerSecond: number; events: number },
  options: Options,
): void {
  const header = [
    'cluster',
    'producer',
    'topic compression',
    'events',
    'MiB',
    'events/s',
    'MiB/s',
    'ack P50 ms*',
    'ack P99 ms*',
    'client CPU s',
    'broker CPU s',
  ];
  const body = rows.map((r) => [
    r.cluster,
    r.producerLabel,
    r.topicCompression,
    fmt(r.events),
    fmt(r.mb, 1),
    fmt(r.eventsPerSecond),
    fmt(r.mbPerSecond, 1),
    fmt(r.ackLatencyMs.p50),
    fmt(r.ackLatencyMs.p99),
    fmt(r.clientCpuSeconds, 1),
    fmt(r.brokerCpuSeconds, 1),
  ]);
  body.push([
    `${KIVENDTOUT.brokers} brokers (seed)`,
    `KiVendTout seed (${KIVENDTOUT.client})`,
    'lz4',
    fmt(KIVENDTOUT.events),
    '—',
    fmt(KIVENDTOUT.eventsPerSecond),
    '—',
    '< 5',
    '< 20',
    '—',
    '—',
  ]);
  console.log(`\n== commerce bulk load (generator alone: ${fmt(generator.eventsPerSecond)} events/s)\n`);
  console.log(formatTable(header, body, 3));
  console.log(
    '\n* ORION: per batch of --batch events (one sendBatch, send → acknowledged by all in-sync replicas); ' +
      'ProducerPerformance: per record (send → ack), queueing in the client included. Client CPU: this ' +
      "Node process (ORION) or the tool's JVM, its start included. MiB: values only (2^20 B). " +
      `Ceiling: snappy, idempotent, linger 5 ms, batch.size ${fmt(options.ceilingBatchBytes)} B. ` +
      `Seed settings: ${KIVENDTOUT.config}, not idempotent. KiVendTout seed: its own figures ` +
      `(${KIVENDTOUT.events.toLocaleString('en-US')} events in ${KIVENDTOUT.seconds} s on ${KIVENDTOUT.brokers} brokers).`,
  );
  for (const c of comparisons(rows)) {
    const pct = (x?: number) => (x === undefined ? '—' : `${(x * 100).toFixed(0)} %`);
    const times = (x?: number) => (x === undefined ? '—' : `${x.toFixed(2)}×`);
    const us = (x?: number) => (x === undefined ? '—' : `${x.toFixed(1)}`);
    const r = c.recompression;
    const spec = RAW_EVENTS.compression;
    console.log(
      `\n${c.brokers} broker(s): ORION ${fmt(c.orionEventsPerSecond)} events/s = ${pct(c.shareOfCeiling)} of the ceiling, ` +
        `${times(c.timesKiVendTout)} the KiVendTout seed's ${fmt(KIVENDTOUT.eventsPerSecond)} ` +
        `(ceiling ${times(c.ceilingTimesKiVendTout)}), ${times(c.timesSeedConfig)} the seed's settings here (${fmt(c.seedConfigEventsPerSecond)} events/s)`,
    );
    console.log(
      `  recompression snappy → ${spec}: with compression.type=producer ORION ${times(r.orionSpeedupWithoutRecompression)}, ` +
        `ceiling ${times(r.ceilingSpeedupWithoutRecompression)} the events/s; broker CPU µs/event ` +
        `${us(r.orionBrokerCpuMicrosPerEvent[spec])} → ${us(r.orionBrokerCpuMicrosPerEvent.producer)} (ORION), ` +
        `${us(r.ceilingBrokerCpuMicrosPerEvent[spec])} → ${us(r.ceilingBrokerCpuMicrosPerEvent.producer)} (ceiling)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  exitOnHelp(USAGE);
  const options = readOptions();
  const environment = benchEnvironment();
  console.log(
    `== generating ${options.count.toLocaleString('en-US')} commerce events (seed ${options.seed}, ${INVALID_RATIO * 100} % defects) …`,
  );
  const { events, stats } = generateEvents(options.count, options.seed);
  console.log(
    `   ${fmt(stats.eventsPerSecond)} events/s; values avg ${stats.valueSize.avg} B, p99 ${stats.valueSize.p99} B, ` +
      `${fmt(stats.valueBytes / MIB, 1)} MiB in all`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'orion-bench-commerce-'));
  try {
    const payload = writePayloadFile(events, options.payloadSample, dir);
    console.log(`   ceiling payload file: ${fmt(payload.payloads)} real events, avg ${payload.avgBytes} B`);
    const rows: Row[] = [];
    const clusters: unknown[] = [];
    for (const brokers of options.brokers) {
      const result = await benchCluster(brokers, events, stats.valueBytes, payload.file, options);
      rows.push(...result.rows);
      clusters.push(result.cluster);
    }
    printReport(rows, stats, options);
    const file = writeBenchResult('commerce', {
      ...environment,
      options,
      generator: stats,
      ceilingPayload: { payloads: payload.payloads, avgBytes: payload.avgBytes },
      clusters,
      rows,
      comparisons: comparisons(rows),
      kivendtout: KIVENDTOUT,
    });
    console.log(`\nwrote ${file}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await stopAllPrivateKafka();
    process.exit(1);
  },
);
