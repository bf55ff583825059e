/**
 * kafkajs' offset commits after the group coordinator moved, as ORION installs it
 * (patches/kafkajs+2.2.4.patch, applied by patch-package): after NOT_COORDINATOR_FOR_GROUP the
 * next commit must go to the broker that coordinates the group now. Stock kafkajs 2.2.4 keeps the
 * former coordinator (tulios/kafkajs#1779), so an idle poller's commits failed for good and a
 * short fault run stalled with "This is not the correct coordinator for this group" 121 times.
 * Fails on the unpatched file.
 *
 * Fake brokers and a fake cluster stand in for Kafka; kafkajs' OffsetManager and error codes are real.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const OffsetManager = require('kafkajs/src/consumer/offsetManager/index.js');
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js');

const NOT_COORDINATOR_FOR_GROUP = 16;
const GROUP = 'orion-validation.cdr.raw.be';

/** A broker that records the commits it was sent and refuses them while it is not the coordinator. */
function fakeBroker(nodeId: number, isCoordinator: () => boolean) {
  const commits: unknown[] = [];
  return {
    nodeId,
    commits,
    isConnected: () => true,
    async offsetCommit(payload: unknown) {
      if (!isCoordinator()) throw createErrorFromCode(NOT_COORDINATOR_FOR_GROUP);
      commits.push(payload);
    },
  };
}

describe('kafkajs offset commits after a coordinator move', () => {
  it('sends the next commit to the new coordinator', async () => {
    let coordinatorId = 1;
    const former = fakeBroker(1, () => coordinatorId === 1);
    const current = fakeBroker(2, () => coordinatorId === 2);
    let refreshes = 0;
    const committedByGroup: Record<string, Record<string, Record<number, string>>> = {};
    const cluster = {
      committedOffsets: ({ groupId }: { groupId: string }) => (committedByGroup[groupId] ??= {}),
      refreshMetadata: async () => {
        refreshes++;
      },
      findGroupCoordinator: async ({ groupId }: { groupId: string }) => {
        expect(groupId).toBe(GROUP);
        return coordinatorId === 1 ? former : current;
      },
      findBroker: async ({ nodeId }: { nodeId: number }) => (nodeId === 1 ? former : current),
    };
    const manager = new OffsetManager({
      cluster,
      coordinator: former,
      memberAssignment: { 'cdr.raw.be': [0] },
      autoCommit: false,
      topicConfigurations: {},
      instrumentationEmitter: { emit: () => undefined },
      groupId: GROUP,
      generationId: 7,
      memberId: 'member-1',
    });
    const offsets = { topics: [{ topic: 'cdr.raw.be', partitions: [{ partition: 0, offset: '574' }] }] };

    await manager.commitOffsets(offsets);
    expect(former.commits).toHaveLength(1);

    // The group's coordinator moves (a broker restarted, leadership of __consumer_offsets moved).
    coordinatorId = 2;
    await expect(manager.commitOffsets(offsets)).rejects.toMatchObject({ type: 'NOT_COORDINATOR_FOR_GROUP' });
    expect(refreshes).toBe(1);

    // The caller's retry (runner.commitOffsets, the poller's next commit) reaches the new coordinator.
    await manager.commitOffsets(offsets);
    expect(current.commits).toHaveLength(1);
    expect(former.commits).toHaveLength(1);
  });
});
