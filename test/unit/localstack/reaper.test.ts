/**
 * The private-stack reaper (localstack/embedded/reaper.ts): once its owner is gone it stops the
 * processes of its home, and never those of a later run that took the same home over (an orphaned
 * test worker's reaper once stopped the next run's brokers mid-scenario).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStackReaper } from '../../../localstack/embedded/reaper.ts';

const children: ChildProcess[] = [];
const homes: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

/** A stand-in JVM: a process whose command line names the home, with its pid file there. */
function fakeComponent(home: string): ChildProcess {
  mkdirSync(join(home, 'run'), { recursive: true });
  const child = spawn('bash', ['-c', `sleep 60; : ${home}/component`]);
  children.push(child);
  writeFileSync(join(home, 'run', 'component.pid'), String(child.pid));
  return child;
}

/** A short-lived owner process (`sleep 1`). */
function shortLivedOwner(): number {
  const owner = spawn('sleep', ['1']);
  children.push(owner);
  return owner.pid!;
}

const exited = (child: ChildProcess) =>
  new Promise<boolean>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), 6_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe('startStackReaper', () => {
  it('stops the processes of its home once its owner is gone', async () => {
    const home = mkdtempSync(join(tmpdir(), 'orion-reaper-'));
    homes.push(home);
    startStackReaper(home, shortLivedOwner());
    const component = fakeComponent(home);
    expect(await exited(component)).toBe(true);
  }, 10_000);

  it('leaves alone a later run that took the home over', async () => {
    const home = mkdtempSync(join(tmpdir(), 'orion-reaper-'));
    homes.push(home);
    startStackReaper(home, shortLivedOwner()); // the stale one: its owner dies in 1 s
    const later = startStackReaper(home, process.pid); // this process's run, in the same home
    const component = fakeComponent(home);
    expect(await exited(component)).toBe(false);
    later.kill();
  }, 10_000);
});
