/**
 * Lambda handler of the ORDER API: API Gateway HTTP API `POST /orders` (payload format 2.0) →
 * the order and its outbox entry in one DynamoDB transaction → 202 Accepted. Configuration
 * (`ORDERS_TABLE_PREFIX`, `AWS_REGION`, `DYNAMODB_ENDPOINT` locally) is read and the DynamoDB
 * client created once per execution environment. See docs/ORDERS.md.
 */
import { createOrdersApiHandler } from '../../shared/commerce/orders/api/handler.ts';

export const handler = createOrdersApiHandler();
