/**
 * The outbox publisher: the function the `order-outbox` table's DynamoDB stream feeds
 * (`tables.ts`). Per invocation (one shard's records, in sequence order):
 *
 * 1. every `INSERT` record's `NewImage` is read strictly ({@link decodeOutboxImage}); `REMOVE`
 *    (TTL deletions) and `MODIFY` (the publisher's own mark) are skipped and counted;
 * 2. ONE batched, idempotent, `acks=all` produce of the whole batch, awaited once: each entry to
 *    its `topic` (`orders`) with key `message_key` (the order id), value `payload` byte for byte
 *    and the entry's `kafka_headers` (traceparent, correlation id, event id and type); a
 *    malformed entry goes to the reject topic (`commerce.rejected`) with the failure headers
 *    (`orion.reason`…) instead, and counts as done, so it never blocks its shard;
 * 3. once the produce is acknowledged, each entry is marked (`published_at`, `published_topic`,
 *    a conditional `UpdateItem`, bounded concurrency, {@link createDynamoOutboxMarker});
 * 4. a partial batch response names the FIRST record that is not done (produce or mark failed):
 *    "Lambda uses the record with the lowest sequence number as the checkpoint. Lambda then
 *    retries all records starting from that checkpoint"
 *    (https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html), so
 *    the later records of the same order are held back and re-sent after it, in order.
 *
 * At-least-once: an entry whose mark failed (or whose invocation died after the produce) is
 * published again on the retry, with the same `event_id`; the order consumer de-duplicates by it.
 * One log line and one metrics call per batch; nothing per record, no customer data.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AttributeValue,
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { encodeFailureHeaders } from '../../kafka/failure-headers.ts';
import type { BatchProducer, OutboundRecord } from '../../kafka/producer.ts';
import { publishBatchMetrics, type StageMetric } from '../../observability/metrics.ts';
import { inSubsegment } from '../../observability/tracing.ts';
import { errorCodeOf, RuntimeError, UnsupportedEventError } from '../../runtime/errors.ts';
import { REJECT_VALUE_MAX_BYTES } from '../../runtime/reject-record.ts';
import { mapBounded } from '../../util/map-bounded.ts';
import { COMMERCE_TOPIC } from '../routing.ts';
import {
  type DecodedOutboxEntry,
  decodeOutboxImage,
  OUTBOX_MARK_ATTRIBUTE,
  OUTBOX_REJECT_REASON,
  type OutboxRejectReason,
} from './outbox.ts';
import { parseTraceparent } from './trace.ts';

/** The stage's name (logs, metrics dimension, failure headers, the definition's stream stage). */
export const OUTBOX_PUBLISHER_STAGE = 'outbox-publisher';

/** Defaults of {@link createOutboxPublisher}. */
export const OUTBOX_PUBLISHER_OPTIONS = {
  /** Topics an entry may name: the stage's output topics besides the reject topic. */
  publishTopics: [COMMERCE_TOPIC.orders] as readonly string[],
  /** Where malformed entries go. */
  rejectTopic: COMMERCE_TOPIC.rejected as string,
  /** Conditional `UpdateItem`s in flight at once. */
  markConcurrency: 16,
  /** Most order trace ids kept as X-Ray metadata per invocation. */
  maxTraceIdsInMetadata: 100,
} as const;

/**
 * Where a reject record says it came from (`orion.source.topic`): not a Kafka topic (`:` cannot
 * be in one), so a replay never sends it to a topic of that name; partition and offset are -1
 * (a stream record has a shard and a sequence number instead; the sequence number is in
 * `orion.message`).
 * @example streamSourceOf('orion-commerce-order-outbox') // 'dynamodb:orion-commerce-order-outbox'
 */
export function streamSourceOf(table: string): string {
  return `dynamodb:${table}`;
}

/**
 * The table of a stream ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`).
 * @example tableOfStreamArn('arn:aws:dynamodb:eu-west-1:123456789012:table/orion-commerce-order-outbox/stream/2026-01-01T00:00:00.000') // 'orion-commerce-order-outbox'
 */
