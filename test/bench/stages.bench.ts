/**
 * `npm run bench:stages`: the cost of each stage per record (validation, normalization, enrichment
 * with in-memory reference data; storage's cost is Cassandra I/O, measured by the pipeline bench), at batch sizes 100, 1 000 and 10 000,
 * in one run and on one workload (generator output, 2 % invalid):
 *
 * - `stage`        — `stage.processBatch` only (pure domain code, no I/O);
 * - `handler`      — the full Lambda handler (MSK event decode, stage, reject headers, batch
 *                    plan, metrics, one log line) with a no-op producer;
 * - `handler+kafka`— the full handler producing to the real broker (one idempotent acks=all
 *                    `sendBatch` per invocation);
 * - `naive` / `naive+kafka` — the seeds' stage code shape: per record, process, ONE awaited
 *                    `producer.send` (acks=all) and ONE `console.log` line.
 *
 * The stages forward to their catalog topics; for the runs against the broker, outputs are
 * redirected to per-run bench topics (same partition counts), deleted at the end, so the bench
 * never pollutes the pipeline topics. stdout is swallowed while timing (both the handler's JSON
 * lines and the baseline's console lines are formatted but not written to the terminal).
 *
 * Writes `test/bench/results/stages-<timestamp>.json` and prints a summary with the ratios.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka, Producer } from 'kafkajs';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { inMemoryReferenceData } from '../../shared/cdr/enrichment/in-memory-reference-data.ts';
import { generateCdrs } from '../../shared/cdr/generator/cdr-generator.ts';
import { TOPIC, topicSpec } from '../../shared/cdr/pipeline.ts';
import { enrichmentStage } from '../../shared/cdr/stages/enrichment-stage.ts';
import { normalizationStage } from '../../shared/cdr/stages/normalization-stage.ts';
import { validationStage } from '../../shared/cdr/stages/validation-stage.ts';
import { createKafka, createKafkaConnections, PRODUCER_CONFIG } from '../../shared/kafka/client.ts';
import { encodeKafkaEvent, type KafkaEvent } from '../../shared/kafka/msk-event.ts';
import { type BatchProducer, createBatchProducer, type OutboundRecord } from '../../shared/kafka/producer.ts';
import type { StageRecord } from '../../shared/kafka/types.ts';
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';
import type { Stage } from '../../shared/runtime/stage.ts';

const BATCH_SIZES = [100, 1_000, 10_000] as const;
const RECORDS = 10_000;
const ROUNDS = 5;
const TARGET_US_PER_RECORD = 10;
const TARGET_IO_RATIO = 10;

type Mode = 'stage' | 'handler' | 'handler+kafka' | 'naive' | 'naive+kafka';

interface Row {
  readonly stage: string;
  readonly mode: Mode;
  readonly batchSize: number;
  readonly records: number;
  /** Median over rounds. */
  readonly ms: number;
  readonly usPerRecord: number;
  readonly recordsPerSecond: number;
}

// ---------------------------------------------------------------------------------------------
// stdout capture: swallow while timing, keep the last EMF line of the handler as a sample.

let emfSample: string | undefined;
let logLines = 0;
const realWrite = process.stdout.write.bind(process.stdout);
function mute(): void {
  process.stdout.write = ((chunk: string | Uint8Array) => {
    logLines++;
    const s = String(chunk);
    if (s.includes('"PipelineAgeMs"')) emfSample = s.trim();
    return true;
  }) as typeof process.stdout.write;
}
function unmute(): void {
  process.stdout.write = realWrite;
}

// ---------------------------------------------------------------------------------------------
// workload

