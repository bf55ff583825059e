/**
 * The fraud rules, a closed list: each alert names one.
 */

/** Fraud rule codes (also the generator's injected pattern names). */
export const FRAUD_RULE = {
  /** Many payment attempts in a short window (card testing, scripted checkout). */
  VELOCITY: 'VELOCITY',
  /** Several declined payments in a window. */
  REPEATED_FAILURES: 'REPEATED_FAILURES',
  /** A payment far above the customer's usual successful amounts. */
  AMOUNT_OUTLIER: 'AMOUNT_OUTLIER',
  /** Several cards or paying devices in a window (account takeover, stolen cards). */
  CARD_DEVICE_CHANGE: 'CARD_DEVICE_CHANGE',
} as const;

/** One of the {@link FRAUD_RULE} codes. */
export type FraudRule = (typeof FRAUD_RULE)[keyof typeof FRAUD_RULE];

/** Every fraud rule, in evaluation order. */
export const FRAUD_RULES: readonly FraudRule[] = Object.values(FRAUD_RULE);

/** Severity of an alert of each rule. */
export const FRAUD_RULE_SEVERITY: Readonly<Record<FraudRule, 'medium' | 'high'>> = {
  VELOCITY: 'high',
  REPEATED_FAILURES: 'medium',
  AMOUNT_OUTLIER: 'high',
  CARD_DEVICE_CHANGE: 'high',
};
