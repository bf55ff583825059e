/**
 * Fraud rules. Per-record rules look at one CDR with its cell and subscriber; batch rules look
 * at the CDRs of one IMSI within the batch (SIM box, overlapping calls).
 */
import { COUNTRY_FORMATS } from '../formats/catalog.ts';
import type { Cell, Subscriber } from '../reference-data/schemas.ts';
import type { RoamingStatus } from '../schema/enriched-cdr.ts';
import type { UnifiedCdr } from '../schema/unified-cdr.ts';
import { HIGH_RISK_PREFIXES, matchingPrefix, PREMIUM_RATE_PREFIXES } from './destination-risk.ts';
import { FRAUD_REASON, type FraudReason } from './fraud-reasons.ts';
import { type FraudThresholds, PEAK_THROUGHPUT_BYTES_PER_S } from './fraud-thresholds.ts';

/** What the per-record rules know about a CDR. */
export interface RecordFraudContext {
  readonly cell: Cell | undefined;
  readonly subscriber: Subscriber | undefined;
  readonly roamingStatus: RoamingStatus;
  /** True when the IMSI belongs to a home network of the record's country. */
  readonly homeImsi: boolean;
}

/**
 * Reasons raised by the per-record rules.
 * @example recordFraudReasons(cdr, { cell, subscriber, roamingStatus: 'home', homeImsi: true }, DEFAULT_FRAUD_THRESHOLDS)
 */
export function recordFraudReasons(
  cdr: UnifiedCdr,
  context: RecordFraudContext,
  thresholds: FraudThresholds,
): FraudReason[] {
  const reasons: FraudReason[] = [];
  const outgoing = cdr.direction === 'mo' && cdr.record_type !== 'data' && cdr.counterpart !== null;
  if (outgoing && cdr.counterpart !== null) {
    if (matchingPrefix(cdr.counterpart, PREMIUM_RATE_PREFIXES[cdr.country]))
      reasons.push(FRAUD_REASON.PREMIUM_RATE_DESTINATION);
    if (matchingPrefix(cdr.counterpart, HIGH_RISK_PREFIXES)) reasons.push(FRAUD_REASON.HIGH_RISK_DESTINATION);
    const international = !cdr.counterpart.startsWith(
      `+${COUNTRY_FORMATS[cdr.country].numbering.callingCode}`,
    );
    if (
      cdr.record_type === 'voice' &&
      international &&
      context.roamingStatus === 'home' &&
      cdr.duration_s <= thresholds.shortInternationalCallMaxS
    ) {
      reasons.push(FRAUD_REASON.SHORT_INTERNATIONAL_CALL);
    }
  }
  if (cdr.record_type === 'data' && cdr.volume_bytes > 0) {
    const peak = PEAK_THROUGHPUT_BYTES_PER_S[context.cell?.technology ?? '5G'];
    if (cdr.volume_bytes > peak * Math.max(cdr.duration_s, 1) * thresholds.volumeHeadroom) {
      reasons.push(FRAUD_REASON.IMPOSSIBLE_VOLUME);
    }
  }
  if (context.cell === undefined) reasons.push(FRAUD_REASON.UNKNOWN_CELL);
  if (context.subscriber === undefined && context.homeImsi)
    reasons.push(FRAUD_REASON.UNKNOWN_HOME_SUBSCRIBER);
  if (context.subscriber !== undefined && context.subscriber.msisdn !== cdr.msisdn) {
    reasons.push(FRAUD_REASON.IMSI_MSISDN_MISMATCH);
  }
  return reasons;
}

/**
 * Reasons raised by the batch rules, by index into `cdrs` (`undefined` entries are skipped).
 * @example batchFraudReasons(cdrs, DEFAULT_FRAUD_THRESHOLDS).get(3) // ['SIM_BOX_PATTERN']
 */
export function batchFraudReasons(
  cdrs: readonly (UnifiedCdr | undefined)[],
  thresholds: FraudThresholds,
): Map<number, FraudReason[]> {
  const byImsi = new Map<string, number[]>();
  cdrs.forEach((cdr, index) => {
    if (cdr === undefined) return;
    const indexes = byImsi.get(cdr.imsi);
    if (indexes) indexes.push(index);
    else byImsi.set(cdr.imsi, [index]);
  });
  const found = new Map<number, FraudReason[]>();
  const raise = (index: number, reason: FraudReason) => {
    const reasons = found.get(index);
    if (!reasons) found.set(index, [reason]);
    else if (!reasons.includes(reason)) reasons.push(reason);
  };
  for (const indexes of byImsi.values()) {
    if (indexes.length < 2) continue;
    const records = indexes.map((index) => ({ index, cdr: cdrs[index]! }));
    // SIM box: many short outgoing calls to many numbers, nothing incoming.
    const outgoingVoice = records.filter(({ cdr }) => cdr.record_type === 'voice' && cdr.direction === 'mo');
    const incoming = records.some(({ cdr }) => cdr.direction === 'mt');
    const short = outgoingVoice.filter(({ cdr }) => cdr.duration_s <= thresholds.simBoxMaxCallDurationS);
    const distinct = new Set(outgoingVoice.map(({ cdr }) => cdr.counterpart)).size;
    if (
      !incoming &&
      short.length >= thresholds.simBoxMinShortCalls &&
      distinct >= thresholds.simBoxMinDistinctCounterparts
    ) {
      for (const { index } of outgoingVoice) raise(index, FRAUD_REASON.SIM_BOX_PATTERN);
    }
    // Overlapping calls: a call starting before the previous one of the same SIM ended.
    const calls = records
      .filter(({ cdr }) => cdr.record_type === 'voice')
      .map(({ index, cdr }) => ({ index, start: Date.parse(cdr.start_time), end: Date.parse(cdr.end_time) }))
      .sort((a, b) => a.start - b.start || a.index - b.index);
    let latestEnd = Number.NEGATIVE_INFINITY;
    for (const call of calls) {
      if (call.start < latestEnd - thresholds.overlapToleranceS * 1000)
        raise(call.index, FRAUD_REASON.OVERLAPPING_CALLS);
      latestEnd = Math.max(latestEnd, call.end);
    }
  }
  return found;
}
