/**
 * The pipeline framework's vocabulary: what a pipeline definition holds (topics, stages, stores,
 * mappings, alarms) and the one owner of each derived concept (mapping settings, environment
 * contract, resource names). It names no pipeline; each pipeline's definition lives in its folder.
 */
export * from './definition.ts';
export * from './environment.ts';
export * from './errors.ts';
export * from './esm-settings.ts';
export * from './mappings.ts';
export * from './metrics.ts';
export * from './replay.ts';
export * from './stream-esm-settings.ts';
export * from './topics.ts';
export type * from './types.ts';
