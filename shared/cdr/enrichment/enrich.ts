/**
 * Unified CDR + reference data + fraud reasons → enriched CDR.
 */

import { countryOfImsi } from '../mcc.ts';
import type { Cell, Subscriber } from '../reference-data/schemas.ts';
import {
  type EnrichedCdr,
  type NetworkInfo,
  type RoamingStatus,
  type SubscriberInfo,
  UNKNOWN,
} from '../schema/enriched-cdr.ts';
import type { UnifiedCdr } from '../schema/unified-cdr.ts';
import { type FraudReason, fraudScore } from './fraud-reasons.ts';
import { recordFraudReasons } from './fraud-rules.ts';
import type { FraudThresholds } from './fraud-thresholds.ts';

/**
 * Where the subscriber is: a foreign IMSI is an inbound roamer; a home IMSI flagged roaming is
 * one of ours abroad (outbound); otherwise home.
 * @example roamingStatusOf({ ...cdr, country: 'fr', imsi: '604…' }) // 'inbound_roaming'
 */
export function roamingStatusOf(cdr: Pick<UnifiedCdr, 'country' | 'imsi' | 'roaming'>): RoamingStatus {
  if (countryOfImsi(cdr.imsi) !== cdr.country) return 'inbound_roaming';
  return cdr.roaming ? 'outbound_roaming' : 'home';
}

function networkOf(cell: Cell | undefined): NetworkInfo {
  return cell === undefined
    ? { known: false, site_id: UNKNOWN, region: UNKNOWN, technology: UNKNOWN }
    : { known: true, site_id: cell.site_id, region: cell.region, technology: cell.technology };
}

function subscriberOf(
  cdr: UnifiedCdr,
  subscriber: Subscriber | undefined,
  roamingStatus: RoamingStatus,
): SubscriberInfo {
  const home = countryOfImsi(cdr.imsi) ?? UNKNOWN;
  return subscriber === undefined
    ? {
        known: false,
        segment: UNKNOWN,
        plan: UNKNOWN,
        payment: UNKNOWN,
        home_country: home,
        roaming_status: roamingStatus,
      }
    : {
        known: true,
        segment: subscriber.segment,
        plan: subscriber.plan,
        payment: subscriber.payment,
        home_country: subscriber.country,
        roaming_status: roamingStatus,
      };
}

/**
 * Enriches one CDR with its cell, its subscriber and the batch rules' reasons for it.
 * @example enrichCdr(cdr, cells.get(cdr.cell_id), subscribers.get(cdr.imsi), [], DEFAULT_FRAUD_THRESHOLDS)
 */
export function enrichCdr(
  cdr: UnifiedCdr,
  cell: Cell | undefined,
  subscriber: Subscriber | undefined,
  batchReasons: readonly FraudReason[],
  thresholds: FraudThresholds,
): EnrichedCdr {
  const roamingStatus = roamingStatusOf(cdr);
  const reasons = recordFraudReasons(
    cdr,
    { cell, subscriber, roamingStatus, homeImsi: countryOfImsi(cdr.imsi) === cdr.country },
    thresholds,
  );
  for (const reason of batchReasons) if (!reasons.includes(reason)) reasons.push(reason);
  return {
    ...cdr,
    network: networkOf(cell),
    subscriber: subscriberOf(cdr, subscriber, roamingStatus),
    fraud: { score: fraudScore(reasons), reasons },
  };
}
