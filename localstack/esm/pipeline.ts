/**
 * The local pipeline: every event source mapping of the chosen stages of any pipeline definition,
 * each with its pollers, invoking the stage handlers in-process. Usable as a library (the main
 * job, the benchmark, the tests) and by `orion run`.
 */
import type { Kafka, Producer } from 'kafkajs';
import { createKafka, PRODUCER_CONFIG } from '../../shared/kafka/client.ts';
import { functionNameOf, stageOf } from '../../shared/pipeline/definition.ts';
import {
  type EventSourceMappingSettings,
  eventSourceMappingSettings,
} from '../../shared/pipeline/esm-settings.ts';
import { eventSourceMappingsOf } from '../../shared/pipeline/mappings.ts';
import type { PipelineDefinition, StageName, StageSpec } from '../../shared/pipeline/types.ts';
import { type EventSourceMappingHandle, startEventSourceMapping } from './event-source-mapping.ts';
import { applyEnvironment, handlerPathOf, loadHandler, localStageEnvironment } from './handler-loader.ts';
import type { EmulatorOptions, HandlerSource, MappingCounters } from './types.ts';

/** Options of {@link startPipeline}. */
export interface PipelineOptions extends EmulatorOptions {
  /** The pipeline whose stages run (e.g. `pipelineNamed('toy')`, or a test fixture's definition). */
  readonly pipeline: PipelineDefinition;
  /** Kafka bootstrap servers. */
  readonly brokers: readonly string[];
  /** Stages to run, by name or as specs (default: all, in pipeline order). */
  readonly stages?: readonly (StageName | StageSpec)[];
  /** Invoke the esbuild bundles (`dist/functions/<functionDir>/index.mjs`) instead of the sources. */
  readonly bundled?: boolean;
  /**
   * Pollers per mapping for some stages (within each stage's `MaximumPollers`), overriding `pollers`:
   * e.g. `{ orders: 8 }` gives the `orders` stage eight concurrent invocations.
   */
  readonly stagePollers?: Partial<Record<string, number>>;
  /** Replace a stage's handler (tests, benchmarks). */
  readonly handlers?: Partial<Record<string, HandlerSource>>;
  /** Override AWS mapping settings for every mapping (tests). */
  readonly mappingOverrides?: Partial<EventSourceMappingSettings>;
  /** Errors the pipeline survives (refused commits during rebalances …). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** Counters of all the mappings of one stage, summed. */
export type StageTotals = {
  -readonly [K in keyof Omit<MappingCounters, 'stage' | 'topic' | 'consumerGroupId'>]: number;
};

/** A running pipeline, in this process or in stage workers. */
export interface RunningPipeline {
  /** Live counters of every mapping. */
  counters(): MappingCounters[];
  /** Live counters summed per stage. */
  stageTotals(): Record<string, StageTotals>;
  /** Finishes in-flight batches, commits, disconnects. */
  stop(): Promise<void>;
  /** Disconnects at once without committing (crash simulation). */
  kill(): Promise<void>;
}

/** A pipeline running in this process. */
export interface PipelineHandle extends RunningPipeline {
  readonly mappings: readonly EventSourceMappingHandle[];
}

/**
 * The validated AWS settings of every mapping of `stage` (one per source topic), with the
 * function name the pipeline gives the stage and `overrides` applied.
 * @example mappingSettingsOf(pipeline, stageOf(pipeline, 'orders'))[0].consumerGroupId
 */
export function mappingSettingsOf(
  pipeline: PipelineDefinition,
  stage: StageSpec,
  overrides?: Partial<EventSourceMappingSettings>,
): EventSourceMappingSettings[] {
  const functionName = functionNameOf(pipeline, stage.name);
  return eventSourceMappingsOf(stage).map((mapping) =>
    eventSourceMappingSettings(stage, mapping, { functionName, ...(overrides ? { overrides } : {}) }),
  );
}

/**
 * Starts the event source mappings of the chosen stages of a pipeline.
 *
 * @example
 * const pipeline = await startPipeline({ pipeline: pipelineNamed('toy'), brokers: ['127.0.0.1:9092'], stages: ['forward'] });
 * // … later
 * await pipeline.stop();
 */
export async function startPipeline(options: PipelineOptions): Promise<PipelineHandle> {
  const { pipeline } = options;
  const stages = (options.stages ?? pipeline.stages).map((s) =>
    typeof s === 'string' ? stageOf(pipeline, s) : s,
  );
  const kafka: Kafka = createKafka({ brokers: options.brokers, auth: 'none', clientId: 'orion-esm' });
  await assertTopicsExist(kafka, stages);
  const producer: Producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const mappings: EventSourceMappingHandle[] = [];
  try {
    for (const stage of stages) {
      applyEnvironment(localStageEnvironment(pipeline, stage, options.brokers));
      const source = options.handlers?.[stage.name] ?? {
        kind: 'module',
        path: handlerPathOf(pipeline, stage, options.bundled ?? false),
      };
      const specs = eventSourceMappingsOf(stage);
      const settings = mappingSettingsOf(pipeline, stage, options.mappingOverrides);
      for (const [i, config] of settings.entries()) {
        // One execution environment per mapping, as AWS never shares one between its pollers.
        const handler = await loadHandler(source, specs[i]!.consumerGroupId);
        const pollers = options.stagePollers?.[stage.name] ?? options.pollers;
        mappings.push(
          await startEventSourceMapping({
            ...options,
            ...(pollers !== undefined ? { pollers } : {}),
            kafka,
            producer,
            stage: stage.name,
            handler,
            config,
          }),
        );
      }
    }
  } catch (error) {
    await Promise.allSettled(mappings.map((m) => m.kill()));
    await producer.disconnect();
    throw error;
  }

  const counters = () => mappings.map((m) => m.counters);
  return {
    mappings,
    counters,
    stageTotals: () => sumPerStage(counters()),
    stop: async () => {
      await Promise.all(mappings.map((m) => m.stop()));
      await producer.disconnect();
    },
    kill: async () => {
      await Promise.allSettled(mappings.map((m) => m.kill()));
      await producer.disconnect();
    },
  };
}

/** Fails with the fix when a source or on-failure topic is missing (mappings never create topics). */
async function assertTopicsExist(kafka: Kafka, stages: readonly StageSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const needed = new Set(stages.flatMap((s) => [...s.sourceTopics, s.onFailureTopic]));
    const missing = [...needed].filter((t) => !existing.has(t));
    if (missing.length > 0) {
      throw new Error(
        `Topic(s) missing: ${missing.join(', ')}. Create them with \`npx orion topics apply\`.`,
      );
    }
  } finally {
    await admin.disconnect();
  }
}

/** Sums mapping counters per stage. */
export function sumPerStage(counters: readonly MappingCounters[]): Record<string, StageTotals> {
  const totals: Record<string, StageTotals> = {};
  for (const { stage, topic: _topic, consumerGroupId: _group, ...numbers } of counters) {
    const total = totals[stage];
    if (!total) {
      totals[stage] = { ...numbers };
      continue;
    }
    for (const key of Object.keys(numbers) as (keyof StageTotals)[]) total[key] += numbers[key];
  }
  return totals;
}
