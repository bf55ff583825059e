/**
 * ORION's CDR domain: country formats, validation, normalization, enrichment, fraud rules,
 * reference data and the CDR generator. Pure code: no Kafka, no I/O.
 */

export { type CdrIdentity, cdrIdOf } from './cdr-id.ts';
export {
  CURRENCY_CODES,
  CURRENCY_EXPONENT,
  type CurrencyCode,
  decimalToMinorUnits,
  isCurrencyCode,
  minorUnitsToDecimal,
} from './currency.ts';
export { HIGH_RISK_PREFIXES, matchingPrefix, PREMIUM_RATE_PREFIXES } from './enrichment/destination-risk.ts';
export { enrichCdr, roamingStatusOf } from './enrichment/enrich.ts';
export {
  FRAUD_REASON,
  FRAUD_REASONS,
  FRAUD_WEIGHTS,
  type FraudReason,
  fraudScore,
} from './enrichment/fraud-reasons.ts';
export { batchFraudReasons, type RecordFraudContext, recordFraudReasons } from './enrichment/fraud-rules.ts';
export {
  DEFAULT_FRAUD_THRESHOLDS,
  type FraudThresholds,
  PEAK_THROUGHPUT_BYTES_PER_S,
} from './enrichment/fraud-thresholds.ts';
export { type InMemoryReferenceData, inMemoryReferenceData } from './enrichment/in-memory-reference-data.ts';
// Enrichment and fraud
export type { ReferenceDataPort } from './enrichment/reference-data-port.ts';
// Country formats
export { COUNTRY_FORMATS } from './formats/catalog.ts';
export {
  type CompiledFormat,
  compileFormat,
  FIELD_NAMES,
  type FieldName,
  type RawFields,
} from './formats/compile.ts';
export { compiledFormatOf } from './formats/compiled-catalog.ts';
export type * from './formats/types.ts';
// Generator
export {
  CdrGenerator,
  type CdrGeneratorOptions,
  type GeneratedCdr,
  generateCdrs,
} from './generator/cdr-generator.ts';
export { encodeCdr, type LogicalCdr } from './generator/encode.ts';
export { DEFAULT_INVALID_SHARES, INVALID_KINDS, type InvalidKind } from './generator/invalid-kinds.ts';
export { createRandom, type Random } from './generator/prng.ts';
export * from './limits.ts';
export { maskImsi, maskMsisdn } from './mask.ts';
export { countryOfImsi } from './mcc.ts';
export { normalizeCdr } from './normalization/normalize.ts';
export { formatNumber, type NumberingPlan, type NumberStyle, toE164 } from './numbering.ts';
export { countryOfRawTopic } from './raw-topic.ts';
export { REJECT_REASON, REJECT_REASONS, type RejectReason } from './reason-codes.ts';
export {
  DIRECTIONS,
  type Direction,
  RECORD_TYPES,
  type RecordType,
  type RecordTypeMeaning,
} from './record-type.ts';
export { referenceCells, referenceDataOf, referenceSubscribers } from './reference-data/files.ts';
// Reference data
export * from './reference-data/schemas.ts';
// Reason codes, rejection, limits, masking
export { CdrRejection, rejectWith } from './rejection.ts';
export {
  type EnrichedCdr,
  EnrichedCdrSchema,
  FraudInfoSchema,
  type NetworkInfo,
  NetworkInfoSchema,
  ROAMING_STATUSES,
  type RoamingStatus,
  type SubscriberInfo,
  SubscriberInfoSchema,
  UNKNOWN,
} from './schema/enriched-cdr.ts';
export { writeUnifiedCdr, writeValidatedCdr } from './schema/serialize.ts';
export { UNIFIED_CDR_VERSION, type UnifiedCdr, UnifiedCdrSchema } from './schema/unified-cdr.ts';
// Schemas and ids
export { VALIDATED_CDR_VERSION, type ValidatedCdr, ValidatedCdrSchema } from './schema/validated-cdr.ts';
export { type EnrichmentStageOptions, enrichmentStage } from './stages/enrichment-stage.ts';
export { normalizationStage } from './stages/normalization-stage.ts';
// Stages
export { type ValidationStageOptions, validationStage } from './stages/validation-stage.ts';
export { isoUtc } from './time/iso-utc.ts';
export { localToUtcMs, utcToLocalMs } from './time/local-time.ts';
export { compileTimeFormat, type TimeCodec, type TimeFormat } from './time/time-format.ts';
export { zoneOffsetMs } from './time/zone-offset.ts';

// Validation and normalization
export { type ValidationClock, validateRawCdr } from './validation/validate-raw.ts';
