/**
 * The ORDER API's Lambda handler (API Gateway HTTP API, payload format 2.0): the create-order
 * logic wired to its defaults, built once per execution environment — a redacting Powertools
 * logger (the orders PII keys), the shared DynamoDB document client, the table names from
 * `ORDERS_TABLE_PREFIX`. The local HTTP server (`localstack/http`) runs this same handler.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createLogger } from '../../../observability/logger.ts';
import { sharedDynamoDb } from '../../../storage/dynamodb/client.ts';
import { ORDER_PII_KEYS } from '../constants.ts';
import { createDynamoOrderWriter, type OrderWriter } from '../order-writer.ts';
import { type OrderTableNames, orderTableNamesFromEnv } from '../tables.ts';
import { type CreateOrderDeps, createOrderHandler } from './create-order.ts';

/** Options of {@link createOrdersApiHandler}; every default is built once, at creation. */
export interface OrdersApiHandlerOptions extends Partial<Omit<CreateOrderDeps, 'writer' | 'logger'>> {
  /** @default a DynamoDB writer on {@link tables} with the shared document client */
  readonly writer?: OrderWriter;
  /** @default names from `ORDERS_TABLE_PREFIX` (see `tables.ts`); ignored when `writer` is given */
  readonly tables?: OrderTableNames;
  /** @default a redacting logger, service `orion-orders-api`, masking `ORDER_PII_KEYS` */
  readonly logger?: Logger;
}

/** The Lambda entry point's type. */
export type OrdersApiHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Builds the ORDER API's Lambda handler. Call it at module scope.
 * @example
 * // functions/orders-api/handler.ts
 * export const handler = createOrdersApiHandler();
 */
export function createOrdersApiHandler(options: OrdersApiHandlerOptions = {}): OrdersApiHandler {
  const logger =
    options.logger ??
    createLogger({
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'orion-orders-api',
      persistentKeys: { route: 'POST /orders' },
      piiKeys: ORDER_PII_KEYS,
    });
  const writer =
    options.writer ??
    createDynamoOrderWriter(sharedDynamoDb().doc, options.tables ?? orderTableNamesFromEnv());
  const handle = createOrderHandler({ ...options, writer, logger });
  return async (event, context) => {
    if (context) logger.addContext(context);
    return handle(event);
  };
}