function toStageRecords(
  items: ReadonlyArray<{ topic: string; key: Buffer | string | null; value: Buffer }>,
): StageRecord[] {
  const partitions = new Map<string, number>();
  return items.map((item, i) => {
    const offset = partitions.get(item.topic) ?? 0;
    partitions.set(item.topic, offset + 1);
    return {
      topic: item.topic,
      partition: i % 8,
      offset,
      timestamp: Date.now(),
      key: item.key === null ? null : Buffer.from(item.key),
      value: item.value,
      headers: {},
    };
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function eventsOf(records: readonly StageRecord[], batchSize: number): KafkaEvent[] {
  return chunks(records, batchSize).map((batch) =>
    encodeKafkaEvent(batch, { bootstrapServers: 'bench:9092' }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(rounds: number, fn: () => Promise<void>): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    mute();
    try {
      await fn();
    } finally {
      unmute();
    }
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

function row(stage: string, mode: Mode, batchSize: number, records: number, ms: number): Row {
  return {
    stage,
    mode,
    batchSize,
    records,
    ms: Math.round(ms * 100) / 100,
    usPerRecord: Math.round(((ms * 1000) / records) * 100) / 100,
    recordsPerSecond: Math.round(records / (ms / 1000)),
  };
}

// ---------------------------------------------------------------------------------------------
// producers

const noopProducer: BatchProducer = { send: async () => {} };

/** Redirects catalog topics to this run's bench topics. */
function redirect(producer: BatchProducer, topics: ReadonlyMap<string, string>): BatchProducer {
  return {
    send: (records) =>
      producer.send(records.map((r): OutboundRecord => ({ ...r, topic: topics.get(r.topic) ?? r.topic }))),
  };
}

/** The seeds' shape: per record, process, one awaited send, one log line. */
async function naive(
  stage: Stage,
  records: readonly StageRecord[],
  send: (topic: string, key: Buffer | string | null, value: Buffer | string | null) => Promise<unknown>,
  topics: ReadonlyMap<string, string>,
): Promise<void> {
  for (const record of records) {
    const [result] = await stage.processBatch([record]);
    if (result!.kind === 'forward') {
      await send(topics.get(result!.topic) ?? result!.topic, result!.key, result!.value);
      console.log(`Sent valid CDR ${record.offset} to ${result!.topic}`);
    } else if (result!.kind === 'reject') {
      await send(topics.get(TOPIC.rejected) ?? TOPIC.rejected, record.key, record.value);
      console.log(`Sent rejected CDR to ${TOPIC.rejected}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  process.env.POWERTOOLS_SERVICE_NAME ??= 'orion-bench';
  const brokers = localEndpoints(process.env).kafkaBrokers;
  const runId = Date.now().toString(36);

  // Workload: raw records for validation; validation's forwards for normalization.
  const generated = generateCdrs(
    {
      seed: 20_261_122,
      invalidShares: { MALFORMED_IMSI: 0.01, UNPARSEABLE: 0.005, START_TIME_TOO_OLD: 0.005 },
    },
    RECORDS,
  );
  const raw = toStageRecords(generated);
  const validation = validationStage();
  const normalization = normalizationStage();
  const validated = (await validation.processBatch(raw)).flatMap((r) =>
    r.kind === 'forward' ? [{ topic: TOPIC.validated, key: r.key, value: Buffer.from(r.value) }] : [],
  );
  const normInput = toStageRecords(validated);
  const normalized = (await normalization.processBatch(normInput)).flatMap((r) =>
    r.kind === 'forward' ? [{ topic: TOPIC.normalized, key: r.key, value: Buffer.from(r.value) }] : [],
  );
  // Enrichment reads its reference data through its port: in memory here (no DynamoDB I/O), so
  // its figures are the domain cost plus the Kafka produce.
  const enrichment = enrichmentStage(inMemoryReferenceData());
  const workloads: Array<{ stage: Stage; records: StageRecord[] }> = [
    { stage: validation, records: raw },
    { stage: normalization, records: normInput },
    { stage: enrichment, records: toStageRecords(normalized) },
  ];

  // Broker side: bench topics mirroring the catalog outputs, a batch producer, a naive producer.
  const kafka: Kafka = createKafka({ brokers, auth: 'none', clientId: 'orion-bench' });
  const admin = kafka.admin();
  let brokerUp = true;
  try {
    await admin.connect();
  } catch (error) {
    brokerUp = false;
    console.error(
      `no broker at ${brokers.join(',')} (${(error as Error).message}): runs with I/O are skipped — start it with \`npx orion stack up\``,
    );
  }
  const benchTopics = new Map<string, string>(
    [TOPIC.validated, TOPIC.normalized, TOPIC.enriched, TOPIC.rejected].map((t) => [
      t,
      `bench.${runId}.${t}`,
    ]),
  );
  const connections = createKafkaConnections(kafka);
  let naiveProducer: Producer | undefined;
  if (brokerUp) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [...benchTopics].map(([catalog, bench]) => ({
        topic: bench,
        numPartitions: topicSpec(catalog).partitions,
        configEntries: [{ name: 'compression.type', value: 'snappy' }],
      })),
    });
    naiveProducer = kafka.producer(PRODUCER_CONFIG);
    await naiveProducer.connect();
  }
  const kafkaProducer = redirect(createBatchProducer(connections, { timeoutMs: 30_000 }), benchTopics);

  const rows: Row[] = [];
  try {
    for (const { stage, records } of workloads) {
      const handlerNoop = createKafkaHandler(stage, { producer: noopProducer });
      const handlerKafka = createKafkaHandler(stage, { producer: kafkaProducer });
      // Warm-up (JIT, caches, connections): the first pass over a workload costs several times more.
      await time(2, async () => {
        for (const b of chunks(records, 1_000)) await stage.processBatch(b);
        for (const e of eventsOf(records, 1_000)) await handlerNoop(e);
        if (brokerUp) for (const e of eventsOf(records.slice(0, 2_000), 1_000)) await handlerKafka(e);
      });

      for (const batchSize of BATCH_SIZES) {
        const batches = chunks(records, batchSize);
        const events = eventsOf(records, batchSize);
        rows.push(
          row(
            stage.name,
            'stage',
            batchSize,
            records.length,
            await time(ROUNDS, async () => {
              for (const b of batches) await stage.processBatch(b);
            }),
          ),
        );
        rows.push(
          row(
            stage.name,
            'handler',
            batchSize,
            records.length,
            await time(ROUNDS, async () => {
              for (const e of events) await handlerNoop(e);
            }),
          ),
        );
        if (brokerUp) {
          rows.push(
            row(
              stage.name,
              'handler+kafka',
              batchSize,
              records.length,
              await time(ROUNDS, async () => {
                for (const e of events) await handlerKafka(e);
              }),
            ),
          );
        }
      }
      // The naive baseline does not batch: one run, reported against every batch size.
      const naiveNoop = await time(ROUNDS, () => naive(stage, records, async () => {}, benchTopics));
      const naiveKafka =
        brokerUp && naiveProducer
          ? await time(1, () =>
              naive(
                stage,
                records,
                (topic, key, value) => naiveProducer!.send({ topic, acks: -1, messages: [{ key, value }] }),
                benchTopics,
              ),
            )
          : undefined;
      for (const batchSize of BATCH_SIZES) {
        rows.push(row(stage.name, 'naive', batchSize, records.length, naiveNoop));
        if (naiveKafka !== undefined)
          rows.push(row(stage.name, 'naive+kafka', batchSize, records.length, naiveKafka));
      }
    }
  } finally {
    await naiveProducer?.disconnect();
    await connections.disconnect();
    if (brokerUp) {
      await admin.deleteTopics({ topics: [...benchTopics.values()] }).catch(() => undefined);
      await admin.disconnect();
    }
  }

  // Summary.
  const find = (stage: string, mode: Mode, batchSize: number) =>
    rows.find((r) => r.stage === stage && r.mode === mode && r.batchSize === batchSize);
  const summary = workloads.flatMap(({ stage }) =>
    BATCH_SIZES.map((batchSize) => {
      const s = find(stage.name, 'stage', batchSize)!;
      const h = find(stage.name, 'handler', batchSize)!;
      const hk = find(stage.name, 'handler+kafka', batchSize);
      const nk = find(stage.name, 'naive+kafka', batchSize);
      const n = find(stage.name, 'naive', batchSize)!;
      return {
        stage: stage.name,
        batchSize,
        stageUsPerRecord: s.usPerRecord,
        handlerUsPerRecord: h.usPerRecord,
        handlerKafkaUsPerRecord: hk?.usPerRecord,
        handlerKafkaRecordsPerSecond: hk?.recordsPerSecond,
        naiveRecordsPerSecond: n.recordsPerSecond,
        naiveKafkaRecordsPerSecond: nk?.recordsPerSecond,
        ioSpeedup: hk && nk ? Math.round((hk.recordsPerSecond / nk.recordsPerSecond) * 10) / 10 : undefined,
        meetsStageTarget: s.usPerRecord <= TARGET_US_PER_RECORD,
        meetsIoTarget: hk && nk ? hk.recordsPerSecond >= TARGET_IO_RATIO * nk.recordsPerSecond : undefined,
      };
    }),
  );

  const result = {
    runAt: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    brokers,
    records: RECORDS,
    rounds: ROUNDS,
    targets: { stageUsPerRecord: TARGET_US_PER_RECORD, ioSpeedupOverNaive: TARGET_IO_RATIO },
    summary,
    rows,
    swallowedStdoutLines: logLines,
    pipelineAgeEmfSample: emfSample ? JSON.parse(emfSample) : undefined,
  };
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `stages-${result.runAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  const fmt = (v: number | undefined, digits = 1) =>
    v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits });
  const table = [
    [
      'stage',
      'batch',
      'stage µs/rec',
      'handler µs/rec',
      'handler+kafka µs/rec',
      'handler+kafka rec/s',
      'naive+kafka rec/s',
      'speed-up',
    ],
    ...summary.map((s) => [
      s.stage,
      fmt(s.batchSize, 0),
      `${fmt(s.stageUsPerRecord, 2)}${s.meetsStageTarget ? '' : ' (!)'}`,
      fmt(s.handlerUsPerRecord, 2),
      fmt(s.handlerKafkaUsPerRecord, 2),
      fmt(s.handlerKafkaRecordsPerSecond, 0),
      fmt(s.naiveKafkaRecordsPerSecond, 0),
      s.ioSpeedup === undefined ? '—' : `${s.ioSpeedup}×${s.meetsIoTarget ? '' : ' (!)'}`,
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((c, j) => (j < 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(
    `\ntargets: stage ≤ ${TARGET_US_PER_RECORD} µs/record without I/O; with I/O ≥ ${TARGET_IO_RATIO}× the naive baseline's records/s ((!) = missed)`,
  );
  if (emfSample)
    console.log(
      `\npipeline-age metric sample (one EMF line of the last handler batch):\n${emfSample.slice(0, 600)}${emfSample.length > 600 ? ' …' : ''}`,
    );
  console.log(`\nwrote ${file}`);
}

main().catch((error: unknown) => {
  unmute();
  console.error(error);
  process.exitCode = 1;
});
