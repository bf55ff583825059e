/**
 * Fraud signals the enrichment can raise, with their weights in the 0–100 score (the score is
 * the capped sum of the weights of the distinct reasons raised).
 */

/** Fraud reason codes. */
export const FRAUD_REASON = {
  /** MO call/SMS to a premium-rate number of the country. */
  PREMIUM_RATE_DESTINATION: 'PREMIUM_RATE_DESTINATION',
  /** MO call/SMS to a high-risk international prefix (IRSF). */
  HIGH_RISK_DESTINATION: 'HIGH_RISK_DESTINATION',
  /** Many short outgoing calls to many numbers and nothing incoming, from one IMSI in the batch. */
  SIM_BOX_PATTERN: 'SIM_BOX_PATTERN',
  /** A home subscriber at home places an international call of near-zero duration (Wangiri/IRSF probing). */
  SHORT_INTERNATIONAL_CALL: 'SHORT_INTERNATIONAL_CALL',
  /** A call starts before the same IMSI's previous call ended: duration longer than the gap. */
  OVERLAPPING_CALLS: 'OVERLAPPING_CALLS',
  /** More data than the cell's technology can carry in the session's duration. */
  IMPOSSIBLE_VOLUME: 'IMPOSSIBLE_VOLUME',
  /** The cell is not in the network reference data. */
  UNKNOWN_CELL: 'UNKNOWN_CELL',
  /** A home-network IMSI that is not a known subscriber (cloned or unprovisioned SIM). */
  UNKNOWN_HOME_SUBSCRIBER: 'UNKNOWN_HOME_SUBSCRIBER',
  /** The record's MSISDN is not the one the subscriber's IMSI is provisioned with. */
  IMSI_MSISDN_MISMATCH: 'IMSI_MSISDN_MISMATCH',
} as const;

/** One of the {@link FRAUD_REASON} codes. */
export type FraudReason = (typeof FRAUD_REASON)[keyof typeof FRAUD_REASON];

/** Every fraud reason code. */
export const FRAUD_REASONS: readonly FraudReason[] = Object.values(FRAUD_REASON);

/** Weight of each reason in the score. */
export const FRAUD_WEIGHTS: Readonly<Record<FraudReason, number>> = {
  PREMIUM_RATE_DESTINATION: 40,
  HIGH_RISK_DESTINATION: 40,
  SIM_BOX_PATTERN: 50,
  SHORT_INTERNATIONAL_CALL: 20,
  OVERLAPPING_CALLS: 30,
  IMPOSSIBLE_VOLUME: 40,
  UNKNOWN_CELL: 10,
  UNKNOWN_HOME_SUBSCRIBER: 25,
  IMSI_MSISDN_MISMATCH: 30,
};

/**
 * The score of a set of reasons: capped sum of their weights.
 * @example fraudScore(['UNKNOWN_CELL', 'PREMIUM_RATE_DESTINATION']) // 50
 */
export function fraudScore(reasons: readonly FraudReason[]): number {
  let score = 0;
  for (const reason of reasons) score += FRAUD_WEIGHTS[reason];
  return Math.min(100, score);
}
