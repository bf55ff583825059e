/** Process plumbing of the embedded stack: launch detached JVMs, check pids, stop them, check ports. */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { StackError } from './errors.ts';

/** Marker system property every JVM of the stack carries, so a pid is only ever taken for ours. */
export const PROCESS_MARKER = '-Dorion.process=';

/** A JVM to launch. */
export interface LaunchSpec {
  readonly name: string;
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly logFile: string;
  readonly pidFile: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts a process detached from this one (it survives the CLI), output appended to its log file,
 * and writes its pid file.
 *
 * @example
 * const pid = launchDetached({ name: 'dynamodb', executable: 'java', args: [...], cwd, logFile, pidFile });
 */
export function launchDetached(spec: LaunchSpec): number {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.executable, [...spec.args], {
      cwd: spec.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: spec.env ?? process.env,
    });
    if (child.pid === undefined) {
      throw new StackError('PROCESS_EXITED', `Could not launch ${spec.name} (${spec.executable}).`);
    }
    child.unref();
    writeFileSync(spec.pidFile, String(child.pid));
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** True when `pid` is alive and is the stack process called `name` (checked on /proc when available). */
export function isOurProcess(pid: number, name: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const cmdlineFile = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdlineFile)) return true;
  try {
    const cmdline = readFileSync(cmdlineFile, 'utf8');
    // A zombie has an empty command line: it is not running any more.
    return cmdline.split('\0').includes(`${PROCESS_MARKER}${name}`);
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops one stack process: SIGTERM, then SIGKILL after `graceMs`; removes its pid file.
 * Does nothing (but clean the pid file) when the pid is not ours any more.
 */
export async function stopProcess(
  pid: number,
  name: string,
  pidFile: string,
  graceMs = 30_000,
): Promise<void> {
  if (isOurProcess(pid, name)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + graceMs;
    while (isOurProcess(pid, name) && Date.now() < deadline) await sleep(200);
    if (isOurProcess(pid, name)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      while (isOurProcess(pid, name)) await sleep(100);
    }
  }
  rmSync(pidFile, { force: true });
}

/** Who listens on `port`, according to `ss -ltnp` (empty when unknown). */
export function portOwner(port: number): string {
  const result = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return '';
  const users = /users:\(\("([^"]+)",pid=(\d+)/.exec(result.stdout);
  if (users) return `${users[1]} (pid ${users[2]})`;
  return result.stdout.trim() ? 'another process' : '';
}

/** True when something already listens on host:port. */
export function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.once('listening', () => server.close(() => resolve(false)));
    server.listen(port, host);
  });
}

/** Throws a StackError naming the owner when one of `ports` is taken. */
export async function assertPortsFree(
  component: string,
  ports: readonly number[],
  envVar: string,
): Promise<void> {
  for (const port of ports) {
    if (await isPortInUse(port)) {
      const owner = portOwner(port);
      throw new StackError(
        'PORT_IN_USE',
        `Cannot start ${component}: port ${port} is already in use${owner ? ` by ${owner}` : ''}. ` +
          `Stop that process, or point ORION at the service already there with ${envVar}=127.0.0.1:${port}.`,
      );
    }
  }
}

/** Last `lines` lines of a log file (empty when there is none). */
export function tailFile(file: string, lines = 30): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
