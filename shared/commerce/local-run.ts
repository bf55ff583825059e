/**
 * The commerce pipeline's local run (`npm start -- --pipeline commerce`, `orion generate
 * --pipeline commerce`, `orion load --pipeline commerce <file>`), as the local tools load it from
 * the definition's `localRun.module`: the commerce generator as the load (Sprint-1 mix, payment
 * and order chains, typed defects, injected fraud patterns), the activity and fraud-state tables
 * prepared before the stages start (and the order consumer's event store), orders posted to the
 * ORDER API beside the Kafka load, what landed read back (activity rows; records on `payments`;
 * order events and posted orders in the event store), fraud alerts held against the ground truth,
 * the orders' own accounting, and the two dataset layouts the loader replays (see `LocalRunModule`
 * in `shared/pipeline/local-run.ts`).
 */
import type { LocalRunModule } from '../pipeline/local-run.ts';
import { createCommerceLoad } from './local/commerce-load.ts';
import { openCommerceStores } from './local/commerce-stores.ts';
import { COMMERCE_DATASETS } from './local/datasets.ts';
import { ORDER_LOAD_DEFAULTS } from './local/order-load.ts';

/** What `npm start`, `orion generate` and `orion load` use for the commerce pipeline. */
export const localRun: LocalRunModule = {
  labels: {
    record: 'event',
    landed: 'landed',
    landedUnits: 'activity rows + records on payments + order events stored',
    latency: 'raw produce or API answer → activity row / payments record / event store',
    samples: 'sample landed events (customer data masked)',
  },
  options: [
    {
      flags: '--event-rate <n>',
      description:
        'Sprint-1 events per second of event time (default: --rate ÷ --speed, 100 at full speed); event time runs rate ÷ event-rate × faster than the clock',
    },
    {
      flags: '--fraud-customers <n>',
      description: 'customers given an injected fraud pattern (default: one per 250 events, 4–200)',
    },
    {
      flags: '--fraud-patterns <list>',
      description:
        'comma-separated patterns to inject: VELOCITY, REPEATED_FAILURES, AMOUNT_OUTLIER, CARD_DEVICE_CHANGE, or "all"',
      defaultValue: 'all',
    },
    {
      flags: '--customers <n>',
      description: 'shopper pool (default: enough for clean customers to stay below the fraud thresholds)',
    },
    {
      flags: '--orders <n>',
      description: `orders posted to the ORDER API (POST /orders) beside the events, --invalid-ratio of them invalid, some retried with their Idempotency-Key; 0: none (default ${ORDER_LOAD_DEFAULTS.orders})`,
    },
    {
      flags: '--order-rate <n>',
      description: `orders per second (default ${ORDER_LOAD_DEFAULTS.orderRate}; DynamoDB Local writes the outbox one item at a time)`,
    },
  ],
  createLoad: (request) => createCommerceLoad(request),
  openStores: openCommerceStores,
  datasets: COMMERCE_DATASETS,
};
