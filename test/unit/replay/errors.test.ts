import { describe, expect, it } from 'vitest';
import { REPLAY_ERROR_CODES, ReplayError } from '../../../shared/replay/errors.ts';

describe('ReplayError', () => {
  it('says whether invoking the job again can succeed, from its code', () => {
    for (const code of Object.keys(REPLAY_ERROR_CODES) as (keyof typeof REPLAY_ERROR_CODES)[]) {
      expect(new ReplayError(code, 'x').retryable).toBe(REPLAY_ERROR_CODES[code].retryable);
    }
    expect(new ReplayError('JOB_BUSY', 'x').retryable).toBe(true);
    expect(new ReplayError('INVALID_REQUEST', 'x').retryable).toBe(false);
  });
});
