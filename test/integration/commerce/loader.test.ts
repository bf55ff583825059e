/**
 * `orion load` on the real embedded Kafka: files written by the dataset sample writers in both
 * layouts (KiVendTout JSON lines, Retail Rocket CSV, and a gzipped copy) are streamed into a copy
 * of `raw-events` (same spec, a unique name: another helper's run of the commerce stages must not
 * see these records, nor this test theirs). Every good line arrives once, keyed by its user id,
 * bad lines are counted by reason, and the timing is preserved at a speed (loose bounds on a
 * shared 2-core machine) or dropped at `max`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFor, loadDataset } from '../../../localstack/load/load-dataset.ts';
import { loadLocalRunModule } from '../../../localstack/load/local-run-module.ts';
import {
  COMMERCE_TOPIC,
  type DatasetSample,
  sampleKiVendToutJsonl,
  sampleRetailRocketCsv,
  writeJsonl,
} from '../../../shared/commerce/index.ts';
import { readWindow, topicEnds } from '../../../shared/commerce/local/topic-window.ts';
import { COMMERCE_PIPELINE, commerceTopicSpec } from '../../../shared/commerce/pipeline.ts';
import { applyCatalog } from '../../../shared/kafka/topic-apply.ts';
import type { StageRecord } from '../../../shared/kafka/types.ts';
import type { LocalRunModule } from '../../../shared/pipeline/local-run.ts';
import { testEndpoints, testKafka, uniqueName } from '../../support/endpoints.ts';

const brokers = testEndpoints().kafkaBrokers;
let kafka: Kafka;
let admin: Admin;
let localRun: LocalRunModule;
let dir: string;
const created: string[] = [];

/** A fresh copy of raw-events for one load. */
async function rawEventsCopy(): Promise<string> {
  const spec = { ...commerceTopicSpec(COMMERCE_TOPIC.rawEvents), name: uniqueName('it.load.raw-events') };
  await applyCatalog(admin, [spec], { timeoutMs: 60_000 });
  created.push(spec.name);
  return spec.name;
}

/** Every record of `topic`. */
async function recordsOf(topic: string): Promise<StageRecord[]> {
  const out: StageRecord[] = [];
  await readWindow(kafka, topic, new Map(), await topicEnds(admin, [topic]), (r) => out.push(r));
  return out.sort((a, b) => a.timestamp - b.timestamp || a.offset - b.offset);
}

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Bad lines by parser reason, from the sample's bad line numbers and the parser's own codes. */
function countsOf(codes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of codes) out[c] = (out[c] ?? 0) + 1;
  return out;
}

beforeAll(async () => {
  kafka = testKafka('it-commerce-loader', brokers);
  admin = kafka.admin();
  await admin.connect();
  localRun = await loadLocalRunModule(COMMERCE_PIPELINE);
  dir = mkdtempSync(join(tmpdir(), 'orion-load-'));
});

