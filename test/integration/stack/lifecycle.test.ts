/**
 * The stack's own behaviour, on private Kafka nodes (own ports and state folders) so the shared
 * stack is never disturbed: cold start, idempotent up, stop/start by pid, a busy port, a foreign
 * healthy service.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StackError } from '../../../localstack/embedded/errors.ts';
import { DEFAULT_STACK_HOME } from '../../../localstack/embedded/paths.ts';
import { isOurProcess } from '../../../localstack/embedded/process.ts';
import {
  stackDown,
  stackStatus,
  stackUp,
  startComponent,
  stopComponent,
} from '../../../localstack/embedded/stack.ts';
import type { StackOptions } from '../../../localstack/embedded/types.ts';

const PRIVATE: StackOptions = {
  home: join(DEFAULT_STACK_HOME, 'it-lifecycle'),
  kafkaPort: 29092,
  components: ['kafka'],
  ignoreEnv: true,
};

describe('stack lifecycle (private one-broker Kafka on 29092)', () => {
  let pid = 0;

  beforeAll(async () => {
    // A truly cold start: no formatted storage left from an earlier run.
    await stackDown(PRIVATE);
    rmSync(PRIVATE.home!, { recursive: true, force: true });
  });
  afterAll(async () => {
    await stackDown(PRIVATE);
  });

  it('cold-starts Kafka alone, then a second up reuses it and changes nothing', async () => {
    const [first] = await stackUp(PRIVATE);
    console.log(
      `[lifecycle] kafka alone: ${first?.outcome}, cold start ${((first?.coldStartMs ?? 0) / 1000).toFixed(1)} s`,
    );
    expect(first).toMatchObject({ component: 'kafka', outcome: 'started', address: '127.0.0.1:29092' });
    pid = first!.pids[0]!;

    const [second] = await stackUp(PRIVATE);
    expect(second).toMatchObject({ outcome: 'reused', pids: [pid], startedAt: first!.startedAt });
    const [status] = await stackStatus(PRIVATE);
    expect(status).toMatchObject({ mode: 'embedded', healthy: true, alivePids: [pid] });
  });

  it('uses a healthy service it did not start instead of starting a second one on its port', async () => {
    const [report] = await stackUp({ ...PRIVATE, home: join(DEFAULT_STACK_HOME, 'it-lifecycle-other') });
    expect(report).toMatchObject({ outcome: 'external', address: '127.0.0.1:29092', pids: [] });
  });

  it('stops its own pid (and only it) and starts again on the same data', async () => {
    expect(await stopComponent('kafka', PRIVATE)).toEqual([pid]);
    expect(isOurProcess(pid, 'kafka-1')).toBe(false);
    expect((await stackStatus(PRIVATE))[0]).toMatchObject({ mode: 'stopped', healthy: false });

    const restarted = await startComponent('kafka', PRIVATE);
    expect(restarted.outcome).toBe('started');
    expect(restarted.pids[0]).not.toBe(pid);
    const stopped = await stackDown(PRIVATE);
    expect(stopped).toEqual([{ component: 'kafka', pids: restarted.pids }]);
    expect(isOurProcess(restarted.pids[0]!, 'kafka-1')).toBe(false);
  });

  it('gives up on a component not healthy in time, with the tail of its log, leaving no process', async () => {
    const opts = {
      ...PRIVATE,
      home: join(DEFAULT_STACK_HOME, 'it-slow'),
      kafkaPort: 29292,
      healthTimeoutMs: 300,
    };
    const error = await stackUp(opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackError);
    // The message first: when the code is not the one expected, it says what happened.
    expect((error as Error).message).toMatch(/was not healthy/);
    expect((error as StackError).code).toBe('UNHEALTHY');
    expect((error as Error).message).toMatch(/kafka was not healthy at 127\.0\.0\.1:29292 after 0 s/);
    expect((error as Error).message).toContain('kafka-1.log');
    expect((error as Error).message).toContain('npx orion stack logs kafka');
    expect(await stackStatus(opts)).toMatchObject([{ mode: 'stopped', alivePids: [] }]);
  });

  it('refuses a port held by something that is not Kafka, naming the port and its owner', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(29192, '127.0.0.1', resolve));
    try {
      const error = await stackUp({
        ...PRIVATE,
        kafkaPort: 29192,
        home: join(DEFAULT_STACK_HOME, 'it-busy'),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StackError);
      expect((error as StackError).code).toBe('PORT_IN_USE');
      expect((error as Error).message).toMatch(/port 29192 is already in use/);
      expect((error as Error).message).toContain(`pid ${process.pid}`);
      expect((error as Error).message).toContain('KAFKA_BROKERS');
    } finally {
      server.close();
    }
  });
});