export function tableOfStreamArn(arn: string | undefined): string | undefined {
  return arn ? /:table\/([^/]+)\/stream\//.exec(arn)?.[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// The mark

/** Codes of an {@link OutboxMarkError}, with whether the same write may succeed later. */
export const OUTBOX_MARK_ERROR_CODES = {
  /** DynamoDB throttled the write. */
  OUTBOX_MARK_THROTTLED: { retryable: true },
  /** DynamoDB unreachable, timed out or answered 5xx. */
  OUTBOX_MARK_UNAVAILABLE: { retryable: true },
  /** DynamoDB refused the write itself (access denied, missing table, validation): a deployment to fix. */
  OUTBOX_MARK_REFUSED: { retryable: false },
} as const;

/** Code of an {@link OutboxMarkError}. */
export type OutboxMarkErrorCode = keyof typeof OUTBOX_MARK_ERROR_CODES;

/**
 * A mark could not be written. The record fails either way (the entry is on Kafka but not marked:
 * the stream retries it, the entry is published again, then marked); `retryable` says whether
 * waiting is enough.
 * @example new OutboxMarkError('OUTBOX_MARK_THROTTLED', 'UpdateItem throttled').retryable // true
 */
export class OutboxMarkError extends RuntimeError<OutboxMarkErrorCode> {
  override readonly name = 'OutboxMarkError';
  constructor(code: OutboxMarkErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { retryable: OUTBOX_MARK_ERROR_CODES[code].retryable, cause: options?.cause });
  }
}

/** One entry to mark as published. */
export interface OutboxMark {
  /** Physical name of the outbox table. */
  readonly table: string;
  readonly aggregateId: string;
  readonly sequence: number;
  /** The topic the entry went to. */
  readonly topic: string;
  /** Set for a malformed entry sent to the reject topic. */
  readonly rejectReason?: string;
}

/** How one mark ended: written (or the item is gone: TTL-deleted, nothing to mark), or failed. */
export type OutboxMarkResult =
  | { readonly ok: true; readonly gone: boolean }
  | { readonly ok: false; readonly error: OutboxMarkError };

/** Marks entries as published (the DynamoDB implementation, or a test double). */
export interface OutboxMarker {
  /** Marks every entry; never throws, reports each mark in input order. */
  markMany(marks: readonly OutboxMark[], publishedAt: string): Promise<OutboxMarkResult[]>;
}

const THROTTLING: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * The DynamoDB marker: one `UpdateItem` per entry, at most `concurrency` in flight, setting
 * `published_at` and `published_topic` (and `reject_reason`) with `if_not_exists`, so a re-mark
 * after a redelivery keeps the first values, on the condition that the item still exists
 * (`UpdateItem` would otherwise create a stub of an entry TTL already deleted: the condition
 * fails instead, and the mark counts as `gone`). SDK messages name tables and conditions, never
 * attribute values.
 *
 * @example
 * const marker = createDynamoOutboxMarker(sharedDynamoDb().doc);
 * await marker.markMany([{ table, aggregateId, sequence: 1, topic: 'orders' }], new Date().toISOString());
 */
