/**
 * Replays a real dataset file into a pipeline (`orion load`): the file is streamed line by line
 * (never held in memory; `.gz` is decompressed on the fly), each line turned into a record by
 * one of the layouts the pipeline's local-run module declares (`LocalRunModule.datasets`), and
 * the records produced in batches — one batched, idempotent, acks=all produce per batch, awaited
 * once, keyed as the layout says — at the send offsets the layout gives them (their relative
 * timing at the chosen speed, or none at `max`). One batch is in flight while the next is read,
 * and reading waits for it: memory stays bounded whatever the file's size.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { createKafka, createKafkaConnections } from '../../shared/kafka/client.ts';
import { createBatchProducer, type OutboundRecord } from '../../shared/kafka/producer.ts';
import { PipelineError } from '../../shared/pipeline/errors.ts';
import type { LocalRunDataset, LocalRunModule } from '../../shared/pipeline/local-run.ts';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { localRunModulePathOf } from './local-run-module.ts';

/** Defaults of {@link loadDataset}. */
export const LOAD_DEFAULTS = {
  /** Most records per produce (2,000 gave 27,000 events/s, 5,000 gave 34,000 on the 2-core machine). */
  batchSize: 5_000,
  /**
   * Most value bytes per produce: 1 MiB, so that even one key's partition batch stays under the
   * broker's 1 MiB `max.message.bytes` (a common topic limit), whatever the key skew.
   */
  batchBytes: 1024 * 1024,
  /** Records due within this much of a batch's first are sent with it (a produce round trip). */
  pacingSlackMs: 20,
  /** Deadline of one produce. */
  produceTimeoutMs: 30_000,
} as const;

/** First skipped lines kept for the summary (their messages never echo a value). */
const SKIPPED_EXAMPLES = 5;

/** How far the load got. */
export interface DatasetLoadProgress {
  /** Lines read so far. */
  readonly lines: number;
  /** Records the broker acknowledged. */
  readonly produced: number;
  readonly skipped: number;
  /** Bytes of the file read so far, and its size (compressed bytes for a `.gz`). */
  readonly bytesRead: number;
  readonly fileBytes: number;
  readonly elapsedMs: number;
}

/** What {@link loadDataset} did. */
export interface DatasetLoadReport extends DatasetLoadProgress {
  readonly dataset: string;
  /** Blank lines and headers. */
  readonly ignored: number;
  /** Skipped lines by the layout's reason code. */
  readonly skippedByReason: Readonly<Record<string, number>>;
  /** The first skipped lines: line number, reason, message. */
  readonly skippedExamples: readonly { line: number; reason: string; message: string }[];
  /** Produced records per topic. */
  readonly perTopic: Readonly<Record<string, number>>;
  /** Send offset of the last record (the replayed span at this speed), ms. */
  readonly lastOffsetMs: number;
}

/** Options of {@link loadDataset}. */
export interface DatasetLoadOptions {
  readonly brokers: readonly string[];
  readonly file: string;
  readonly dataset: LocalRunDataset;
  /** A multiplier of the records' time (1 = as recorded), or `'max'` (as fast as possible). */
  readonly speed: number | 'max';
  /** Longest wait between two records after scaling. @default no cap */
  readonly maxGapMs?: number;
  /** Produces every record to this topic instead of the layout's (a staging copy of the entry topic). @default the layout's */
  readonly topic?: string;
  /** @default {@link LOAD_DEFAULTS}.batchSize */
  readonly batchSize?: number;
  /** Called after each acknowledged batch. */
  readonly onProgress?: (progress: DatasetLoadProgress) => void;
  /** Stops between two lines; the records read so far are still produced. */
  readonly signal?: AbortSignal;
}

/**
 * The first non-blank line of a file (at most its first 64 KiB), `''` for a compressed or empty one.
 * @example firstLineOf('events.csv') // 'timestamp,visitorid,event,itemid,transactionid'
 */
export function firstLineOf(file: string): string {
  if (/\.gz$/i.test(file)) return '';
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer
      .subarray(0, read)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  } finally {
    closeSync(fd);
  }
}

/**
 * The layout of `pipeline`'s module to read `file` with: `format` when given, else the first
 * layout that recognises the file. Throws {@link PipelineError} `NOT_FOUND` for a pipeline whose
 * module declares no layout, an unknown `format`, or a file no layout recognises.
 * @example datasetFor(pipeline, localRun, 'events.csv').name // 'retail-rocket'
 */
export function datasetFor(
  pipeline: PipelineDefinition,
  localRun: LocalRunModule,
  file: string,
  format?: string,
): LocalRunDataset {
  const datasets = localRun.datasets ?? [];
  if (datasets.length === 0) {
    throw new PipelineError(
      'NOT_FOUND',
      `Pipeline "${pipeline.name}" has no dataset loader: its local-run module (${localRunModulePathOf(pipeline)}) declares no \`datasets\``,
    );
  }
  const names = datasets.map((d) => d.name).join(', ');
  if (format !== undefined) {
    const named = datasets.find((d) => d.name === format);
    if (!named)
      throw new PipelineError(
        'NOT_FOUND',
        `Unknown --format "${format}" for pipeline "${pipeline.name}"; formats are: ${names}`,
      );
    return named;
  }
  const firstLine = firstLineOf(file);
  const detected = datasets.find((d) => d.detect(basename(file), firstLine));
  if (!detected) {
    throw new PipelineError(
      'NOT_FOUND',
      `Cannot tell the layout of ${basename(file)}; give --format (${names})`,
    );
  }
  return detected;
}

