/**
 * Decodes a record read from `cdr.dlq` or `cdr.rejected` into the original record(s) it holds,
 * whichever writer produced it:
 *
 * - **ORION** (the stage runtime's rejects): the original key and bytes, with failure headers from
 *   `shared/kafka/record-headers.ts` (reason, stage, source topic/partition/offset, timestamps).
 * - **AWS Kafka on-failure destination** (the event source mapping, or the local emulator that
 *   follows it): a JSON document with the invocation metadata (`requestContext`,
 *   `responseContext`, `timestamp`) and the failed records under `payload`, in the shape of the
 *   Kafka event the function received (records grouped by `topic-partition`, base64 key and
 *   value, headers as byte arrays). One such record may hold several original records.
 *
 * Anything else is returned as one `unknown` dead letter holding the record as is.
 */
import { decodeFailureHeaders, FAILURE_HEADER } from '../kafka/record-headers.ts';
import { rawTopicOf, STAGES } from '../cdr/pipeline.ts';
import { COUNTRY_CODES, type CountryCode } from '../cdr/countries.ts';
import type { StageRecord } from '../runtime/stage-record.ts';
import type { DeadLetter, RecordCoordinates } from './dead-letter.ts';
import { replayCountOf } from './loop-guard.ts';

const FAILURE_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(FAILURE_HEADER));

/**
 * The original records a dead-letter record holds (one for ORION and unknown records, one or
 * more for AWS on-failure records).
 *
 * @example decodeDeadLetters(recordFromCdrDlq).map((d) => d.reason) // ['RetryAttemptsExhausted']
 */
export function decodeDeadLetters(record: StageRecord): DeadLetter[] {
  const at: RecordCoordinates = { topic: record.topic, partition: record.partition, offset: record.offset };
  return decodeOrion(record, at) ?? decodeAwsOnFailure(record, at) ?? [unknownLetter(record, at)];
}

function decodeOrion(record: StageRecord, at: RecordCoordinates): DeadLetter[] | undefined {
  let meta: ReturnType<typeof decodeFailureHeaders>;
  try {
    meta = decodeFailureHeaders(record.headers);
  } catch {
    meta = undefined;
  }
  if (!meta) return undefined;
  const headers: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (!FAILURE_HEADER_NAMES.has(name)) headers[name] = value;
  }
  const source = { topic: meta.sourceTopic, partition: meta.sourcePartition, offset: meta.sourceOffset };
  return [
    {
      at,
      index: 0,
      of: 1,
      format: 'orion',
      source,
      sourceTimestamp: meta.sourceTimestamp,
      key: record.key,
      value: record.value,
      headers,
      reason: meta.reason,
      message: meta.message,
      stage: meta.stage,
      country: countryOf(meta.sourceTopic, record.value, headers),
      failedAt: meta.failedAt,
      replayCount: replayCountOf(headers),
    },
  ];
}

/** The parts of an AWS on-failure document the replay reads. */
interface AwsOnFailureDocument {
  requestContext?: { condition?: unknown; functionArn?: unknown; approximateInvokeCount?: unknown };
  responseContext?: { functionError?: unknown };
  timestamp?: unknown;
  payload?: unknown;
}

interface AwsRecord {
  topic?: unknown;
  partition?: unknown;
  offset?: unknown;
  timestamp?: unknown;
  key?: unknown;
  value?: unknown;
  headers?: unknown;
}

