import type { EventSourceMappingSpec, StageSpec } from './types.ts';

/**
 * The event source mappings of a stage: AWS takes exactly one topic per Kafka mapping and
 * requires a consumer group id unique among all Kafka event sources, so each source topic gets
 * its own mapping with the group `<prefix>.<topic>`.
 *
 * @example
 * eventSourceMappingsOf(stageOf(pipeline, 'forward'))
 * // [{ stage: 'forward', topic: 'toy.in', consumerGroupId: 'orion-toy-forward.toy.in' }]
 */
export function eventSourceMappingsOf(stage: StageSpec): EventSourceMappingSpec[] {
  return stage.sourceTopics.map((topic) => ({
    stage: stage.name,
    topic,
    consumerGroupId: `${stage.consumerGroupPrefix}.${topic}`,
  }));
}

/** Every event source mapping of the given stages. */
export function allEventSourceMappings(stages: readonly StageSpec[]): EventSourceMappingSpec[] {
  return stages.flatMap(eventSourceMappingsOf);
}
