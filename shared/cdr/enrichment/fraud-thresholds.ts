/**
 * Thresholds of the fraud rules (defaults below; the enrichment stage accepts overrides).
 */
import type { Technology } from '../reference-data/schemas.ts';

/** Tunable limits of the fraud rules. */
export interface FraudThresholds {
  /** SIM box: at least this many short outgoing calls from one IMSI in the batch… */
  readonly simBoxMinShortCalls: number;
  /** …each at most this long (seconds)… */
  readonly simBoxMaxCallDurationS: number;
  /** …to at least this many distinct numbers, with nothing incoming. */
  readonly simBoxMinDistinctCounterparts: number;
  /** An international call this short (seconds) or shorter is "near-zero". */
  readonly shortInternationalCallMaxS: number;
  /** Overlap between two calls of one IMSI tolerated for clock jitter (seconds). */
  readonly overlapToleranceS: number;
  /** Headroom over the technology's peak throughput before a volume is impossible. */
  readonly volumeHeadroom: number;
}

/** Default thresholds. */
export const DEFAULT_FRAUD_THRESHOLDS: FraudThresholds = {
  simBoxMinShortCalls: 10,
  simBoxMaxCallDurationS: 60,
  simBoxMinDistinctCounterparts: 8,
  shortInternationalCallMaxS: 3,
  overlapToleranceS: 2,
  volumeHeadroom: 1.2,
};

/** Peak downlink throughput per technology, bytes/s (EDGE, HSPA+, LTE-A, 5G NR). */
export const PEAK_THROUGHPUT_BYTES_PER_S: Readonly<Record<Technology, number>> = {
  '2G': 60_000,
  '3G': 5_250_000,
  '4G': 125_000_000,
  '5G': 1_250_000_000,
};
