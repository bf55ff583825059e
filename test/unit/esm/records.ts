/** Builders of fetched records for the ESM unit tests. */
import type { KafkaMessage } from 'kafkajs';
import { type FetchedRecord, toFetchedRecord } from '../../../localstack/esm/fetched-record.ts';

/** A fetched record of `topic`/`partition` at `offset`, value `v<offset>`, timestamped `timestamp`. */
export function fetched(
  offset: number,
  options: {
    topic?: string;
    partition?: number;
    timestamp?: number;
    value?: Buffer | null;
    key?: Buffer | null;
    headers?: KafkaMessage['headers'];
  } = {},
): FetchedRecord {
  const message = {
    offset: String(offset),
    timestamp: String(options.timestamp ?? Date.now()),
    key: options.key === undefined ? Buffer.from(`k${offset}`) : options.key,
    value: options.value === undefined ? Buffer.from(`v${offset}`) : options.value,
    headers: options.headers ?? {},
    attributes: 0,
    size: 0,
  } as unknown as KafkaMessage;
  return toFetchedRecord(options.topic ?? 't', options.partition ?? 0, message);
}

/** `count` records of one partition from offset 0. */
export function fetchedRange(count: number, options: Parameters<typeof fetched>[1] = {}): FetchedRecord[] {
  return Array.from({ length: count }, (_, i) => fetched(i, options));
}
