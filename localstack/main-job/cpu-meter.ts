/**
 * CPU time spent by each process of a local run over a window: the stage workers (as they report
 * it over IPC), this process, and the embedded stack's JVMs (read from `/proc` on Linux; omitted
 * elsewhere or for external endpoints). It shows where the cores go, hence what bounds the
 * pipeline's throughput on this machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What to meter. */
export interface CpuSources {
  /** CPU microseconds per stage worker since it started. */
  readonly workers?: () => Readonly<Record<string, number>>;
  /** Process ids per name (e.g. `kafka`, `cassandra`). */
  readonly pids: Readonly<Record<string, readonly number[]>>;
}

let clockTicks: number | undefined;

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds of a process, or `undefined` when `/proc` cannot tell. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

function sample(sources: CpuSources): Map<string, number> {
  const out = new Map<string, number>();
  for (const [stage, micros] of Object.entries(sources.workers?.() ?? {})) out.set(stage, micros / 1e6);
  const own = process.cpuUsage();
  out.set('main process', (own.user + own.system) / 1e6);
  for (const [name, pids] of Object.entries(sources.pids)) {
    const seconds = pids.map(processCpuSeconds);
    if (pids.length > 0 && seconds.every((s) => s !== undefined)) {
      out.set(name, seconds.reduce((a, b) => a! + b!, 0)!);
    }
  }
  return out;
}

/**
 * Starts metering; `stop()` returns the CPU seconds each source used since.
 *
 * @example
 * const meter = startCpuMeter({ pids: { cassandra: [1234] } });
 * // … run …
 * meter.stop(); // { 'main process': 1.2, cassandra: 20.5 }
 */
export function startCpuMeter(sources: CpuSources): { stop(): Record<string, number> } {
  const before = sample(sources);
  return {
    stop: () => {
      const after = sample(sources);
      const used: Record<string, number> = {};
      for (const [name, seconds] of after) {
        const start = before.get(name);
        if (start !== undefined) used[name] = Math.round((seconds - start) * 100) / 100;
      }
      return used;
    },
  };
}
