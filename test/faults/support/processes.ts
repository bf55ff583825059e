/**
 * What the fault runs see of processes, from `/proc` (Linux): the stage workers the main job forked
 * (children of this process running `stage-worker-main.ts`, in the order they were started, which
 * is the definition's stage order), and the resident set size of any pid.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Marker of a stage worker's command line (`localstack/esm/stage-workers.ts` forks this entry). */
const WORKER_ENTRY = 'stage-worker-main';

/** A child process: its pid and start time (clock ticks since boot). */
interface Child {
  readonly pid: number;
  readonly startTicks: number;
}

function statOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * Live stage workers of this process, oldest first.
 * @example stageWorkerPids() // [4101, 4102, 4103, 4104]
 */
export function stageWorkerPids(parent: number = process.pid): number[] {
  const children: Child[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = statOf(pid);
    // stat fields (after the name): state, ppid, …, starttime is field 22 (index 19 here).
    if (!stat || Number(stat[1]) !== parent || stat[0] === 'Z') continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(WORKER_ENTRY)) children.push({ pid, startTicks: Number(stat[19]) });
  }
  return children.sort((a, b) => a.startTicks - b.startTicks || a.pid - b.pid).map((c) => c.pid);
}

/** Resident set size of `pid`, MB, or undefined when it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round((kb / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tracks which worker runs which stage across restarts: the workers alive at the start are the
 * stages in order; a worker that appears later replaces the one that died.
 */
export class StageWorkerMap {
  private readonly byPid = new Map<number, string>();

  /** Maps the workers alive now to `stages`, in start order. */
  constructor(stages: readonly string[], pids: readonly number[] = stageWorkerPids()) {
    if (pids.length !== stages.length)
      throw new Error(`expected ${stages.length} stage workers, found ${pids.length} (${pids.join(', ')})`);
    for (const [i, pid] of pids.entries()) this.byPid.set(pid, stages[i]!);
  }

  /** The pid of `stage`'s worker. */
  pidOf(stage: string): number | undefined {
    for (const [pid, s] of this.byPid) if (s === stage) return pid;
    return undefined;
  }

  /** Pid → stage of the workers known alive. */
  entries(): Array<[number, string]> {
    return [...this.byPid];
  }

  /**
   * Waits until `stage`'s worker `dead` has a replacement (a new child), records it and returns
   * its pid, or undefined after `timeoutMs`.
   */
  async awaitReplacement(stage: string, dead: number, timeoutMs: number): Promise<number | undefined> {
    this.byPid.delete(dead);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const fresh = stageWorkerPids().filter((pid) => !this.byPid.has(pid) && pid !== dead);
      if (fresh.length > 0) {
        this.byPid.set(fresh[0]!, stage);
        return fresh[0];
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }
}
