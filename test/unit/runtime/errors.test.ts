import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  errorCodeOf,
  RUNTIME_ERROR_CODES,
  RuntimeError,
  StageContractError,
  TransientError,
  UnsupportedEventError,
} from '../../../shared/runtime/errors.ts';
import { TransientError as FromOutcome } from '../../../shared/runtime/outcome.ts';

describe('runtime errors', () => {
  it('share one base class; the runtime’s own codes say whether they are retryable', () => {
    const own = [
      new ConfigError(['KAFKA_BROKERS is required.']),
      new UnsupportedEventError('not Kafka'),
      new StageContractError('RESULT_COUNT_MISMATCH', '2 results for 3 records'),
      new StageContractError('NO_REJECT_TOPIC', 'none'),
    ];
    for (const error of own) {
      expect(error).toBeInstanceOf(RuntimeError);
      expect(error.retryable).toBe(RUNTIME_ERROR_CODES[error.code].retryable);
    }
    expect(own.map((e) => e.code)).toEqual([
      'INVALID_CONFIGURATION',
      'UNSUPPORTED_EVENT',
      'RESULT_COUNT_MISMATCH',
      'NO_REJECT_TOPIC',
    ]);
  });

  it('a TransientError is retryable, keeps its stage-defined code and cause, and is the stage contract’s', () => {
    const cause = new Error('socket closed');
    const error = new TransientError('STORE_UNAVAILABLE', 'down', { cause });
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toBeInstanceOf(FromOutcome);
    expect([error.name, error.code, error.retryable, error.cause]).toEqual([
      'TransientError',
      'STORE_UNAVAILABLE',
      true,
      cause,
    ]);
  });

  it('errorCodeOf counts failures by the code of any ORION error, else by name', () => {
    expect(errorCodeOf(new TransientError('STORE_UNAVAILABLE', 'down'))).toBe('STORE_UNAVAILABLE');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'OTHER_PACKAGE', retryable: false }))).toBe(
      'OTHER_PACKAGE',
    );
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('Error');
    expect(errorCodeOf(new TypeError('x'))).toBe('TypeError');
    expect(errorCodeOf('x')).toBe('UNKNOWN');
  });
});
