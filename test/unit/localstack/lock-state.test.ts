/** The stack's lock file and state file. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../../localstack/embedded/lock.ts';
import { readState, updateComponentState } from '../../../localstack/embedded/state.ts';
import type { ComponentState } from '../../../localstack/embedded/types.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'orion-stack-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withLock', () => {
  it('runs holders one after the other and removes the lock', async () => {
    const lock = join(dir(), 'run', 'stack.lock');
    const events: string[] = [];
    const holder = (name: string) =>
      withLock(lock, async () => {
        events.push(`${name} in`);
        await sleep(50);
        events.push(`${name} out`);
      });
    await Promise.all([holder('a'), holder('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a dead process', async () => {
    const lock = join(dir(), 'stack.lock');
    writeFileSync(lock, '999999999');
    await expect(withLock(lock, async () => 'ran')).resolves.toBe('ran');
  });

  it('releases the lock when the holder throws', async () => {
    const lock = join(dir(), 'stack.lock');
    await expect(withLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });
});

describe('state file', () => {
  const kafka: ComponentState = {
    component: 'kafka',
    version: '3.9.1',
    address: '127.0.0.1:9092',
    processes: [{ name: 'kafka-1', pid: 42, ports: [9092, 9093], logFile: '/l/kafka-1.log' }],
    startedAt: '2026-01-01T00:00:00.000Z',
    coldStartMs: 5000,
    classpathFile: '/c/kafka.txt',
    brokers: 1,
  };

  it('records and forgets components', () => {
    const file = join(dir(), 'state.json');
    expect(readState(file)).toEqual({ components: {} });
    updateComponentState(file, 'kafka', kafka);
    expect(readState(file).components.kafka).toEqual(kafka);
    updateComponentState(file, 'kafka', undefined);
    expect(readState(file)).toEqual({ components: {} });
  });

  it('reads a corrupt file as an empty state', () => {
    const file = join(dir(), 'state.json');
    writeFileSync(file, '{not json');
    expect(readState(file)).toEqual({ components: {} });
  });
});
