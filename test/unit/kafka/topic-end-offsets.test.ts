import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { topicEndOffsets } from '../../../shared/kafka/topic-describe.ts';

/** The TypeError kafkajs' fetchTopicOffsets throws on a topic whose metadata is still empty. */
function kafkajsTypeError(): TypeError {
  const error = new TypeError(
    "Cannot destructure property 'partitions' of 'high.pop(...)' as it is undefined.",
  );
  error.stack = `${error.message}\n    at /repo/node_modules/kafkajs/src/admin/index.js:327:29`;
  return error;
}

/** An admin whose fetchTopicOffsets throws the given errors first, then answers. */
function adminThrowing(errors: unknown[]): { admin: Admin; calls: () => number } {
  let calls = 0;
  const admin = {
    fetchTopicOffsets: async () => {
      calls++;
      const error = errors.shift();
      if (error) throw error;
      return [
        { partition: 0, offset: '7', high: '7', low: '0' },
        { partition: 1, offset: '3', high: '3', low: '0' },
      ];
    },
  } as unknown as Admin;
  return { admin, calls: () => calls };
}

describe('topicEndOffsets', () => {
  it('asks again when kafkajs fails transiently on fresh topic metadata', async () => {
    const { admin, calls } = adminThrowing([kafkajsTypeError(), kafkajsTypeError()]);
    const offsets = await topicEndOffsets(admin, ['t']);
    expect(calls()).toBe(3);
    expect([...offsets.get('t')!]).toEqual([
      [0, 7],
      [1, 3],
    ]);
  });

  it('throws at once an error that is not transient', async () => {
    const { admin, calls } = adminThrowing([new Error('topic authorization failed')]);
    await expect(topicEndOffsets(admin, ['t'])).rejects.toThrow('topic authorization failed');
    expect(calls()).toBe(1);
  });

  it('gives up after its attempts when the error persists', async () => {
    const { admin, calls } = adminThrowing(Array.from({ length: 40 }, kafkajsTypeError));
    await expect(topicEndOffsets(admin, ['t'])).rejects.toThrow(TypeError);
    expect(calls()).toBe(25);
  }, 15_000);
});
