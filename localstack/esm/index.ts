/** The local Kafka event source mapping emulator: runs any pipeline definition (see DESIGN §6). */
export * from './event-source-mapping.ts';
export * from './handler-loader.ts';
export * from './lag.ts';
export * from './on-failure-record.ts';
export * from './payload-size.ts';
export * from './pipeline.ts';
export * from './pipeline-reference.ts';
export * from './stage-workers.ts';
export type * from './types.ts';