export function createDynamoOutboxMarker(
  doc: DynamoDBDocumentClient,
  options: { readonly concurrency?: number } = {},
): OutboxMarker {
  const concurrency = options.concurrency ?? OUTBOX_PUBLISHER_OPTIONS.markConcurrency;
  return {
    markMany(marks, publishedAt) {
      return mapBounded(marks, concurrency, async (mark): Promise<OutboxMarkResult> => {
        const names: Record<string, string> = {
          '#id': 'aggregate_id',
          '#at': OUTBOX_MARK_ATTRIBUTE.publishedAt,
          '#topic': OUTBOX_MARK_ATTRIBUTE.publishedTopic,
        };
        const values: Record<string, string> = { ':at': publishedAt, ':topic': mark.topic };
        let update = 'SET #at = if_not_exists(#at, :at), #topic = if_not_exists(#topic, :topic)';
        if (mark.rejectReason !== undefined) {
          names['#reason'] = OUTBOX_MARK_ATTRIBUTE.rejectReason;
          values[':reason'] = mark.rejectReason;
          update += ', #reason = if_not_exists(#reason, :reason)';
        }
        try {
          await doc.send(
            new UpdateCommand({
              TableName: mark.table,
              Key: { aggregate_id: mark.aggregateId, sequence: mark.sequence },
              UpdateExpression: update,
              ConditionExpression: 'attribute_exists(#id)',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          );
          return { ok: true, gone: false };
        } catch (error) {
          if ((error as { name?: unknown })?.name === 'ConditionalCheckFailedException') {
            return { ok: true, gone: true };
          }
          return { ok: false, error: markFailure(error) };
        }
      });
    },
  };
}

/**
 * A DynamoDB error of a mark as an {@link OutboxMarkError}: throttling → THROTTLED; another
 * client-side service error (access denied, missing table, validation) → REFUSED; 5xx, network,
 * timeouts → UNAVAILABLE.
 * @example markFailure(Object.assign(new Error('x'), { name: 'ThrottlingException' })).code // 'OUTBOX_MARK_THROTTLED'
 */
export function markFailure(error: unknown): OutboxMarkError {
  if (error instanceof OutboxMarkError) return error;
  const { name, $fault } = (error ?? {}) as { name?: unknown; $fault?: unknown };
  const message = error instanceof Error ? error.message.slice(0, 300) : String(error);
  // An SDK service error says whose fault it is; a network error or a timeout says nothing.
  const code: OutboxMarkErrorCode =
    typeof name === 'string' && THROTTLING.has(name)
      ? 'OUTBOX_MARK_THROTTLED'
      : $fault === 'client'
        ? 'OUTBOX_MARK_REFUSED'
        : 'OUTBOX_MARK_UNAVAILABLE';
  return new OutboxMarkError(code, `outbox mark failed (${code}): ${String(name)}: ${message}`, {
    cause: error,
  });
}

// ---------------------------------------------------------------------------------------------
// The publisher

/** The subset of Powertools' `Tracer` the publisher uses (a real Tracer, or a test double). */
export type OutboxTracer = Pick<
  Tracer,
  | 'isTracingEnabled'
  | 'getSegment'
  | 'setSegment'
  | 'putAnnotation'
  | 'putMetadata'
  | 'annotateColdStart'
  | 'addServiceNameAnnotation'
>;

/** What {@link createOutboxPublisher} needs. */
export interface OutboxPublisherDeps {
  /** The batched producer (one `send` per invocation). */
  readonly producer: BatchProducer;
  readonly marker: OutboxMarker;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Physical name of the outbox table, used when a record's `eventSourceARN` names none (Lambda
   * always sets it: the mark goes to the table whose stream delivered the record).
   */
  readonly outboxTable: string;
  /** X-Ray segments in AWS; outside Lambda Powertools disables itself and nothing is traced. @default none */
  readonly tracer?: OutboxTracer;
  /** @default `OUTBOX_PUBLISHER_OPTIONS.publishTopics` */
  readonly publishTopics?: readonly string[];
  /** @default `OUTBOX_PUBLISHER_OPTIONS.rejectTopic` */
  readonly rejectTopic?: string;
  /** Clock, epoch ms (tests). @default Date.now */
  readonly now?: () => number;
}

/** Kinds of stream records the publisher does not publish. */
export type SkippedEventName = 'REMOVE' | 'MODIFY' | 'OTHER';

/** What one invocation did (the log line's fields, the tests' view). */
export interface OutboxBatchReport {
  readonly records: number;
  /** `INSERT` records (published or rejected). */
  readonly inserts: number;
  /** Entries on their topic (produce acknowledged), this invocation. */
  readonly published: number;
  /** Malformed entries on the reject topic (produce acknowledged), by reason. */
  readonly rejected: Readonly<Record<string, number>>;
  /** Records not published, by event name. */
  readonly skipped: Readonly<Record<SkippedEventName, number>>;
  /** Marks written, and marks of items already gone (TTL). */
  readonly marked: number;
  readonly markGone: number;
  /** Records whose own produce or mark failed. */
  readonly failed: number;
  /** Records after the first failure that did not fail themselves: redelivered with it. */
  readonly heldBack: number;
  /**
   * Sequence number of the first record not done (the partial batch response's identifier). Not
   * in the log line: the redactor masks every long digit run; the line has its position instead.
   */
  readonly firstFailure?: string;
  /** Position in the batch of the first record not done. */
  readonly firstFailureIndex?: number;
  /** Failure codes and how many records each failed. */
  readonly failureCodes: Readonly<Record<string, number>>;
  /** Distinct orders of the batch's entries. */
  readonly orders: number;
  readonly produceMs: number;
  readonly markMs: number;
  readonly durationMs: number;
}

/** The publisher as a Lambda handler for the outbox stream, plus its last report (tests). */
export interface OutboxPublisherHandler {
  (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse>;
  /** The report of the last invocation that had records. */
  readonly lastReport: () => OutboxBatchReport | undefined;
  /** Disconnects the clients the handler owns (tests, local runs). @default nothing to close */
  close(): Promise<void>;
}

/** One record of the batch, as planned. */
type Planned =
  | { readonly kind: 'skip'; readonly event: SkippedEventName }
  | {
      readonly kind: 'publish';
      readonly entry: DecodedOutboxEntry;
      readonly outbound: OutboundRecord;
      readonly mark?: OutboxMark;
    }
  | {
      readonly kind: 'reject';
      readonly reason: OutboxRejectReason;
      readonly outbound: OutboundRecord;
      readonly mark?: OutboxMark;
    };

/** A record's end: done, or failed with an error. */
type Status = { readonly done: true } | { readonly done: false; readonly error: unknown };

/**
 * Builds the publisher's handler from its parts (the Lambda wiring is
 * `outbox-publisher-from-env.ts`). Never throws for a record: only an event that is not a DynamoDB
 * stream event fails the invocation.
 *
 * @example
 * const handler = createOutboxPublisher({ producer, marker, logger, metrics, outboxTable: 'orion-commerce-order-outbox' });
 * const { batchItemFailures } = await handler(event);
 */
export function createOutboxPublisher(
  deps: OutboxPublisherDeps,
  close = async () => {},
): OutboxPublisherHandler {
  const now = deps.now ?? Date.now;
  const publishTopics = new Set(deps.publishTopics ?? OUTBOX_PUBLISHER_OPTIONS.publishTopics);
  const rejectTopic = deps.rejectTopic ?? OUTBOX_PUBLISHER_OPTIONS.rejectTopic;
  const { logger, metrics, tracer } = deps;
  let last: OutboxBatchReport | undefined;

  /** `traceWith`: the tracer when the invocation has a segment, else none (nothing traced). */
  async function run(event: DynamoDBStreamEvent, traceWith?: OutboxTracer): Promise<DynamoDBBatchResponse> {
    const records = streamRecordsOf(event);
    if (records.length === 0) return { batchItemFailures: [] };
    const started = now();
    const plan = records.map((record) => planRecord(record, { publishTopics, rejectTopic, started, deps }));
    const outbound = plan.flatMap((p) => (p.kind === 'skip' ? [] : [p.outbound]));

    // 2. One produce for the whole batch, awaited once.
    let produceError: unknown;
    const produceStarted = now();
    try {
      await inSubsegment(traceWith, '### kafka produce', () => deps.producer.send(outbound));
    } catch (error) {
      produceError = error;
    }
    const produceMs = now() - produceStarted;

    // 3. The marks, once Kafka has the records.
    const status: Status[] = plan.map((p) =>
      p.kind === 'skip'
        ? { done: true }
        : produceError === undefined
          ? { done: true }
          : { done: false, error: produceError },
    );
    let marked = 0;
    let markGone = 0;
    const markStarted = now();
    if (produceError === undefined) {
      const indexes = plan.flatMap((p, i) => (p.kind !== 'skip' && p.mark ? [i] : []));
      const marks = indexes.map((i) => (plan[i] as { mark: OutboxMark }).mark);
      const publishedAt = new Date(now()).toISOString();
      const results = await inSubsegment(
        traceWith,
        '### outbox mark',
        async (): Promise<OutboxMarkResult[]> => {
          if (marks.length === 0) return [];
          try {
            return await deps.marker.markMany(marks, publishedAt);
          } catch (error) {
            // A marker breaking its never-throw contract fails every mark, not the invocation.
            const failure = markFailure(error);
            return marks.map(() => ({ ok: false, error: failure }));
          }
        },
      );
      results.forEach((result, k) => {
        if (result.ok) {
          if (result.gone) markGone++;
          else marked++;
        } else status[indexes[k]!] = { done: false, error: result.error };
      });
    }
    const markMs = produceError === undefined ? now() - markStarted : 0;

    // 4. The first record not done is the checkpoint; everything after it comes again.
    const first = status.findIndex((s) => !s.done);
    let firstFailure: string | undefined;
    if (first >= 0) {
      firstFailure = records[first]!.dynamodb?.SequenceNumber;
      if (!firstFailure) {
        throw new UnsupportedEventError(`stream record ${first} of the batch has no dynamodb.SequenceNumber`);
      }
    }
    const report = summarize(plan, status, first, produceError === undefined, {
      marked,
      markGone,
      produceMs,
      markMs,
      ...(firstFailure === undefined ? {} : { firstFailure, firstFailureIndex: first }),
    });
    const finished = now();
    const full: OutboxBatchReport = { ...report, durationMs: finished - started };
    last = full;
    publish(full, plan, first, finished);
    if (traceWith) annotateTrace(traceWith, plan, full);
    const { firstFailure: _, ...line } = full;
    if (first >= 0) {
      const error = (status[first] as { error: unknown }).error;
      logger.warn('outbox batch processed with failures', { ...line, error: describeError(error) });
    } else {
      logger.info('outbox batch published', line);
    }
    return { batchItemFailures: firstFailure === undefined ? [] : [{ itemIdentifier: firstFailure }] };
  }

  /** EMF: the runtime's batch vocabulary (settled records) plus Published / Rejected / Skipped. */
  function publish(report: OutboxBatchReport, plan: readonly Planned[], first: number, finished: number) {
    const settled = first < 0 ? plan : plan.slice(0, first);
    const rejectedByReason: Record<string, number> = {};
    const ages: number[] = [];
    let forwarded = 0;
    for (const p of settled) {
      if (p.kind === 'publish') {
        forwarded++;
        const created = p.entry.created_at ? Date.parse(p.entry.created_at) : Number.NaN;
        if (Number.isFinite(created)) ages.push(Math.max(0, finished - created));
      } else if (p.kind === 'reject') rejectedByReason[p.reason] = (rejectedByReason[p.reason] ?? 0) + 1;
    }
    const rejected = Object.values(report.rejected).reduce((a, b) => a + b, 0);
    const extra: StageMetric[] = [
      { name: 'Published', value: report.published },
      { name: 'Rejected', value: rejected },
      ...(Object.entries(report.skipped) as [SkippedEventName, number][])
        .filter(([, n]) => n > 0)
        .map(([eventName, value]) => ({ name: 'Skipped', value, dimensions: { eventName } })),
    ];
    publishBatchMetrics(metrics, {
      recordsIn: report.records,
      forwarded,
      rejectedByReason,
      failed: report.failed,
      heldBack: report.heldBack,
      durationMs: report.durationMs,
      pipelineAgesMs: ages,
      extra,
    });
  }

  const handler = async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    if (context) logger.addContext(context);
    return inSubsegment(tracer, `## ${OUTBOX_PUBLISHER_STAGE}`, (subsegment) => {
      if (!subsegment) return run(event);
      tracer!.annotateColdStart();
      tracer!.addServiceNameAnnotation();
      return run(event, tracer);
    });
  };
  return Object.assign(handler, { lastReport: () => last, close });
}

/** The records of a DynamoDB stream event; throws {@link UnsupportedEventError} for anything else. */
function streamRecordsOf(event: DynamoDBStreamEvent): readonly DynamoDBRecord[] {
  const records = (event as { Records?: unknown } | undefined)?.Records;
  if (!Array.isArray(records)) {
    throw new UnsupportedEventError('expected a DynamoDB stream event ({ "Records": [...] })');
  }
  for (const r of records as DynamoDBRecord[]) {
    if (r?.eventSource !== 'aws:dynamodb') {
      throw new UnsupportedEventError(
        `expected DynamoDB stream records, got eventSource=${JSON.stringify(r?.eventSource)}`,
      );
    }
  }
  return records as DynamoDBRecord[];
}

interface PlanContext {
  readonly publishTopics: ReadonlySet<string>;
  readonly rejectTopic: string;
  readonly started: number;
  readonly deps: OutboxPublisherDeps;
}

/** Decides what to do with one record (no I/O). */
function planRecord(record: DynamoDBRecord, ctx: PlanContext): Planned {
  if (record.eventName !== 'INSERT') {
    return {
      kind: 'skip',
      event: record.eventName === 'REMOVE' || record.eventName === 'MODIFY' ? record.eventName : 'OTHER',
    };
  }
  const table = tableOfStreamArn(record.eventSourceARN) ?? ctx.deps.outboxTable;
  const key = keyOf(record.dynamodb?.Keys);
  const decoded = decodeOutboxImage(record.dynamodb?.NewImage);
  let reason: OutboxRejectReason;
  let message: string;
  if (decoded.ok && ctx.publishTopics.has(decoded.entry.topic)) {
    const { entry } = decoded;
    return {
      kind: 'publish',
      entry,
      outbound: {
        topic: entry.topic,
        key: entry.message_key,
        value: entry.payload,
        headers: entry.kafka_headers,
      },
      ...(key ? { mark: { table, ...key, topic: entry.topic } } : {}),
    };
  }
  if (decoded.ok) {
    reason = OUTBOX_REJECT_REASON.UNKNOWN_TOPIC;
    message = `topic is not one the outbox publisher writes (${[...ctx.publishTopics].join(', ')})`;
  } else {
    ({ reason, message } = decoded);
  }
  return {
    kind: 'reject',
    reason,
    outbound: rejectRecordOf(record, table, reason, message, ctx),
    ...(key ? { mark: { table, ...key, topic: ctx.rejectTopic, rejectReason: reason } } : {}),
  };
}

/** The item key of a record (`Keys`), when it is the outbox table's. */
function keyOf(
  keys: Record<string, AttributeValue> | undefined,
): { aggregateId: string; sequence: number } | undefined {
  const aggregateId = keys?.aggregate_id?.S;
  const sequence = Number(keys?.sequence?.N);
  if (!aggregateId || !Number.isSafeInteger(sequence)) return undefined;
  return { aggregateId, sequence };
}

/**
 * The reject record of a malformed entry: key = the order id (the item's key), value = the
 * stream image as DynamoDB JSON (the original item, truncated past `REJECT_VALUE_MAX_BYTES` like
 * every reject), the entry's string headers, plus the failure headers.
 */
function rejectRecordOf(
  record: DynamoDBRecord,
  table: string,
  reason: OutboxRejectReason,
  message: string,
  ctx: PlanContext,
): OutboundRecord {
  const image = record.dynamodb?.NewImage;
  const original = Buffer.from(JSON.stringify(image ?? { Keys: record.dynamodb?.Keys ?? {} }));
  const truncated = original.length > REJECT_VALUE_MAX_BYTES;
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(image?.kafka_headers?.M ?? {})) {
    if (typeof value?.S === 'string') headers[name] = value.S;
  }
  const written = record.dynamodb?.ApproximateCreationDateTime;
  Object.assign(
    headers,
    encodeFailureHeaders({
      reason,
      message: `${message} (stream record ${record.dynamodb?.SequenceNumber ?? '?'})`,
      stage: OUTBOX_PUBLISHER_STAGE,
      sourceTopic: streamSourceOf(table),
      sourcePartition: -1,
      sourceOffset: -1,
      sourceTimestamp: typeof written === 'number' ? written * 1000 : ctx.started,
      failedAt: ctx.started,
      valueBytes: original.length,
      valueTruncated: truncated,
    }),
  );
  return {
    topic: ctx.rejectTopic,
    key: record.dynamodb?.Keys?.aggregate_id?.S ?? null,
    value: truncated ? original.subarray(0, REJECT_VALUE_MAX_BYTES) : original,
    headers,
  };
}

