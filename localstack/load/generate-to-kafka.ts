/**
 * Produces a pipeline's generated load (a {@link LocalRunLoad} from its local-run module) to
 * Kafka: one batched, idempotent, acks=all produce per chunk, at a target rate times a speed
 * multiplier (as the seed generator's `PRODUCER_SPEED` 1x/10x/100x). Used by `orion generate`,
 * the main job and the pipeline benchmark; what the records are is the module's business.
 */
import type { Message, Producer } from 'kafkajs';
import { createKafka, FAILOVER_RETRY, PRODUCER_CONFIG } from '../../shared/kafka/client.ts';
import type { LoadRecord, LocalRunLoad } from '../../shared/pipeline/local-run.ts';

/** Values above this are sent alone: the broker refuses records over `message.max.bytes` (1 MB by default). */
const LARGE_VALUE_BYTES = 900 * 1024;

/** Most records in one produce. */
const MAX_CHUNK = 5000;

const bytesOf = (value: string | Buffer | null) =>
  value === null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;

/** Options of {@link generateToKafka}. */
export interface GenerateOptions {
  readonly brokers: readonly string[];
  /** Where the records come from. */
  readonly load: LocalRunLoad;
  /** Records to produce; a load that says its own size ({@link LocalRunLoad.size}) gets exactly that many. */
  readonly count: number;
  /** Target records per second before the speed multiplier; 0 = as fast as possible. */
  readonly rate: number;
  /** Speed multiplier applied to `rate` (1, 10, 100 …). */
  readonly speed: number;
  /** Called after each chunk with the running totals. */
  readonly onProgress?: (report: GenerateReport) => void;
  /** Called with each chunk's records the broker acknowledged, and when it acknowledged them. */
  readonly onProduced?: (records: readonly LoadRecord[], acknowledgedAtMs: number) => void;
}

/** What was produced. */
export interface GenerateReport {
  produced: number;
  /** Records the broker refused (larger than its maximum message size). */
  refusedByBroker: number;
  /** Produced records per expected outcome ({@link LoadRecord.expected}). */
  readonly expected: Record<string, number>;
  readonly perTopic: Record<string, number>;
  durationMs: number;
}

/**
 * Produces `count` records of `load`.
 * @example await generateToKafka({ brokers: ['127.0.0.1:9092'], load, count: 1000, rate: 0, speed: 1 })
 */
export async function generateToKafka(options: GenerateOptions): Promise<GenerateReport> {
  // A load outlives a broker failover, as its producer's retries do (PRODUCER_CONFIG).
  const kafka = createKafka({
    brokers: options.brokers,
    auth: 'none',
    clientId: 'orion-generate',
    retry: FAILOVER_RETRY,
  });
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const report: GenerateReport = {
    produced: 0,
    refusedByBroker: 0,
    expected: {},
    perTopic: {},
    durationMs: 0,
  };
  const count = options.load.size ?? options.count;
  const effectiveRate = options.rate * options.speed;
  const chunk =
    effectiveRate > 0 ? Math.max(1, Math.min(MAX_CHUNK, Math.round(effectiveRate / 20))) : MAX_CHUNK;
  const started = Date.now();
  try {
    for (let done = 0; done < count; ) {
      const records = options.load.next(Math.min(chunk, count - done));
      if (records.length === 0) break; // exhausted before its size: nothing more to produce
      const produced = await produceChunk(producer, records, report);
      options.onProduced?.(produced, Date.now());
      done += records.length;
      report.durationMs = Date.now() - started;
      options.onProgress?.(report);
      if (effectiveRate > 0) {
        const due = started + (done / effectiveRate) * 1000;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
    }
  } finally {
    await producer.disconnect();
  }
  report.durationMs = Date.now() - started;
  return report;
}

/** One awaited produce for the chunk; oversized values alone (the broker may refuse them). */
async function produceChunk(
  producer: Producer,
  records: readonly LoadRecord[],
  report: GenerateReport,
): Promise<LoadRecord[]> {
  const byTopic = new Map<string, Message[]>();
  const large: LoadRecord[] = [];
  for (const r of records) {
    if (bytesOf(r.value) > LARGE_VALUE_BYTES) {
      large.push(r);
      continue;
    }
    let messages = byTopic.get(r.topic);
    if (!messages) {
      messages = [];
      byTopic.set(r.topic, messages);
    }
    messages.push({ key: r.key, value: r.value });
  }
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the generator's produce of ${records.length - large.length} records failed: ${reason}`, {
      cause: error,
    });
  }
  const produced = records.filter((r) => bytesOf(r.value) <= LARGE_VALUE_BYTES);
  for (const r of large) {
    try {
      await producer.send({ topic: r.topic, acks: -1, messages: [{ key: r.key, value: r.value }] });
      produced.push(r);
    } catch {
      report.refusedByBroker++;
    }
  }
  for (const r of produced) {
    report.produced++;
    report.expected[r.expected] = (report.expected[r.expected] ?? 0) + 1;
    report.perTopic[r.topic] = (report.perTopic[r.topic] ?? 0) + 1;
  }
  return produced;
}
