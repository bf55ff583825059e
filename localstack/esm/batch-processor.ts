/**
 * Drives one batch to completion the way the Kafka event source mapping does, independent of
 * Kafka (the poller supplies the records and commits afterwards):
 *
 * - records older than `MaximumRecordAgeInSeconds` are not sent to the function but to the
 *   on-failure destination ("Maximum record age – The maximum age of a record that Lambda sends to
 *   your function");
 * - a function error (throw, timeout, invalid partial response) fails the whole batch; with
 *   `BisectBatchOnFunctionError` the batch is split in two and each half retried separately ("Split
 *   batch on error … This helps isolate problematic records"); a split is not a retry (as for stream
 *   sources: "Splitting a batch does not count towards the retry quota");
 * - with a partial batch response only the named records are retried;
 * - a record that fails after `MaximumRetryAttempts` retries ("This doesn't count the initial
 *   invocation attempt") goes to the on-failure destination.
 *   All from https://docs.aws.amazon.com/lambda/latest/dg/kafka-retry-configurations.html
 *
 * Ordering per partition: the units of work (the batch, its halves, its retries) run one after the
 * other, lower offsets first, and the poller starts no other batch before this one is done, so a
 * record is never invoked before an earlier record of its partition is done or given up
 * ("Lambda reads messages sequentially for each Kafka topic partition",
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk-configure.html).
 *
 * The loop knows no Kafka: records only need an id and a timestamp ({@link BatchRecord}), and how a
 * response names failed records is the source's (`readResponse`; default: the Kafka partial batch
 * response, only the named records failed). The DynamoDB Streams mapping
 * (`dynamodb-streams/stream-mapping.ts`) runs the same loop with the stream semantics: every record
 * from the lowest reported sequence number on failed.
 */
import { type BatchResponseVerdict, readBatchResponse } from './batch-response.ts';
import type { FetchedRecord } from './fetched-record.ts';
import type { LastInvocation, OnFailureCondition } from './on-failure-record.ts';

/** The result of one invocation as the batch processor sees it. */
export interface InvocationOutcome {
  readonly requestId: string;
  /** The function threw or timed out. */
  readonly error?: unknown;
  /** The value the function returned. */
  readonly response?: unknown;
}

/** What the batch processor needs of a record: an id unique within the batch and its age. */
export interface BatchRecord {
  readonly id: string;
  /** When the record was written (ms since the epoch), for `MaximumRecordAgeInSeconds`. */
  readonly timestamp: number;
}

/** What a response says about the records it was invoked with. */
export type ResponseVerdict<R extends BatchRecord = FetchedRecord> =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failed: readonly R[] }
  | { readonly kind: 'invalid'; readonly reason: string };

/** A record given up on, with what the on-failure destination needs. */
export interface ExhaustedRecord<R extends BatchRecord = FetchedRecord> {
  readonly record: R;
  readonly condition: OnFailureCondition;
  readonly invokeCount: number;
  readonly lastInvocation?: LastInvocation;
}

/** What the batch processor needs from the outside world. */
export interface BatchProcessorDeps<R extends BatchRecord = FetchedRecord> {
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeInSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly reportBatchItemFailures: boolean;
  /**
   * Reads an invocation's response (only called when the function did not throw). Default: the Kafka
   * partial batch response ({@link readBatchResponse}), where only the named records failed.
   */
  readResponse?(response: unknown, invoked: readonly R[]): ResponseVerdict<R>;
  invoke(records: readonly R[]): Promise<InvocationOutcome>;
  /** Writes given-up records to the on-failure destination; resolves once they are durable. */
  sendToOnFailure(records: readonly ExhaustedRecord<R>[]): Promise<void>;
  /** Records that are done (succeeded, or on the on-failure destination), as soon as they are. */
  onSettled?(records: readonly R[]): void;
  /** Delay before retry number `retry` (1-based). */
  backoff(retry: number): Promise<void>;
  now(): number;
  /** True once the mapping is stopping: no new invocation starts, unfinished records stay pending. */
  isStopping(): boolean;
  /** Counters hook (optional). */
  onEvent?(event: BatchEvent): void;
}

/** Events the batch processor reports, for counters. */
export type BatchEvent =
  | {
      readonly kind: 'invoked';
      readonly records: number;
      readonly ms: number;
      readonly verdict: 'success' | 'partial' | 'error';
    }
  | { readonly kind: 'bisected' }
  | { readonly kind: 'retried'; readonly records: number }
  | { readonly kind: 'succeeded'; readonly records: number }
  | { readonly kind: 'on-failure'; readonly records: number };

/** The state of every record of the batch once the processor returns. */
export interface BatchResult<R extends BatchRecord = FetchedRecord> {
  readonly succeeded: readonly R[];
  readonly onFailure: readonly ExhaustedRecord<R>[];
  /** Records not done because the mapping is stopping (they must not be committed). */
  readonly pending: readonly R[];
}

/** The counters {@link applyBatchEvent} keeps (a subset of every mapping's counters). */
export interface BatchCounters {
  invocations: number;
  invocationMs: number;
  functionErrors: number;
  partialFailures: number;
  retries: number;
  bisects: number;
  recordsSucceeded: number;
  recordsOnFailure: number;
}

/**
 * Adds one {@link BatchEvent} to a mapping's counters.
 * @example processBatch(records, { ...deps, onEvent: (e) => applyBatchEvent(counters, e) })
 */