function decodeAwsOnFailure(record: StageRecord, at: RecordCoordinates): DeadLetter[] | undefined {
  if (record.value === null || record.value.length < 2 || record.value[0] !== 0x7b /* { */) return undefined;
  let doc: AwsOnFailureDocument;
  try {
    doc = JSON.parse(record.value.toString('utf8')) as AwsOnFailureDocument;
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.requestContext !== 'object') return undefined;
  const originals = awsRecordsOf(doc.payload);
  if (originals.length === 0) return undefined;
  const condition =
    typeof doc.requestContext?.condition === 'string' ? doc.requestContext.condition : 'Unknown';
  const functionArn =
    typeof doc.requestContext?.functionArn === 'string' ? doc.requestContext.functionArn : '';
  const failedAt = typeof doc.timestamp === 'string' ? Date.parse(doc.timestamp) : Number.NaN;
  return originals.map((r, index): DeadLetter => {
    const headers = awsHeaders(r.headers);
    const source =
      typeof r.topic === 'string' &&
      Number.isInteger(Number(r.partition)) &&
      Number.isInteger(Number(r.offset))
        ? { topic: r.topic, partition: Number(r.partition), offset: Number(r.offset) }
        : undefined;
    const value = typeof r.value === 'string' ? Buffer.from(r.value, 'base64') : null;
    const letter: DeadLetter = {
      at,
      index,
      of: originals.length,
      format: 'aws-on-failure',
      key: typeof r.key === 'string' ? Buffer.from(r.key, 'base64') : null,
      value,
      headers,
      reason: condition,
      replayCount: replayCountOf(headers),
      ...(source ? { source, stage: stageOf(source.topic, functionArn) } : {}),
      ...(Number.isFinite(Number(r.timestamp)) ? { sourceTimestamp: Number(r.timestamp) } : {}),
      ...(Number.isFinite(failedAt) ? { failedAt } : {}),
    };
    const country = countryOf(source?.topic, value, headers);
    return country ? { ...letter, country } : letter;
  });
}

/** The failed records of an on-failure document's `payload`: a Kafka event (`records` by topic-partition) or a list. */
function awsRecordsOf(payload: unknown): AwsRecord[] {
  let p = payload;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return [];
    }
  }
  if (typeof p !== 'object' || p === null) return [];
  const records = (p as { records?: unknown }).records ?? p;
  const list: unknown[] = Array.isArray(records)
    ? records
    : typeof records === 'object' && records !== null
      ? Object.values(records).flatMap((v) => (Array.isArray(v) ? v : []))
      : [];
  return list
    .filter((r): r is AwsRecord => typeof r === 'object' && r !== null)
    .sort((a, b) => Number(a.offset) - Number(b.offset));
}

/** Headers of an event record: `[{ "name": [bytes…] }, …]`. */
function awsHeaders(raw: unknown): Record<string, Buffer> {
  const headers: Record<string, Buffer> = {};
  if (!Array.isArray(raw)) return headers;
  for (const entry of raw) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [name, bytes] of Object.entries(entry as Record<string, unknown>)) {
      if (Array.isArray(bytes)) headers[name] = Buffer.from(bytes as number[]);
      else if (typeof bytes === 'string') headers[name] = Buffer.from(bytes);
    }
  }
  return headers;
}

function unknownLetter(record: StageRecord, at: RecordCoordinates): DeadLetter {
  return {
    at,
    index: 0,
    of: 1,
    format: 'unknown',
    key: record.key,
    value: record.value,
    headers: record.headers,
    reason: 'UNKNOWN_FORMAT',
    replayCount: replayCountOf(record.headers),
  };
}

/** The stage whose mapping reads `topic` (several stages never share a source topic), or the function named in the ARN. */
function stageOf(topic: string, functionArn: string): string | undefined {
  const byTopic = STAGES.find((s) => s.sourceTopics.includes(topic));
  if (byTopic) return byTopic.name;
  return STAGES.find((s) => functionArn.includes(s.functionDir))?.name;
}

const COUNTRIES: ReadonlySet<string> = new Set(COUNTRY_CODES);

/**
 * The CDR's country: from a raw topic name (`cdr.raw.fr`), else from a `country` field of a JSON
 * value (the unified CDR), else from an `orion.country` header.
 */
export function countryOf(
  topic: string | undefined,
  value: Buffer | null,
  headers: Readonly<Record<string, Buffer>>,
): CountryCode | undefined {
  const fromTopic = COUNTRY_CODES.find((c) => rawTopicOf(c) === topic);
  if (fromTopic) return fromTopic;
  if (value && value[0] === 0x7b) {
    try {
      const parsed = JSON.parse(value.toString('utf8')) as { country?: unknown };
      const c = typeof parsed.country === 'string' ? parsed.country.toLowerCase() : undefined;
      if (c && COUNTRIES.has(c)) return c as CountryCode;
    } catch {
      // Not JSON: no country from the value.
    }
  }
  const fromHeader = headers['orion.country']?.toString('utf8').toLowerCase();
  return fromHeader && COUNTRIES.has(fromHeader) ? (fromHeader as CountryCode) : undefined;
}