function summarize(
  plan: readonly Planned[],
  status: readonly Status[],
  first: number,
  produced: boolean,
  rest: Pick<
    OutboxBatchReport,
    'marked' | 'markGone' | 'produceMs' | 'markMs' | 'firstFailure' | 'firstFailureIndex'
  >,
): Omit<OutboxBatchReport, 'durationMs'> {
  const skipped: Record<SkippedEventName, number> = { REMOVE: 0, MODIFY: 0, OTHER: 0 };
  const rejected: Record<string, number> = {};
  const failureCodes: Record<string, number> = {};
  const orders = new Set<string>();
  let published = 0;
  let failed = 0;
  let heldBack = 0;
  plan.forEach((p, i) => {
    const s = status[i]!;
    if (p.kind === 'skip') skipped[p.event]++;
    else {
      if (p.kind === 'publish') orders.add(p.entry.aggregate_id);
      if (produced) {
        if (p.kind === 'publish') published++;
        else rejected[p.reason] = (rejected[p.reason] ?? 0) + 1;
      }
    }
    if (!s.done) {
      failed++;
      const code = errorCodeOf(s.error);
      failureCodes[code] = (failureCodes[code] ?? 0) + 1;
    } else if (first >= 0 && i > first) heldBack++;
  });
  return {
    records: plan.length,
    inserts: plan.filter((p) => p.kind !== 'skip').length,
    published,
    rejected,
    skipped,
    ...rest,
    failed,
    heldBack,
    failureCodes,
    orders: orders.size,
  };
}

