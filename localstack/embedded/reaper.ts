/**
 * A reaper for a private stack: a detached shell that outlives the process that started the
 * stack and, once that process is gone (even SIGKILLed, when no exit handler runs), stops the JVMs
 * whose pid files are in the stack's home — only those whose command line names that home — with
 * SIGTERM, then SIGKILL after 30 s, unless a later run took the home over meanwhile (the owner
 * token in the home is no longer its own). The shared stack never gets one: it outlives its callers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** File in the stack's home naming the run its reaper belongs to. */
const OWNER_FILE = '.reaper-owner';

/** The reaper's script: `$HOME_DIR` is the stack's home, `$OWNER_PID` the process it watches. */
const REAPER_SCRIPT = `
while kill -0 "$OWNER_PID" 2>/dev/null; do sleep 1; done
# A newer stack in the same home (its owner wrote its own token) is not ours to stop.
[ "$(cat "$HOME_DIR/${OWNER_FILE}" 2>/dev/null)" = "$OWNER_TOKEN" ] || exit 0
ours() { tr '\\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$HOME_DIR/"; }
pids=""
for f in "$HOME_DIR"/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if ours "$pid"; then kill -TERM "$pid" 2>/dev/null; pids="$pids $pid"; fi
done
for i in $(seq 1 30); do
  alive=""
  for pid in $pids; do if ours "$pid"; then alive="$alive $pid"; fi; done
  [ -z "$alive" ] && exit 0
  sleep 1
done
for pid in $alive; do if ours "$pid"; then kill -KILL "$pid" 2>/dev/null; fi; done
`;

/**
 * Starts the reaper of the stack in `home` (absolute), watching `ownerPid` (default: this
 * process). Kill the returned child once the stack is stopped normally.
 *
 * @example
 * const reaper = startStackReaper('/tmp/orion-faults/stack');
 * try { await stackUp({ home: '/tmp/orion-faults/stack', … }); … } finally { await stackDown(…); reaper.kill(); }
 */
export function startStackReaper(home: string, ownerPid: number = process.pid): ChildProcess {
  // The home's owner token: a reaper whose owner outlived a later run in the same home (an
  // orphaned test worker, say) must not stop that run's JVMs, whose pid files it would read.
  const token = `${ownerPid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, OWNER_FILE), token);
  const reaper = spawn('bash', ['-c', REAPER_SCRIPT], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH, HOME_DIR: home, OWNER_PID: String(ownerPid), OWNER_TOKEN: token },
  });
  reaper.unref();
  return reaper;
}