const asBuffer = (value: string | Buffer | Uint8Array): Buffer | string =>
  typeof value === 'string' || Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads a dataset file; resolves once every record read is acknowledged.
 * @example await loadDataset({ brokers: ['127.0.0.1:9092'], file: 'events.csv', dataset, speed: 'max' })
 */
export async function loadDataset(options: DatasetLoadOptions): Promise<DatasetLoadReport> {
  const batchSize = options.batchSize ?? LOAD_DEFAULTS.batchSize;
  if (!(Number.isInteger(batchSize) && batchSize > 0))
    throw new Error(`batch size must be a positive integer, got ${batchSize}`);
  const reader = options.dataset.open({
    speed: options.speed,
    ...(options.maxGapMs === undefined ? {} : { maxGapMs: options.maxGapMs }),
  });
  const fileBytes = statSync(options.file).size;
  const kafka = createKafka({ brokers: options.brokers, auth: 'none', clientId: 'orion-load' });
  const connections = createKafkaConnections(kafka);
  const producer = createBatchProducer(connections, { timeoutMs: LOAD_DEFAULTS.produceTimeoutMs });

  const report = {
    dataset: options.dataset.name,
    lines: 0,
    produced: 0,
    skipped: 0,
    ignored: 0,
    bytesRead: 0,
    fileBytes,
    elapsedMs: 0,
    lastOffsetMs: 0,
    skippedByReason: {} as Record<string, number>,
    skippedExamples: [] as { line: number; reason: string; message: string }[],
    perTopic: {} as Record<string, number>,
  };
  const file = createReadStream(options.file, { highWaterMark: 256 * 1024 });
  const input: Readable = /\.gz$/i.test(options.file) ? file.pipe(createGunzip()) : file;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });

  let knownTopics: Set<string> | undefined;
  let batch: OutboundRecord[] = [];
  let batchBytes = 0;
  let batchDueMs = 0;
  let inFlight: Promise<void> | undefined;
  let startedAt = 0;

  const checkTopics = async (records: readonly OutboundRecord[]) => {
    knownTopics ??= new Set(await (await connections.admin()).listTopics());
    for (const r of records) {
      if (!knownTopics.has(r.topic)) {
        throw new PipelineError(
          'NOT_FOUND',
          `Topic "${r.topic}" does not exist: create the pipeline's topics first (npx orion topics apply --pipeline …)`,
        );
      }
    }
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    batchBytes = 0;
    if (inFlight) await inFlight; // one produce at a time: keys keep their order
    await checkTopics(records);
    inFlight = producer.send(records).then(() => {
      report.produced += records.length;
      for (const r of records) report.perTopic[r.topic] = (report.perTopic[r.topic] ?? 0) + 1;
      report.bytesRead = file.bytesRead;
      report.elapsedMs = Date.now() - startedAt;
      options.onProgress?.(report);
    });
    inFlight.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  };

  try {
    startedAt = Date.now();
    for await (const text of lines) {
      if (options.signal?.aborted) break;
      report.lines++;
      const outcome = reader.line(text);
      if (outcome.kind === 'ignored') {
        report.ignored++;
        continue;
      }
      if (outcome.kind === 'skipped') {
        report.skipped++;
        report.skippedByReason[outcome.reason] = (report.skippedByReason[outcome.reason] ?? 0) + 1;
        if (report.skippedExamples.length < SKIPPED_EXAMPLES) {
          report.skippedExamples.push({
            line: outcome.line,
            reason: outcome.reason,
            message: outcome.message,
          });
        }
        continue;
      }
      const { record } = outcome;
      report.lastOffsetMs = record.sendOffsetMs;
      // A record due later than the batch's slack: send what is due, then wait for its time.
      if (batch.length > 0 && record.sendOffsetMs > batchDueMs + LOAD_DEFAULTS.pacingSlackMs) await flush();
      if (batch.length === 0) {
        batchDueMs = record.sendOffsetMs;
        const wait = startedAt + record.sendOffsetMs - Date.now();
        if (wait > 0) await sleep(wait);
      }
      const value = asBuffer(record.value);
      batch.push({ topic: options.topic ?? record.topic, key: record.key, value });
      batchBytes += typeof value === 'string' ? Buffer.byteLength(value) : value.length;
      if (batch.length >= batchSize || batchBytes >= LOAD_DEFAULTS.batchBytes) await flush();
    }
    await flush();
    await inFlight;
  } finally {
    lines.close();
    file.destroy();
    await connections.disconnect();
  }
  report.bytesRead = file.bytesRead;
  report.elapsedMs = Date.now() - startedAt;
  return report;
}