/**
 * X-Ray annotations (indexed, searchable) of the invocation: the order's W3C trace id when the
 * batch holds one trace (the common case with a batching window of 0), else how many; every
 * trace id of the batch as metadata. Nothing when tracing is off.
 */
function annotateTrace(
  tracer: OutboxTracer | undefined,
  plan: readonly Planned[],
  report: OutboxBatchReport,
) {
  if (!tracer?.isTracingEnabled()) return;
  const traceIds = new Set<string>();
  for (const p of plan) {
    if (p.kind !== 'publish') continue;
    const traceId = parseTraceparent(p.entry.kafka_headers.traceparent)?.traceId;
    if (traceId) traceIds.add(traceId);
  }
  if (traceIds.size === 1) tracer.putAnnotation('order_trace_id', [...traceIds][0]!);
  tracer.putAnnotation('order_traces', traceIds.size);
  tracer.putAnnotation('published', report.published);
  tracer.putAnnotation('failed', report.failed);
  if (traceIds.size > 1) {
    tracer.putMetadata(
      'order_trace_ids',
      [...traceIds].slice(0, OUTBOX_PUBLISHER_OPTIONS.maxTraceIdsInMetadata),
    );
  }
}

/** An error as one log attribute (its message is redacted by the logger). */
function describeError(error: unknown): Record<string, string> {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, code: errorCodeOf(error) };
  }
  return { name: 'NonError', message: String(error) };
}