afterAll(async () => {
  if (created.length > 0) await admin.deleteTopics({ topics: created }).catch(() => undefined);
  await admin?.disconnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Loads `file` at max speed into a fresh copy and checks every good line arrived, keyed by user. */
async function loadAndCheck(file: string, sample: DatasetSample, expectedReasons: Record<string, number>) {
  const topic = await rawEventsCopy();
  const dataset = datasetFor(COMMERCE_PIPELINE, localRun, file);
  const report = await loadDataset({ brokers, file, dataset, speed: 'max', topic, batchSize: 17 });
  expect(report.produced).toBe(sample.expected.length);
  expect(report.skipped).toBe(sample.badLines.length);
  expect(report.skippedByReason).toEqual(expectedReasons);
  expect(report.perTopic).toEqual({ [topic]: sample.expected.length });
  const records = await recordsOf(topic);
  expect(records).toHaveLength(sample.expected.length);
  const events = records.map((r) => JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>);
  for (const [i, r] of records.entries()) expect(r.key?.toString()).toBe(events[i]!.user_id);
  // One partition per key, and each user's events in file order on it.
  const partitionOf = new Map<string, number>();
  for (const r of records) {
    const key = r.key!.toString();
    expect(partitionOf.get(key) ?? r.partition).toBe(r.partition);
    partitionOf.set(key, r.partition);
  }
  return { report, events, dataset };
}

describe('orion load into raw-events', () => {
  it('KiVendTout JSON lines: every good line once, keyed by user id; bad lines by reason', async () => {
    const sample = sampleKiVendToutJsonl({ seed: 11, startMs: Date.UTC(2026, 0, 15, 9), count: 60 });
    const file = write('events.jsonl', sample.text);
    const { report, events, dataset } = await loadAndCheck(file, sample, {
      NOT_JSON: 1,
      NOT_OBJECT: 1,
      UNKNOWN_EVENT_TYPE: 1,
      MISSING_USER: 1,
      UNSAFE_JSON: 1,
    });
    expect(dataset.name).toBe('jsonl');
    const byId = new Map(events.map((e) => [e.event_id, e]));
    for (const e of sample.expected) expect(byId.get(e.event_id)).toEqual(e);
    expect(report.ignored).toBeGreaterThanOrEqual(1); // the blank line
    expect(report.lines).toBe(sample.text.split('\n').length - 1);
  });

  it('Retail Rocket events.csv, plain and gzipped: the same events, header and blank lines ignored', async () => {
    const sample = sampleRetailRocketCsv({ seed: 11, startMs: Date.UTC(2015, 5, 1), count: 80 });
    const reasons = countsOf(['BAD_TIMESTAMP', 'UNKNOWN_EVENT_TYPE', 'BAD_COLUMN_COUNT', 'BAD_FIELD']);
    const plain = await loadAndCheck(write('events.csv', sample.text), sample, reasons);
    expect(plain.dataset.name).toBe('retail-rocket');
    const strip = ({ event_id: _id, ...rest }: Record<string, unknown>) => rest;
    expect(plain.events.map(strip).sort(byJson)).toEqual([...sample.expected].sort(byJson));
    const gz = await loadAndCheck(write('events.csv.gz', gzipSync(sample.text)), sample, reasons);
    expect(new Set(gz.events.map((e) => e.event_id))).toEqual(new Set(plain.events.map((e) => e.event_id)));
    expect(gz.report.bytesRead).toBe(gz.report.fileBytes);
  });

  it('keeps the relative timing at a speed, and drops it at max', async () => {
    // 11 views 400 ms apart: 4 s of event time, 2 s at speed 2.
    const start = Date.UTC(2026, 0, 15, 9);
    const text = writeJsonl(
      Array.from({ length: 11 }, (_, i) => ({
        event_type: 'page_view',
        customer_id: `c${i % 3}`,
        timestamp: start + i * 400,
        product_id: String(100 + i),
        category: 'books',
        session_id: 's1',
        device_type: 'mobile',
      })),
    );
    const file = write('paced.jsonl', text);
    const dataset = datasetFor(COMMERCE_PIPELINE, localRun, file);

    const paced = await rawEventsCopy();
    const t0 = Date.now();
    const report = await loadDataset({ brokers, file, dataset, speed: 2, topic: paced });
    const elapsed = Date.now() - t0;
    expect(report.produced).toBe(11);
    expect(report.lastOffsetMs).toBe(2000);
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(8000);
    const records = await recordsOf(paced);
    const spread = records[records.length - 1]!.timestamp - records[0]!.timestamp;
    expect(spread).toBeGreaterThanOrEqual(1800);
    // The first half of the events went out in the first half of the span.
    expect(records[5]!.timestamp - records[0]!.timestamp).toBeGreaterThanOrEqual(800);

    const fast = await rawEventsCopy();
    const t1 = Date.now();
    const maxReport = await loadDataset({ brokers, file, dataset, speed: 'max', topic: fast });
    expect(maxReport.produced).toBe(11);
    expect(maxReport.lastOffsetMs).toBe(0);
    expect(Date.now() - t1).toBeLessThan(1900);
  });

  it('names what is missing: a topic that does not exist', async () => {
    const sample = sampleKiVendToutJsonl({ seed: 12, startMs: Date.UTC(2026, 0, 15, 9), count: 5 });
    const file = write('missing-topic.jsonl', sample.text);
    const dataset = datasetFor(COMMERCE_PIPELINE, localRun, file);
    await expect(
      loadDataset({ brokers, file, dataset, speed: 'max', topic: uniqueName('it.load.absent') }),
    ).rejects.toThrow(/does not exist: create the pipeline's topics first/);
  });
});

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
