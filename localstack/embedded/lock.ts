/**
 * A lock file so that two `stack up`/`down` (two terminals, two test runs) never start the same
 * component twice. A lock whose owner pid is gone is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ownerAlive(file: string): boolean {
  try {
    const text = readFileSync(file, 'utf8').trim();
    // Just created, pid not written yet: alive unless it stayed empty for a while.
    if (text === '') return Date.now() - statSync(file).mtimeMs < 5000;
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` holding the lock `file`, waiting up to `timeoutMs` for another holder.
 *
 * @example
 * await withLock('/repo/.orion/run/stack.lock', () => startEverything());
 */
export async function withLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!ownerAlive(file)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the stack lock ${file}`);
      await sleep(300);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
