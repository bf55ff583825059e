/**
 * The order consumer as the Lambda handler wires it: the DynamoDB settings (`DYNAMODB_ENDPOINT`,
 * `AWS_REGION`) and the event store's table prefix (`ORDER_EVENTS_TABLE_PREFIX`, default
 * `orion-commerce-`) validated from the environment at cold start (a wrong setting fails the init
 * with a message naming the variable); one document client per execution environment, reused by
 * every invocation (DynamoDB's client opens no connection before the first call) and, given a
 * Tracer that is enabled (in Lambda), instrumented for X-Ray.
 */
import type { Stage } from '../../runtime/stage.ts';
import { dynamoDbConfigFromEnv, sharedDynamoDb } from '../../storage/dynamodb/client.ts';
import { tablePrefixFromEnv } from '../../storage/dynamodb/tables.ts';
import { DynamoOrderEventStore, type DynamoOrderEventStoreOptions } from './event-store.ts';
import { ORDER_EVENT_STORE, type OrderEventTableNames, orderEventTableNames } from './event-store-table.ts';
import { type OrderConsumerStageDeps, orderConsumerStage } from './order-consumer-stage.ts';

/**
 * The physical names of the event store's tables from the environment.
 * @example orderEventTableNamesFromEnv({ ORDER_EVENTS_TABLE_PREFIX: 'orion-dev-' }).events // 'orion-dev-order-events'
 */
export function orderEventTableNamesFromEnv(env: NodeJS.ProcessEnv = process.env): OrderEventTableNames {
  return orderEventTableNames(tablePrefixFromEnv(ORDER_EVENT_STORE, env));
}

/** Options of {@link orderConsumerStageFromEnv}. */
export interface OrderConsumerFromEnvOptions extends Omit<OrderConsumerStageDeps, 'store'> {
  /** Tuning of the store (concurrency, transaction size). @default the store's defaults */
  readonly store?: Omit<DynamoOrderEventStoreOptions, 'tables'>;
}

/**
 * @example
 * // functions/orders-consumer/handler.ts
 * export const handler = createKafkaHandler(orderConsumerStageFromEnv(process.env, { logger, tracer }), { logger });
 */
export function orderConsumerStageFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: OrderConsumerFromEnvOptions = {},
): Stage {
  const tables = orderEventTableNamesFromEnv(env);
  const { doc } = sharedDynamoDb(dynamoDbConfigFromEnv(env));
  // A no-op returning the client itself when tracing is disabled (outside Lambda).
  const client = options.tracer ? options.tracer.captureAWSv3Client(doc) : doc;
  const { store: storeOptions, ...deps } = options;
  return orderConsumerStage({
    ...deps,
    store: new DynamoOrderEventStore(client, { ...storeOptions, tables }),
  });
}
