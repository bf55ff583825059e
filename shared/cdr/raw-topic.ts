/**
 * Country of a raw topic, derived from the pipeline definition (never from string parsing).
 */
import { COUNTRY_CODES, type CountryCode } from './countries.ts';
import { rawTopicOf } from './pipeline.ts';

const COUNTRY_BY_RAW_TOPIC = new Map<string, CountryCode>(COUNTRY_CODES.map((c) => [rawTopicOf(c), c]));

/**
 * The country whose raw topic is `topic`, or `undefined`.
 * @example countryOfRawTopic('cdr.raw.ma') // 'ma'
 */
export function countryOfRawTopic(topic: string): CountryCode | undefined {
  return COUNTRY_BY_RAW_TOPIC.get(topic);
}
