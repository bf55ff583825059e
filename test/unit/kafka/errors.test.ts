import { describe, expect, it } from 'vitest';
import {
  FailureHeadersError,
  isRetryable,
  KAFKA_ERROR_CODES,
  KafkaError,
  PartitionDecreaseError,
  ProduceTimeoutError,
} from '../../../shared/kafka/errors.ts';

describe('Kafka errors', () => {
  it('share one base class, with the retryable flag their code declares', () => {
    const errors = [
      new ProduceTimeoutError('slow'),
      new PartitionDecreaseError([{ topic: 't', current: 3, desired: 2 }]),
      new FailureHeadersError('orion.stage', 'missing'),
      new KafkaError('INVALID_CLIENT_CONFIG', 'no region'),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(KafkaError);
      expect(error.retryable).toBe(KAFKA_ERROR_CODES[error.code].retryable);
    }
    expect(errors.map((e) => [e.name, e.code, e.retryable])).toEqual([
      ['ProduceTimeoutError', 'PRODUCE_TIMEOUT', true],
      ['PartitionDecreaseError', 'PARTITION_DECREASE', false],
      ['FailureHeadersError', 'INVALID_FAILURE_HEADERS', false],
      ['KafkaError', 'INVALID_CLIENT_CONFIG', false],
    ]);
  });

  it('isRetryable reads ORION flags and the one kafkajs sets', () => {
    expect(isRetryable(new ProduceTimeoutError('slow'))).toBe(true);
    expect(isRetryable(new KafkaError('PARTITION_DECREASE', 'x'))).toBe(false);
    expect(isRetryable(Object.assign(new Error('leader not available'), { retriable: true }))).toBe(true);
    expect(isRetryable(new Error('x'))).toBe(false);
    expect(isRetryable('x')).toBe(false);
  });
});
