/**
 * The local DynamoDB Streams event source mapping: runs a handler on a table's stream in DynamoDB
 * Local the way Lambda's DynamoDB event source mapping does (see the README's DynamoDB Streams
 * section for each behaviour, its AWS page and its test).
 */
export * from './batch-response.ts';
export * from './batching.ts';
export * from './checkpoint-store.ts';
export * from './errors.ts';
export * from './event.ts';
export * from './on-failure-record.ts';
export * from './settings.ts';
export * from './shard-progress.ts';
export {
  type DynamoDbStreamMapping,
  STREAM_MAPPING_OPTIONS,
  startDynamoDbStreamMapping,
} from './stream-mapping.ts';
export * from './stream-reader.ts';
export type * from './types.ts';
