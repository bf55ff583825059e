/**
 * Decodes a record read from a dead-letter or reject topic into the original record(s) it holds,
 * whichever writer produced it:
 *
 * - **ORION** (the stage runtime's rejects): the original key and bytes, with failure headers from
 *   `shared/kafka/failure-headers.ts` (reason, stage, source topic/partition/offset, timestamps).
 * - **AWS Kafka on-failure destination** (the event source mapping, or the local emulator that
 *   follows it): a JSON document with the invocation metadata (`requestContext`,
 *   `responseContext`, `timestamp`) and the failed records under `payload`, in the shape of the
 *   Kafka event the function received (records grouped by `topic-partition`, base64 key and
 *   value, headers as byte arrays). One such record may hold several original records.
 *
 * Anything else is returned as one `unknown` dead letter holding the record as is.
 *
 * An on-failure document names the function and the source topic but not the stage: given the
 * pipeline's stages, the decoder names it too (the stage reading that topic, else the one whose
 * function folder the ARN names).
 */
import { decodeFailureHeaders, FAILURE_HEADER } from '../kafka/failure-headers.ts';
import { headersFromEvent } from '../kafka/headers.ts';
import type { StageRecord } from '../kafka/types.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import type { DeadLetter, RecordCoordinates } from './dead-letter.ts';
import { replayCountOf } from './loop-guard.ts';

/** What the decoder reads of a pipeline: its stages (names, source topics, function folders). */
export type DeadLetterPipeline = Pick<PipelineDefinition, 'stages'>;

const FAILURE_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(FAILURE_HEADER));

/**
 * The original records a dead-letter record holds (one for ORION and unknown records, one or
 * more for AWS on-failure records). Without `pipeline`, an on-failure record's stage is unknown.
 *
 * @example decodeDeadLetters(recordFromDlq, pipeline).map((d) => d.reason) // ['RetryAttemptsExhausted']
 */
export function decodeDeadLetters(record: StageRecord, pipeline?: DeadLetterPipeline): DeadLetter[] {
  const at: RecordCoordinates = { topic: record.topic, partition: record.partition, offset: record.offset };
  return decodeOrion(record, at) ?? decodeAwsOnFailure(record, at, pipeline) ?? [unknownLetter(record, at)];
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

function decodeAwsOnFailure(
  record: StageRecord,
  at: RecordCoordinates,
  pipeline: DeadLetterPipeline | undefined,
): DeadLetter[] | undefined {
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
    const headers = headersFromEvent(r.headers);
    const source =
      typeof r.topic === 'string' &&
      Number.isInteger(Number(r.partition)) &&
      Number.isInteger(Number(r.offset))
        ? { topic: r.topic, partition: Number(r.partition), offset: Number(r.offset) }
        : undefined;
    const stage = source && pipeline ? stageOf(pipeline, source.topic, functionArn) : undefined;
    return {
      at,
      index,
      of: originals.length,
      format: 'aws-on-failure',
      key: typeof r.key === 'string' ? Buffer.from(r.key, 'base64') : null,
      value: typeof r.value === 'string' ? Buffer.from(r.value, 'base64') : null,
      headers,
      reason: condition,
      replayCount: replayCountOf(headers),
      ...(source ? { source } : {}),
      ...(stage ? { stage } : {}),
      ...(Number.isFinite(Number(r.timestamp)) ? { sourceTimestamp: Number(r.timestamp) } : {}),
      ...(Number.isFinite(failedAt) ? { failedAt } : {}),
    };
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

/**
 * The stage whose mapping reads `topic` (several stages never share a source topic), or the one
 * whose function folder the ARN names.
 */
function stageOf(pipeline: DeadLetterPipeline, topic: string, functionArn: string): string | undefined {
  const byTopic = pipeline.stages.find((s) => s.sourceTopics.includes(topic));
  if (byTopic) return byTopic.name;
  return pipeline.stages.find((s) => functionArn.includes(s.functionDir))?.name;
}
