/**
 * Failure metadata carried as Kafka headers by the records the stage runtime writes to a
 * pipeline's reject topic (and that the DLQ/replay tooling reads back): what failed, where
 * (source topic/partition/offset, stage) and when. Values are UTF-8 strings; numbers are written
 * in base 10.
 */
import { FailureHeadersError } from './errors.ts';
import { headerText } from './headers.ts';
import type { ReadHeaders } from './types.ts';

/** Header names, all under the `orion.` prefix so they never collide with a producer's own. */
export const FAILURE_HEADER = {
  reason: 'orion.reason',
  message: 'orion.message',
  stage: 'orion.stage',
  sourceTopic: 'orion.source.topic',
  sourcePartition: 'orion.source.partition',
  sourceOffset: 'orion.source.offset',
  sourceTimestamp: 'orion.source.timestamp',
  failedAt: 'orion.failed.at',
  valueBytes: 'orion.value.bytes',
  valueTruncated: 'orion.value.truncated',
} as const;

/** What ORION records about a failed record. */
export interface FailureMetadata {
  /** Stable reason code, e.g. `MISSING_FIELD`. */
  readonly reason: string;
  /** Human-readable detail (never personal data in clear). */
  readonly message: string;
  /** Stage that failed the record, e.g. `validation`. */
  readonly stage: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: number;
  /** Timestamp of the source record, epoch ms. */
  readonly sourceTimestamp: number;
  /** When the record failed, epoch ms. */
  readonly failedAt: number;
  /** Size of the source record's value, bytes (absent in records written before it existed). */
  readonly valueBytes?: number;
  /** `true` when the value kept with the failure is only the first bytes of the original. */
  readonly valueTruncated?: boolean;
}

/**
 * Encodes failure metadata as Kafka headers.
 * @example encodeFailureHeaders({ reason: 'UNPARSEABLE', message: '…', stage: 'validation', sourceTopic: 'orders',
 *   sourcePartition: 3, sourceOffset: 42, sourceTimestamp: 1_763_000_000_000, failedAt: Date.now() })
 */
export function encodeFailureHeaders(meta: FailureMetadata): Record<string, string> {
  return {
    [FAILURE_HEADER.reason]: meta.reason,
    [FAILURE_HEADER.message]: meta.message,
    [FAILURE_HEADER.stage]: meta.stage,
    [FAILURE_HEADER.sourceTopic]: meta.sourceTopic,
    [FAILURE_HEADER.sourcePartition]: String(meta.sourcePartition),
    [FAILURE_HEADER.sourceOffset]: String(meta.sourceOffset),
    [FAILURE_HEADER.sourceTimestamp]: String(meta.sourceTimestamp),
    [FAILURE_HEADER.failedAt]: String(meta.failedAt),
    ...(meta.valueBytes === undefined ? {} : { [FAILURE_HEADER.valueBytes]: String(meta.valueBytes) }),
    ...(meta.valueTruncated ? { [FAILURE_HEADER.valueTruncated]: 'true' } : {}),
  };
}

/**
 * Reads failure metadata back from a record's headers. Returns `undefined` when the record carries
 * no `orion.reason` header (it is not a failure record); throws {@link FailureHeadersError} when it
 * does but another header is missing or not a number where one is expected.
 *
 * @example decodeFailureHeaders(message.headers)?.reason // 'MISSING_FIELD'
 */
export function decodeFailureHeaders(headers: ReadHeaders): FailureMetadata | undefined {
  if (headerText(headers, FAILURE_HEADER.reason) === undefined) return undefined;
  return {
    reason: required(headers, FAILURE_HEADER.reason),
    message: headerText(headers, FAILURE_HEADER.message) ?? '',
    stage: required(headers, FAILURE_HEADER.stage),
    sourceTopic: required(headers, FAILURE_HEADER.sourceTopic),
    sourcePartition: integer(headers, FAILURE_HEADER.sourcePartition),
    sourceOffset: integer(headers, FAILURE_HEADER.sourceOffset),
    sourceTimestamp: integer(headers, FAILURE_HEADER.sourceTimestamp),
    failedAt: integer(headers, FAILURE_HEADER.failedAt),
    ...(headerText(headers, FAILURE_HEADER.valueBytes) === undefined
      ? {}
      : { valueBytes: integer(headers, FAILURE_HEADER.valueBytes) }),
    ...(headerText(headers, FAILURE_HEADER.valueTruncated) === 'true' ? { valueTruncated: true } : {}),
  };
}

function required(headers: ReadHeaders, name: string): string {
  const v = headerText(headers, name);
  if (v === undefined) throw new FailureHeadersError(name, `Failure header ${name} is missing`);
  return v;
}

function integer(headers: ReadHeaders, name: string): number {
  const v = required(headers, name);
  if (!/^-?\d+$/.test(v))
    throw new FailureHeadersError(name, `Failure header ${name} is not an integer: "${v}"`);
  return Number(v);
}
