/**
 * Limits of the commerce event model, in one place so that the schemas, the validator, the
 * generator and the docs agree. Each can be overridden per call where a function takes limits.
 */

/** Largest raw event accepted (bytes): the seeds' topic `max.message.bytes` of 1 MB (1 MiB). */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** Deepest JSON nesting accepted (an event is at most 3 levels deep: event → filters → range). */
export const MAX_JSON_DEPTH = 8;

/** Earliest event time accepted (epoch ms): 2000-01-01T00:00:00Z. Catches epoch *seconds*. */
export const MIN_EVENT_TIMESTAMP_MS = Date.UTC(2000, 0, 1);

/** Latest event time the schema accepts (epoch ms): 2100-01-01T00:00:00Z; `now` is checked too. */
export const MAX_EVENT_TIMESTAMP_MS = Date.UTC(2100, 0, 1);

/** Clock skew tolerated between a producer and the validator before an event counts as future. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;

/** Longest identifier (user, item, session, order, payment, device id). */
export const MAX_ID_LENGTH = 64;

/** Longest search query. */
export const MAX_QUERY_LENGTH = 256;

/** Longest review text. */
export const MAX_REVIEW_TEXT_LENGTH = 5000;

/** Most filters one `filter` event may carry. */
export const MAX_FILTERS = 20;

/** Largest price or amount, in major units of its currency (a sanity bound, not a business rule). */
export const MAX_AMOUNT = 1_000_000_000;

/** Largest quantity / item count of one line or order. */
export const MAX_QUANTITY = 10_000;

/** Inactivity after which a shopper's session ends (the generator and the Retail Rocket mapping). */
export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;
