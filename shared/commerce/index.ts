/**
 * ORION's commerce domain: the event model (Sprint-1 behaviour events, KiVendTout payment and
 * order events), validation with closed reason codes and per-type counters, routing to
 * `user-events` / `payments` / `orders`, the seeded synthetic generator with typed defects and
 * injected fraud patterns, the fraud rules over a per-customer window, and the dataset parsers.
 * Pure code: no Kafka, no AWS SDK, no I/O; time and randomness come in as arguments.
 */

// Model
export * from './constants.ts';
export * from './counters.ts';
export * from './currency.ts';
// Dataset
export * from './dataset/jsonl.ts';
export * from './dataset/mapping.ts';
export * from './dataset/retail-rocket.ts';
export * from './dataset/samples.ts';
export * from './dataset/types.ts';
export * from './errors.ts';
export * from './events.ts';
// Fraud
export * from './fraud/alert.ts';
export * from './fraud/evaluate.ts';
export * from './fraud/rules.ts';
export * from './fraud/state.ts';
export * from './fraud/thresholds.ts';
// Generator
export * from './generator/catalog.ts';
export * from './generator/commerce-generator.ts';
export * from './generator/defects.ts';
export * from './generator/prng.ts';
export * from './hash.ts';
export * from './json-guard.ts';
export * from './pacing.ts';
export * from './reason-codes.ts';
export * from './routing.ts';
export * from './schemas.ts';
export * from './serialize.ts';
export * from './validation.ts';
