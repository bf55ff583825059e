/**
 * Produces raw CDRs from the deterministic generator (shared/cdr) to the per-country raw topics,
 * keyed by IMSI, with one batched, idempotent, acks=all produce per chunk, at a target rate times a
 * speed multiplier (as the seed generator's `PRODUCER_SPEED` 1x/10x/100x). Used by
 * `orion generate`, the main job and the pipeline benchmark.
 */
import type { Message } from 'kafkajs';
import { CdrGenerator, type GeneratedCdr } from '../../shared/cdr/generator/cdr-generator.ts';
import { DEFAULT_INVALID_SHARES, type InvalidKind } from '../../shared/cdr/generator/invalid-kinds.ts';
import { createKafka, PRODUCER_CONFIG } from '../../shared/kafka/client.ts';
import type { CountryCode } from '../../shared/cdr/countries.ts';

/** Values above this are sent alone: the broker refuses records over `message.max.bytes` (1 MB by default). */
const LARGE_VALUE_BYTES = 900 * 1024;

/** Options of {@link generateToKafka}. */
export interface GenerateOptions {
  readonly brokers: readonly string[];
  readonly countries: readonly CountryCode[];
  readonly count: number;
  /** Target records per second before the speed multiplier; 0 = as fast as possible. */
  readonly rate: number;
  /** Speed multiplier applied to `rate` (1, 10, 100 …). */
  readonly speed: number;
  /** Share (0–1) of invalid records, spread over every invalid kind as in the default mix. */
  readonly invalidRatio: number;
  readonly seed: number;
  /** Called after each chunk with the running totals. */
  readonly onProgress?: (report: GenerateReport) => void;
  /** Called with each chunk's records the broker acknowledged, and when it acknowledged them. */
  readonly onProduced?: (records: readonly GeneratedCdr[], acknowledgedAtMs: number) => void;
}

/** What was produced. */
export interface GenerateReport {
  produced: number;
  /** Records the broker refused (larger than its maximum message size). */
  refusedByBroker: number;
  /** Produced records per expected outcome (`valid` or the reason validation must give). */
  readonly expected: Record<string, number>;
  readonly perTopic: Record<string, number>;
  durationMs: number;
}

/**
 * The invalid mix for a ratio: the default mix (every kind producible on a raw topic) scaled.
 * @example invalidSharesFor(0.05) // the default 5 % mix
 */
export function invalidSharesFor(ratio: number): Partial<Record<InvalidKind, number>> {
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`--invalid-ratio must be between 0 and 1, got ${ratio}`);
  const total = Object.values(DEFAULT_INVALID_SHARES).reduce((a, b) => a + (b ?? 0), 0);
  return Object.fromEntries(
    Object.entries(DEFAULT_INVALID_SHARES).map(([k, v]) => [k, ((v ?? 0) * ratio) / total]),
  );
}

/**
 * Generates `count` raw CDRs and produces them.
 * @example await generateToKafka({ brokers: ['127.0.0.1:9092'], countries: ['fr'], count: 1000, rate: 0, speed: 1, invalidRatio: 0.05, seed: 42 })
 */
export async function generateToKafka(options: GenerateOptions): Promise<GenerateReport> {
  const generator = new CdrGenerator({
    seed: options.seed,
    countries: options.countries,
    invalidShares: invalidSharesFor(options.invalidRatio),
  });
  const kafka = createKafka({ brokers: options.brokers, auth: 'none', clientId: 'orion-generate' });
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const report: GenerateReport = {
    produced: 0,
    refusedByBroker: 0,
    expected: {},
    perTopic: {},
    durationMs: 0,
  };
  const effectiveRate = options.rate * options.speed;
  const chunk = effectiveRate > 0 ? Math.max(1, Math.min(5000, Math.round(effectiveRate / 20))) : 5000;
  const started = Date.now();
  try {
    for (let done = 0; done < options.count; ) {
      const records = generator.batch(Math.min(chunk, options.count - done));
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
  producer: ReturnType<ReturnType<typeof createKafka>['producer']>,
  records: readonly GeneratedCdr[],
  report: GenerateReport,
): Promise<GeneratedCdr[]> {
  const byTopic = new Map<string, Message[]>();
  const large: GeneratedCdr[] = [];
  for (const r of records) {
    if (r.value.length > LARGE_VALUE_BYTES) {
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
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  });
  const produced = records.filter((r) => r.value.length <= LARGE_VALUE_BYTES);
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
