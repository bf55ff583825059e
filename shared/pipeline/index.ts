/** The ORION pipeline definition: the one place topics, stages, mappings and thresholds are declared. */
export * from './countries.ts';
export * from './mappings.ts';
export * from './stages.ts';
export * from './topics.ts';
export type * from './types.ts';
