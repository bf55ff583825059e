/**
 * The DynamoDB table of the fraud stage's per-customer window state, as data: the store of the
 * commerce pipeline that CDK creates (encrypted, point-in-time recovery, TTL on `expiresAt`) and
 * the local tools create on DynamoDB Local. One item per customer (see `state.ts`).
 */
import type { DynamoDbStoreSpec } from '../../pipeline/types.ts';

/** The variable the fraud function reads the table's physical-name prefix from. */
export const FRAUD_STATE_TABLE_PREFIX_VARIABLE = 'FRAUD_STATE_TABLE_PREFIX';

/** Default physical-name prefix (local runs). */
export const DEFAULT_FRAUD_STATE_TABLE_PREFIX = 'orion-commerce-';

/** Suffix of the window-state table: physical name `<prefix>fraud-windows`. */
export const FRAUD_STATE_TABLE_SUFFIX = 'fraud-windows';

/** The fraud stage's store: one table keyed by `customerId`, TTL attribute `expiresAt`. */
export const FRAUD_STATE_STORE = {
  kind: 'dynamodb',
  name: 'fraud-state',
  description: 'Per-customer window state of the fraud rules (DynamoDB TTL expires idle customers)',
  tablePrefixVariable: FRAUD_STATE_TABLE_PREFIX_VARIABLE,
  defaultTablePrefix: DEFAULT_FRAUD_STATE_TABLE_PREFIX,
  tables: [
    {
      suffix: FRAUD_STATE_TABLE_SUFFIX,
      partitionKey: { name: 'customerId', type: 'S' },
      timeToLiveAttribute: 'expiresAt',
      description: 'One item per customer: recent payments, past amounts, last alert window per rule',
    },
  ],
} as const satisfies DynamoDbStoreSpec;
