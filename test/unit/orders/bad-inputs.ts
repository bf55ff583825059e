/**
 * What the orders tests add to the sample requests of `shared/commerce/orders/sample-orders.ts`
 * (the valid order and the catalogue of bad `POST /orders` requests, which the local run's order
 * load draws from too): the customer values of `validOrder()` that must never reach a log line.
 * The sample requests are re-exported for the integration tests that still import them from here.
 */
export {
  BAD_REQUESTS,
  type LooseOrder,
  validOrder,
  WRONG_CONTENT_TYPES,
} from '../../../shared/commerce/orders/sample-orders.ts';

/** Customer data of `validOrder()` that must never appear in a log line. */
export const CUSTOMER_SECRETS = [
  'c-100042',
  'Jeanne Martin',
  'jeanne.martin@example.com',
  '+33612345678',
  '33612345678',
  '12 rue de la Paix',
  '75002',
];
