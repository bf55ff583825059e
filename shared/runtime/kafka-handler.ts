/**
 * The stage runtime: turns a {@link Stage} into a Lambda handler for Amazon MSK
 * (`eventSource: "aws:kafka"`) and self-managed Kafka (`"SelfManagedKafka"`) events.
 *
 * Per invocation: decode the event → `stage.processBatch` (a throwing stage fails every record
 * transiently) → ONE batched, idempotent, `acks=all` produce of all forwards and rejects, awaited
 * once → the stage's `afterProduce` hook, if any, with the settled records → the batch metrics,
 * with the stage's own (`batchMetrics`) → a partial batch response naming every record that did
 * not settle: the failed ones and, to keep each partition in order, the ones after them (see
 * `batch-plan.ts`). One log line and one metrics call per batch; nothing per record.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { decodeKafkaEvent, type KafkaBatchResponse, type KafkaEvent } from '../kafka/msk-event.ts';
import type { BatchProducer } from '../kafka/producer.ts';
import type { StageRecord } from '../kafka/types.ts';
import { createLogger } from '../observability/logger.ts';
import { createStageMetrics, publishBatchMetrics, type StageMetric } from '../observability/metrics.ts';
import { type BatchPlan, failSettled, planBatch, settleBatch } from './batch-plan.ts';
import { loadRuntimeConfig, type RuntimeConfig } from './config.ts';
import { StageContractError, UnsupportedEventError } from './errors.ts';
import type { Outcome } from './outcome.ts';
import { createRuntimeProducer } from './runtime-producer.ts';
import type { RecordResult, SettledRecord, Stage } from './stage.ts';

/** Options of {@link createKafkaHandler}; every default is built once, at module scope. */
export interface KafkaHandlerOptions {
  /** Default: a Kafka producer from {@link loadRuntimeConfig} (env validated at cold start). */
  readonly producer?: BatchProducer;
  /** Default: `loadRuntimeConfig()`, read when no `producer` is given. */
  readonly config?: RuntimeConfig;
  /** Default: a redacting logger with key `stage`, masking {@link piiKeys} beside the always-on masks. */
  readonly logger?: Logger;
  /**
   * Field names whose values the default logger masks whole (the pipeline's
   * `PipelineDefinition.piiKeys`). Ignored when a `logger` is given.
   * @default none: only the always-on masks (long digit runs, e-mail addresses)
   */
  readonly piiKeys?: readonly string[];
  /** Default: EMF metrics, namespace `METRICS_NAMESPACE`, dimension `stage`. */
  readonly metrics?: Metrics;
  /** Default: the stage's own reject topic ({@link Stage.rejectTopic}). */
  readonly rejectTopic?: string;
  /** Clock, epoch ms (tests). */
  readonly now?: () => number;
}

/** A stage's Lambda handler, plus `close()` to disconnect its clients (tests, local runs). */
export interface KafkaHandler {
  (event: KafkaEvent, context?: Context): Promise<KafkaBatchResponse>;
  close(): Promise<void>;
}

/**
 * Builds the Lambda handler of a stage. Call it at module scope: configuration is validated and
 * clients are created once per execution environment.
 *
 * @example
 * // functions/<stage>/handler.ts
 * export const handler = createKafkaHandler(myStage(), { piiKeys: MY_PIPELINE.piiKeys });
 */
