/**
 * Building, checking and reading a {@link PipelineDefinition}. A definition is checked once, when
 * it is declared (`definePipeline`), so that CDK, the emulator and the CLI never meet a stage
 * reading a topic that does not exist or a store nobody declared.
 */
import { PipelineError } from './errors.ts';
import type { DynamoDbTableSpec, PipelineDefinition, StageSpec, StoreSpec, TopicSpec } from './types.ts';

const PIPELINE_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * Declares a pipeline: checks that every name is unique, that every topic a stage reads or
 * writes is in the catalog, that every store a stage uses is declared, and returns it frozen.
 * Throws {@link PipelineError} `INVALID_DEFINITION` listing every problem.
 *
 * @example
 * export const TOY = definePipeline({ name: 'toy', title: 'Toy', topics, stages, rejectTopic: 'toy.rejected', deadLetterTopics: ['toy.dlq'] });
 */
export function definePipeline<const T extends PipelineDefinition>(definition: T): T {
  const problems = definitionProblems(definition);
  if (problems.length > 0) {
    throw new PipelineError(
      'INVALID_DEFINITION',
      `Pipeline "${definition.name}" is invalid:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return Object.freeze(definition);
}

/** Every inconsistency of a definition, one line each (empty when it is sound). */
export function definitionProblems(definition: PipelineDefinition): string[] {
  const problems: string[] = [];
  if (!PIPELINE_NAME.test(definition.name)) {
    problems.push(`name "${definition.name}" must match ${PIPELINE_NAME}`);
  }
  const topics = new Set<string>();
  for (const topic of definition.topics) {
    if (topics.has(topic.name)) problems.push(`topic "${topic.name}" is declared twice`);
    if (!TOPIC_NAME.test(topic.name)) problems.push(`topic "${topic.name}" is not a valid Kafka topic name`);
    topics.add(topic.name);
  }
  const known = (topic: string, what: string) => {
    if (!topics.has(topic)) problems.push(`${what} "${topic}" is not in the topic catalog`);
  };
  known(definition.rejectTopic, 'reject topic');
  for (const t of definition.deadLetterTopics) known(t, 'dead-letter topic');
  const stores = new Map((definition.stores ?? []).map((s) => [s.name, s]));
  if (stores.size !== (definition.stores ?? []).length) problems.push('two stores share a name');
  const stageNames = new Set<string>();
  const groups = new Set<string>();
  for (const stage of definition.stages) {
    const where = `stage "${stage.name}"`;
    if (stageNames.has(stage.name)) problems.push(`${where} is declared twice`);
    stageNames.add(stage.name);
    if (stage.sourceTopics.length === 0) problems.push(`${where} has no source topic`);
    for (const t of stage.sourceTopics) known(t, `${where} source`);
    for (const t of stage.outputTopics) known(t, `${where} output`);
    known(stage.rejectTopic, `${where} reject topic`);
    known(stage.onFailureTopic, `${where} on-failure topic`);
    if (stage.sourceTopics.includes(stage.onFailureTopic)) {
      problems.push(`${where} reads its own on-failure topic "${stage.onFailureTopic}"`);
    }
    if (groups.has(stage.consumerGroupPrefix)) {
      problems.push(`${where} shares consumer group prefix "${stage.consumerGroupPrefix}"`);
    }
    groups.add(stage.consumerGroupPrefix);
    for (const use of stage.stores ?? []) {
      if (!stores.has(use.store)) problems.push(`${where} uses undeclared store "${use.store}"`);
    }
  }
  const functionNames = new Set(stageNames);
  const uniqueFunction = (name: string, where: string) => {
    if (functionNames.has(name)) problems.push(`${where} has the name of another function of the pipeline`);
    functionNames.add(name);
  };
  const storesKnown = (uses: readonly { store: string }[] | undefined, where: string) => {
    for (const use of uses ?? []) {
      if (!stores.has(use.store)) problems.push(`${where} uses undeclared store "${use.store}"`);
    }
  };
  for (const api of definition.httpApis ?? []) {
    const where = `HTTP API "${api.name}"`;
    uniqueFunction(api.name, where);
    if (api.routes.length === 0) problems.push(`${where} has no route`);
    for (const r of api.routes) {
      if (!r.path.startsWith('/')) problems.push(`${where} route "${r.path}" must start with "/"`);
    }
    storesKnown(api.stores, where);
  }
  for (const stage of definition.streamStages ?? []) {
    const where = `stream stage "${stage.name}"`;
    uniqueFunction(stage.name, where);
    for (const t of stage.outputTopics) known(t, `${where} output`);
    storesKnown(stage.stores, where);
    const source = stores.get(stage.source.store);
    const table =
      source?.kind === 'dynamodb' ? source.tables.find((t) => t.suffix === stage.source.table) : undefined;
    if (!table) {
      problems.push(
        `${where} reads table "${stage.source.table}" of store "${stage.source.store}", which is not a declared DynamoDB table`,
      );
    } else if (!table.stream) {
      problems.push(`${where} reads table "${stage.source.table}", which declares no stream`);
    }
  }
  if (definition.replay) {
    for (const t of definition.replay.sourceTopics) known(t, 'replay source');
  }
  return problems;
}

/**
 * Looks a stage up by name; throws {@link PipelineError} `NOT_FOUND` naming the stages there are.
 * @example stageOf(pipeline, 'validation').sourceTopics
 */
export function stageOf(pipeline: PipelineDefinition, name: string): StageSpec {
  const stage = pipeline.stages.find((s) => s.name === name);
  if (!stage) {
    throw new PipelineError(
      'NOT_FOUND',
      `Pipeline "${pipeline.name}" has no stage "${name}"; stages are: ${pipeline.stages.map((s) => s.name).join(', ')}`,
    );
  }
  return stage;
}

/**
 * Looks a topic up by name; throws {@link PipelineError} `NOT_FOUND` when it is not in the catalog.
 * @example topicOf(pipeline, 'orders').partitions // 3
 */
export function topicOf(pipeline: PipelineDefinition, name: string): TopicSpec {
  const topic = pipeline.topics.find((t) => t.name === name);
  if (!topic) {
    throw new PipelineError('NOT_FOUND', `Topic "${name}" is not in the ${pipeline.name} pipeline's catalog`);
  }
  return topic;
}

/** The store a stage names in its `stores`; throws {@link PipelineError} `NOT_FOUND`. */
export function storeOf(pipeline: PipelineDefinition, name: string): StoreSpec {
  const store = pipeline.stores?.find((s) => s.name === name);
  if (!store) throw new PipelineError('NOT_FOUND', `Pipeline "${pipeline.name}" has no store "${name}"`);
  return store;
}

/**
 * Physical name of a DynamoDB table of a store: `<prefix><suffix>`, the prefix being what the
 * function reads from the store's `tablePrefixVariable` (CDK sets it per environment).
 * @example dynamoDbTableNameOf({ suffix: 'items' }, 'orion-dev-') // 'orion-dev-items'
 */
export function dynamoDbTableNameOf(table: Pick<DynamoDbTableSpec, 'suffix'>, prefix: string): string {
  return `${prefix}${table.suffix}`;
}

/** The stores `stage` uses, each with its access. */
export function storesOfStage(
  pipeline: PipelineDefinition,
  stage: StageSpec,
): { store: StoreSpec; access: 'read' | 'read-write' }[] {
  return (stage.stores ?? []).map((use) => ({ store: storeOf(pipeline, use.store), access: use.access }));
}

/** Partitions of all the source topics of a stage (a Kafka mapping runs one batch per partition). */
export function sourcePartitionsOf(pipeline: PipelineDefinition, stage: StageSpec): number {
  return stage.sourceTopics.reduce((n, t) => n + topicOf(pipeline, t).partitions, 0);
}

/** Topics a stage writes: its outputs, the reject topic and its on-failure topic, deduplicated. */
export function writeTopicsOf(stage: StageSpec): string[] {
  return [...new Set([...stage.outputTopics, stage.rejectTopic, stage.onFailureTopic])];
}

/**
 * The resource-name infix of a pipeline (`''` for a pipeline that declares none … see
 * {@link PipelineDefinition.resourceInfix}).
 * @example resourceInfixOf({ name: 'toy', … }) // 'toy-'
 */
export function resourceInfixOf(pipeline: PipelineDefinition): string {
  return pipeline.resourceInfix ?? `${pipeline.name}-`;
}

/**
 * The function name of a stage: `orion-<env>-<infix><stage>` in AWS, `orion-<infix><stage>`
 * locally (no environment). The one place this name is computed.
 * @example functionNameOf(pipeline, 'validation', 'prod') // 'orion-prod-validation'
 */
export function functionNameOf(pipeline: PipelineDefinition, functionName: string, envName?: string): string {
  return `orion-${envName ? `${envName}-` : ''}${resourceInfixOf(pipeline)}${functionName}`;
}

/**
 * The Powertools service name of a stage (`POWERTOOLS_SERVICE_NAME`, the `service` dimension of
 * its metrics): `orion-<infix><stage>`, the same in AWS and locally.
 * @example serviceNameOf(pipeline, 'validation') // 'orion-validation'
 */
export function serviceNameOf(pipeline: PipelineDefinition, stageName: string): string {
  return functionNameOf(pipeline, stageName);
}

/**
 * The Cassandra / Keyspaces keyspace of a pipeline: the environment's (`orion_<env>` in AWS,
 * `orion` locally) for a pipeline with infix `''`, else suffixed with the infix, so that two
 * pipelines' tables never share a keyspace (and `orion storage init --recreate` of one never drops
 * the other's).
 * @example keyspaceNameOf(toyPipeline, 'orion_dev') // 'orion_dev_toy'
 */
export function keyspaceNameOf(pipeline: PipelineDefinition, environmentKeyspace: string): string {
  const infix = resourceInfixOf(pipeline).replace(/-$/, '').replaceAll('-', '_');
  return infix ? `${environmentKeyspace}_${infix}` : environmentKeyspace;
}