export function applyBatchEvent(c: BatchCounters, event: BatchEvent): void {
  switch (event.kind) {
    case 'invoked':
      c.invocations++;
      c.invocationMs += event.ms;
      if (event.verdict === 'error') c.functionErrors++;
      if (event.verdict === 'partial') c.partialFailures++;
      break;
    case 'bisected':
      c.bisects++;
      break;
    case 'retried':
      c.retries += event.records;
      break;
    case 'succeeded':
      c.recordsSucceeded += event.records;
      break;
    case 'on-failure':
      c.recordsOnFailure += event.records;
      break;
  }
}

/** The Kafka verdict: only the records the response names (`{ partition, offset }`) failed. */
function kafkaVerdict<R extends BatchRecord>(
  response: unknown,
  invoked: readonly R[],
  reportBatchItemFailures: boolean,
): ResponseVerdict<R> {
  const verdict: BatchResponseVerdict = readBatchResponse(
    response,
    new Set(invoked.map((r) => r.id)),
    reportBatchItemFailures,
  );
  if (verdict.kind !== 'partial') return verdict;
  return { kind: 'partial', failed: invoked.filter((r) => verdict.failedIds.has(r.id)) };
}

interface Unit<R extends BatchRecord> {
  readonly records: readonly R[];
  /** How many times these records have been retried after failing (bisects excluded). */
  readonly retries: number;
}

/**
 * Processes a batch to completion: every record ends succeeded, on-failure, or (when stopping) pending.
 * @example const result = await processBatch(records, deps);
 */
export async function processBatch<R extends BatchRecord = FetchedRecord>(
  records: readonly R[],
  deps: BatchProcessorDeps<R>,
): Promise<BatchResult<R>> {
  const succeeded: R[] = [];
  const onFailure: ExhaustedRecord<R>[] = [];
  const pending: R[] = [];
  const invokeCounts = new Map<string, number>();
  const lastInvocation = new Map<string, LastInvocation>();
  const queue: Unit<R>[] = [{ records, retries: 0 }];
  const readResponse =
    deps.readResponse ??
    ((response: unknown, invoked: readonly R[]) =>
      kafkaVerdict(response, invoked, deps.reportBatchItemFailures));
  const succeed = (recs: readonly R[]) => {
    if (recs.length === 0) return;
    succeeded.push(...recs);
    deps.onSettled?.(recs);
    deps.onEvent?.({ kind: 'succeeded', records: recs.length });
  };

  const giveUp = async (recs: readonly R[], condition: OnFailureCondition) => {
    if (recs.length === 0) return;
    const exhausted = recs.map((record) => ({
      record,
      condition,
      invokeCount: invokeCounts.get(record.id) ?? 0,
      ...(lastInvocation.has(record.id) ? { lastInvocation: lastInvocation.get(record.id)! } : {}),
    }));
    await deps.sendToOnFailure(exhausted);
    onFailure.push(...exhausted);
    deps.onSettled?.(recs);
    deps.onEvent?.({ kind: 'on-failure', records: exhausted.length });
  };

  while (queue.length > 0) {
    const unit = queue.shift()!;
    if (unit.retries > 0 && !deps.isStopping()) await deps.backoff(unit.retries);
    const live = await dropExpired(unit.records, deps, giveUp);
    if (live.length === 0) continue;
    if (deps.isStopping()) {
      pending.push(...live, ...queue.flatMap((u) => u.records));
      break;
    }
    if (unit.retries > 0) deps.onEvent?.({ kind: 'retried', records: live.length });

    const started = deps.now();
    const outcome = await deps.invoke(live);
    for (const r of live) invokeCounts.set(r.id, (invokeCounts.get(r.id) ?? 0) + 1);
    const verdict: ResponseVerdict<R> =
      outcome.error !== undefined
        ? { kind: 'invalid', reason: 'function error' }
        : readResponse(outcome.response, live);
    const functionError = verdict.kind === 'invalid';
    for (const r of live) {
      lastInvocation.set(
        r.id,
        functionError
          ? { requestId: outcome.requestId, functionError: 'Unhandled' }
          : { requestId: outcome.requestId },
      );
    }
    deps.onEvent?.({
      kind: 'invoked',
      records: live.length,
      ms: deps.now() - started,
      verdict: verdict.kind === 'invalid' ? 'error' : verdict.kind,
    });

    if (verdict.kind === 'success') {
      succeed(live);
      continue;
    }
    if (functionError && deps.bisectBatchOnFunctionError && live.length > 1) {
      const middle = Math.ceil(live.length / 2);
      queue.unshift(
        { records: live.slice(0, middle), retries: unit.retries },
        { records: live.slice(middle), retries: unit.retries },
      );
      deps.onEvent?.({ kind: 'bisected' });
      continue;
    }
    const failed = verdict.kind === 'partial' ? verdict.failed : live;
    if (verdict.kind === 'partial') {
      const failedSet = new Set(failed);
      succeed(live.filter((r) => !failedSet.has(r)));
    }
    if (unit.retries >= deps.maximumRetryAttempts) {
      await giveUp(failed, 'RetriesExhausted');
    } else {
      queue.unshift({ records: failed, retries: unit.retries + 1 });
    }
  }
  return { succeeded, onFailure, pending };
}

/** Sends records older than the maximum record age on-failure; returns the others. */
async function dropExpired<R extends BatchRecord>(
  records: readonly R[],
  deps: BatchProcessorDeps<R>,
  giveUp: (recs: readonly R[], condition: OnFailureCondition) => Promise<void>,
): Promise<readonly R[]> {
  if (deps.maximumRecordAgeInSeconds < 0) return records;
  const oldest = deps.now() - deps.maximumRecordAgeInSeconds * 1000;
  const expired = records.filter((r) => r.timestamp < oldest);
  if (expired.length === 0) return records;
  await giveUp(expired, 'RecordAgeExceeded');
  return records.filter((r) => r.timestamp >= oldest);
}