export function createKafkaHandler(stage: Stage, options: KafkaHandlerOptions = {}): KafkaHandler {
  const now = options.now ?? Date.now;
  const config = options.config ?? (options.producer ? undefined : loadRuntimeConfig());
  const logger =
    options.logger ??
    createLogger({
      serviceName: config?.serviceName,
      persistentKeys: { stage: stage.name },
      ...(options.piiKeys ? { piiKeys: options.piiKeys } : {}),
    });
  const metrics = options.metrics ?? createStageMetrics(stage.name, config?.serviceName);
  const rejectTopic = options.rejectTopic ?? stage.rejectTopic;
  if (!rejectTopic) {
    throw new StageContractError(
      'NO_REJECT_TOPIC',
      `Stage "${stage.name}" has no reject topic: give the stage one or pass options.rejectTopic`,
    );
  }

  let closeClients = async () => {};
  let producer = options.producer;
  if (!producer) {
    const runtime = createRuntimeProducer(config!, logger);
    producer = runtime.producer;
    closeClients = () => runtime.close();
  }
  const batchProducer = producer;

  const handler = async (event: KafkaEvent, context?: Context): Promise<KafkaBatchResponse> => {
    if (event?.eventSource !== 'aws:kafka' && event?.eventSource !== 'SelfManagedKafka') {
      throw new UnsupportedEventError(
        `expected an Amazon MSK or self-managed Kafka event, got eventSource=${JSON.stringify(event?.eventSource)}`,
      );
    }
    if (context) logger.addContext(context);
    const started = now();
    const records = decodeKafkaEvent(event);
    if (records.length === 0) return { batchItemFailures: [] };

    const { results, stageError } = await runStage(stage, records);
    let plan: BatchPlan;
    let planError: unknown;
    try {
      plan = planBatch(records, results, { stage: stage.name, rejectTopic, now: now() });
    } catch (error) {
      // A stage that breaks its contract (wrong result count): every record failed transiently.
      planError = error;
      plan = planBatch(records, failAll(records, error), { stage: stage.name, rejectTopic, now: now() });
    }

    let produceError: unknown;
    const produceStarted = now();
    try {
      await batchProducer.send(plan.outbound);
    } catch (error) {
      produceError = error;
    }
    let settled = settleBatch(plan, produceError === undefined, now());
    const settledRecords = (): SettledRecord[] =>
      settled.settled.map((i) => ({ record: records[i]!, result: plan.results[i] as Outcome }));
    let afterProduceError: unknown;
    if (stage.afterProduce && settled.settled.length > 0) {
      try {
        await stage.afterProduce(settledRecords());
      } catch (error) {
        afterProduceError = error;
        settled = failSettled(plan, settled, error);
      }
    }
    let extra: readonly StageMetric[] = [];
    let batchMetricsError: unknown;
    if (stage.batchMetrics && settled.settled.length > 0) {
      try {
        extra = stage.batchMetrics(settledRecords());
      } catch (error) {
        batchMetricsError = error;
      }
    }
    const finished = now();

    const published = publishBatchMetrics(metrics, {
      recordsIn: records.length,
      forwarded: settled.forwarded,
      rejectedByReason: settled.rejectedByReason,
      failed: settled.failed,
      heldBack: settled.heldBack,
      durationMs: finished - started,
      pipelineAgesMs: settled.pipelineAgesMs,
      extra,
    });
    const summary = {
      records: records.length,
      partitions: plan.partitions.size,
      forwarded: settled.forwarded,
      rejected: settled.rejectedByReason,
      failed: settled.failed,
      heldBack: settled.heldBack,
      failureCodes: settled.failureCodes,
      produced: plan.outbound.length,
      durationMs: finished - started,
      produceMs: finished - produceStarted,
      ...(published.skipped.length > 0
        ? { metricsSkipped: published.skipped.length, metricsProblem: published.skipped[0] }
        : {}),
      ...(batchMetricsError !== undefined ? { metricsError: describe(batchMetricsError) } : {}),
    };
    const error = produceError ?? afterProduceError ?? stageError ?? planError ?? firstFailure(results);
    if (settled.failures.length > 0 || error !== undefined) {
      logger.warn('batch processed with failures', { ...summary, error: describe(error) });
    } else if (published.skipped.length > 0 || batchMetricsError !== undefined) {
      logger.warn('batch processed; some stage metrics were not published', summary);
    } else {
      logger.info('batch processed', summary);
    }
    return { batchItemFailures: settled.failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };

  return Object.assign(handler, { close: closeClients });
}

/** Runs the stage, turning a throw into a transient failure of every record. */
async function runStage(
  stage: Stage,
  records: readonly StageRecord[],
): Promise<{ results: readonly RecordResult[]; stageError?: unknown }> {
  try {
    return { results: await stage.processBatch(records) };
  } catch (error) {
    return { results: failAll(records, error), stageError: error };
  }
}

function failAll(records: readonly StageRecord[], error: unknown): RecordResult[] {
  return records.map(() => ({ kind: 'failed', error }));
}

function firstFailure(results: readonly RecordResult[]): unknown {
  for (const r of results) if (r.kind === 'failed') return r.error;
  return undefined;
}

/** An error as one log attribute (its message is redacted by the logger). */
function describe(error: unknown): Record<string, string> | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'NonError', message: String(error) };
}
