/**
 * Leases on the shared embedded stack: each test run holding the stack writes a file named after
 * its pid, so a run that started the stack does not stop it under another run still using it.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STACK_HOME, stackPaths } from '../../localstack/embedded/paths.ts';

const leaseDir = () => join(stackPaths(DEFAULT_STACK_HOME).runDir, 'leases');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes a lease for this process; returns its file. */
export function acquireLease(): string {
  mkdirSync(leaseDir(), { recursive: true });
  const file = join(leaseDir(), String(process.pid));
  writeFileSync(file, new Date().toISOString());
  return file;
}

/** Gives the lease back. */
export function releaseLease(file: string): void {
  rmSync(file, { force: true });
}

/** True when another live process holds a lease (stale leases of dead processes are removed). */
export function otherLeasesAlive(): boolean {
  let others = false;
  for (const name of readdirSync(leaseDir())) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (alive(pid)) others = true;
    else rmSync(join(leaseDir(), name), { force: true });
  }
  return others;
}
