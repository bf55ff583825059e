import { describe, expect, it } from 'vitest';
import { FailureHeadersError } from '../../../shared/kafka/errors.ts';
import {
  decodeFailureHeaders,
  encodeFailureHeaders,
  FAILURE_HEADER,
  type FailureMetadata,
} from '../../../shared/kafka/failure-headers.ts';

const meta: FailureMetadata = {
  reason: 'MALFORMED_IMSI',
  message: 'IMSI must have 15 digits',
  stage: 'validation',
  sourceTopic: 'cdr.raw.fr',
  sourcePartition: 7,
  sourceOffset: 123_456_789,
  sourceTimestamp: 1_763_780_000_123,
  failedAt: 1_763_780_001_000,
};

describe('failure headers', () => {
  it('encode as orion.* string headers', () => {
    expect(encodeFailureHeaders(meta)).toEqual({
      'orion.reason': 'MALFORMED_IMSI',
      'orion.message': 'IMSI must have 15 digits',
      'orion.stage': 'validation',
      'orion.source.topic': 'cdr.raw.fr',
      'orion.source.partition': '7',
      'orion.source.offset': '123456789',
      'orion.source.timestamp': '1763780000123',
      'orion.failed.at': '1763780001000',
    });
  });

  it.each([
    ['strings', (h: Record<string, string>) => h],
    [
      'Buffers (as kafkajs reads them)',
      (h: Record<string, string>) =>
        Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(v)])),
    ],
  ])('round-trip through %s', (_name, toRead) => {
    const full = { ...meta, valueBytes: 2_000_000, valueTruncated: true };
    expect(decodeFailureHeaders(toRead(encodeFailureHeaders(full)))).toEqual(full);
    expect(decodeFailureHeaders(toRead(encodeFailureHeaders(meta)))).toEqual(meta);
  });

  it('round-trip a UTF-8 message', () => {
    const m = { ...meta, message: 'numéro invalide — champ « appelant »' };
    const h = Object.fromEntries(
      Object.entries(encodeFailureHeaders(m)).map(([k, v]) => [k, Buffer.from(v)]),
    );
    expect(decodeFailureHeaders(h)?.message).toBe(m.message);
  });

  it('returns undefined for a record that is not a failure record', () => {
    expect(decodeFailureHeaders({ traceparent: Buffer.from('x') })).toBeUndefined();
  });

  it('throws a typed error naming the header at fault', () => {
    const h: Record<string, string> = encodeFailureHeaders(meta);
    delete h[FAILURE_HEADER.stage];
    expect(() => decodeFailureHeaders(h)).toThrow(FailureHeadersError);
    const bad = { ...encodeFailureHeaders(meta), [FAILURE_HEADER.sourceOffset]: '12a' };
    try {
      decodeFailureHeaders(bad);
      expect.unreachable();
    } catch (error) {
      expect((error as FailureHeadersError).header).toBe('orion.source.offset');
    }
  });
});
