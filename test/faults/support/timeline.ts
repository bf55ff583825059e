/**
 * The fault runs' timeline: every second the pipeline's total consumer lag (its stages' mappings,
 * read from the broker) and the resident set size of every process (stage workers by stage, the
 * private stack's JVMs, this process). It gives the time to recover after a fault and the soak's
 * figures over time, with their least-squares slope.
 */
import type { Admin, Kafka } from 'kafkajs';
import { readLag } from '../../../localstack/esm/lag.ts';
import type { PipelineDefinition } from '../../../shared/pipeline/types.ts';
import { rssMb, type StageWorkerMap } from './processes.ts';

/** One sample. */
export interface TimelineSample {
  /** Epoch ms. */
  readonly at: number;
  /** Total lag of the stages' mappings (records), or undefined when the broker did not answer. */
  readonly lag?: number;
  /** RSS by process name, MB. */
  readonly rssMb: Readonly<Record<string, number>>;
}

/** A running timeline. */
export interface Timeline {
  readonly samples: readonly TimelineSample[];
  /** Stops sampling (waits for the sample in progress). */
  stop(): Promise<void>;
}

/** What to sample. */
export interface TimelineSources {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly definition: PipelineDefinition;
  /** The private stack's processes by name. */
  readonly stackPids: () => Record<string, number>;
  /** Stage workers by stage, once known. */
  readonly workers: () => StageWorkerMap | undefined;
  readonly intervalMs?: number;
}

/**
 * Samples until stopped.
 * @example const timeline = startTimeline({ kafka, admin, definition, stackPids, workers }); … await timeline.stop();
 */
export function startTimeline(sources: TimelineSources): Timeline {
  const samples: TimelineSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      const rss: Record<string, number> = {};
      const own = rssMb(process.pid);
      if (own !== undefined) rss['main process'] = own;
      for (const [pid, stage] of sources.workers()?.entries() ?? []) {
        const mb = rssMb(pid);
        if (mb !== undefined) rss[`${stage} worker`] = mb;
      }
      for (const [name, pid] of Object.entries(sources.stackPids())) {
        const mb = rssMb(pid);
        if (mb !== undefined) rss[name] = mb;
      }
      let lag: number | undefined;
      try {
        const lags = await readLag(sources.kafka, sources.admin, sources.definition.stages, {
          withAge: false,
        });
        lag = lags.reduce((n, r) => n + r.lag, 0);
      } catch {
        lag = undefined;
      }
      samples.push({ at, ...(lag !== undefined ? { lag } : {}), rssMb: rss });
      const wait = (sources.intervalMs ?? 1_000) - (Date.now() - at);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/**
 * Least-squares slope of `points` (x in ms), per minute; 0 with fewer than two points.
 * @example slopePerMinute([{ x: 0, y: 100 }, { x: 60_000, y: 110 }]) // 10
 */
export function slopePerMinute(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

/**
 * Time from `injectedAt` until the lag is back to what it was before the fault: the first sample
 * at or after `restoredAt` whose lag is at most twice the highest lag of the 10 s before the
 * fault (at least 1,000 records). Undefined when it never came back during the timeline.
 */
export function recoveryMs(
  samples: readonly TimelineSample[],
  injectedAt: number,
  restoredAt: number,
): number | undefined {
  const before = samples.filter(
    (s) => s.at >= injectedAt - 10_000 && s.at <= injectedAt && s.lag !== undefined,
  );
  const baseline = Math.max(0, ...before.map((s) => s.lag!));
  const threshold = Math.max(1_000, 2 * baseline);
  const back = samples.find((s) => s.at >= restoredAt && s.lag !== undefined && s.lag <= threshold);
  return back ? back.at - injectedAt : undefined;
}
