/**
 * waitForTopics (shared/kafka/topic-apply.ts) against a fake admin: it returns once the metadata
 * shows leaders and every leader answers a ListOffsets, retries a round of ListOffsets that never
 * settles (kafkajs on just-created topics of a 3-broker cluster), and gives up with a retryable
 * error when leaders never answer within its timeout.
 */
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { waitForTopics } from '../../../shared/kafka/topic-apply.ts';

/** A fake admin: every topic has one partition with a leader; `offsets` decides each ListOffsets. */
function fakeAdmin(offsets: (topic: string, call: number) => Promise<unknown>) {
  let calls = 0;
  const admin = {
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })),
    }),
    fetchTopicOffsets: (topic: string) => offsets(topic, ++calls),
  };
  return { admin: admin as unknown as Admin, calls: () => calls };
}

const answered = async () => [{ partition: 0, offset: '0', high: '0', low: '0' }];

describe('waitForTopics', () => {
  it('asks every topic for its offsets, one after the other', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const fake = fakeAdmin(async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return answered();
    });
    await waitForTopics(fake.admin, ['a', 'b', 'c'], 10_000);
    expect(fake.calls()).toBe(3);
    expect(maxInFlight).toBe(1);
  });

  it('retries a round of ListOffsets that never settles', async () => {
    // The first call hangs forever; the next round answers.
    const fake = fakeAdmin((_, call) => (call === 1 ? new Promise(() => undefined) : answered()));
    const started = Date.now();
    await waitForTopics(fake.admin, ['a', 'b'], 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900); // one 5 s round lost
    expect(fake.calls()).toBe(3);
  }, 15_000);

  it("retries kafkajs' own TypeError on a topic whose metadata is still empty, not another one", async () => {
    const kafkajsTypeError = () => {
      const error = new TypeError(
        "Cannot destructure property 'partitions' of 'high.pop(...)' as it is undefined.",
      );
      error.stack = `${error.message}\n    at /work/node_modules/kafkajs/src/admin/index.js:327:17`;
      return error;
    };
    const fake = fakeAdmin(async (_, call) => {
      if (call === 1) throw kafkajsTypeError();
      return answered();
    });
    await waitForTopics(fake.admin, ['a'], 10_000);
    expect(fake.calls()).toBe(2);
    const ours = fakeAdmin(async () => {
      throw new TypeError('a bug of ours');
    });
    await expect(waitForTopics(ours.admin, ['a'], 10_000)).rejects.toThrow('a bug of ours');
    expect(ours.calls()).toBe(1);
  });

  it('fails, with a retryable error, when the leaders never answer in time', async () => {
    const fake = fakeAdmin(() => new Promise(() => undefined));
    await expect(waitForTopics(fake.admin, ['a'], 1_500)).rejects.toMatchObject({ retriable: true });
  }, 10_000);
});
