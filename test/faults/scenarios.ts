/**
 * The fault scenarios of issue 14, each at two sizes: `full` (`npm run test:faults`) and `short`
 * (the integration tests: a few thousand records, one kill, 10 s outages, a 20 s soak).
 */
import { REPLAY_LEASE_VARIABLE } from '../../shared/replay/constants.ts';
import type { FaultPipeline } from './support/fault-pipeline.ts';
import type { FaultContext, FaultOutcome, ScenarioResult, ScenarioSpec } from './support/scenario.ts';
import { slopePerMinute } from './support/timeline.ts';

/** Scenario names, in the order the full run plays them. */
export const SCENARIO_NAMES = [
  'worker-kill',
  'broker-kill',
  'rolling-restart',
  'cassandra-stop',
  'dynamodb-stop',
  'replay-kill',
  'soak',
] as const;

/** One scenario name. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What each scenario does (for `--help`). */
export const SCENARIO_HELP: Readonly<Record<ScenarioName, string>> = {
  'worker-kill': 'stage workers SIGKILLed mid-batch (5 times across the stages; short: once)',
  'broker-kill': 'one broker of three (RF 3, min ISR 2) SIGKILLed mid-run, restarted later',
  'rolling-restart':
    'brokers stopped cleanly one at a time, restarted, preferred leaders elected (an MSK rolling update; short: one broker)',
  'cassandra-stop': 'Cassandra stopped mid-run (30 s; short: 10 s), dead letters replayed',
  'dynamodb-stop': 'DynamoDB Local stopped mid-run (30 s; short: 10 s): its readers dead-letter, replayed',
  'replay-kill': 'a replay of an outage SIGKILLed half-way and resumed with the same job id',
  soak: 'half the full-speed rate for 10 min (short: 20 s): RSS and lag over time, their slope',
};

/** Sizes. */
export type Profile = 'full' | 'short';

/** Options of {@link scenarioSpec}. */
export interface ScenarioOptions {
  readonly profile: Profile;
  /** Full-speed rate, records/s; the scenarios run at half of it. @default 2000 */
  readonly rate?: number;
  /** Soak duration, ms. @default 10 min (full), 20 s (short) */
  readonly soakMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILLs stage workers, one stage after the other, waiting for each replacement. */
function workerKills(kills: number, startAfter: number, spacingMs: number) {
  return async (ctx: FaultContext): Promise<FaultOutcome> => {
    const stages = ctx.pipeline.definition.stages.map((s) => s.name);
    await ctx.waitProduced(startAfter);
    const notes: string[] = [];
    let injectedAt = 0;
    let restoredAt = 0;
    for (let i = 0; i < kills; i++) {
      const stage = stages[i % stages.length]!;
      const pid = ctx.workers.pidOf(stage);
      if (pid === undefined) throw new Error(`no worker for stage ${stage}`);
      const at = Date.now();
      injectedAt ||= at;
      process.kill(pid, 'SIGKILL');
      const replacement = await ctx.workers.awaitReplacement(stage, pid, 60_000);
      restoredAt = Date.now();
      if (replacement === undefined)
        throw new Error(`the ${stage} worker (pid ${pid}) was not restarted within 60 s`);
      const line = `${stage} worker pid ${pid} SIGKILLed at ${ctx.produced()} produced; pid ${replacement} after ${restoredAt - at} ms`;
      ctx.log(line);
      notes.push(line);
      if (i < kills - 1) await sleep(spacingMs);
    }
    return { injectedAt, restoredAt, faults: kills, notes };
  };
}

/** SIGKILLs broker `node`, restarts it after `downMs`. */
function brokerKill(node: string, startAfter: number, downMs: number) {
  return async (ctx: FaultContext): Promise<FaultOutcome> => {
    await ctx.waitProduced(startAfter);
    const injectedAt = Date.now();
    const pid = ctx.env.stack.kill(node);
    ctx.log(`${node} (pid ${pid}) SIGKILLed at ${ctx.produced()} produced`);
    await sleep(downMs);
    const restartMs = await ctx.env.stack.start('kafka');
    const restoredAt = Date.now();
    const line = `${node} SIGKILLed, down ${(downMs / 1000).toFixed(0)} s, healthy again ${(restartMs / 1000).toFixed(1)} s after its restart`;
    ctx.log(line);
    return { injectedAt, restoredAt, faults: 1, notes: [line] };
  };
}

/**
 * Restarts `nodes` one after the other as an MSK rolling update does: each broker stopped cleanly
 * (SIGTERM, a controlled shutdown that moves its leaders away first), started again after `downMs`,
 * then its leaderships moved back by a preferred-leader election. Producers see
 * NOT_LEADER_OR_FOLLOWER on some partitions of a request while the others are written, and the
 * consumer groups follow their coordinators from broker to broker.
 */
function rollingRestart(nodes: readonly string[], startAfter: number, downMs: number) {
  return async (ctx: FaultContext): Promise<FaultOutcome> => {
    await ctx.waitProduced(startAfter);
    const injectedAt = Date.now();
    const notes: string[] = [];
    for (const node of nodes) {
      const at = ctx.produced();
      const stopMs = await ctx.env.stack.terminate(node);
      await sleep(downMs);
      const restartMs = await ctx.env.stack.start('kafka');
      const electMs = await ctx.env.stack.electPreferredLeaders();
      const line = `${node} stopped cleanly at ${at} produced (${(stopMs / 1000).toFixed(1)} s), healthy again ${(restartMs / 1000).toFixed(1)} s after its restart, preferred leaders back in ${(electMs / 1000).toFixed(1)} s`;
      ctx.log(line);
      notes.push(line);
    }
    return { injectedAt, restoredAt: Date.now(), faults: nodes.length, notes };
  };
}

/** Stops a store component for `downMs` (or until `until` records are produced), then starts it. */
function componentStop(
  component: 'cassandra' | 'dynamodb',
  startAfter: number,
  down: { readonly ms: number } | { readonly untilProduced: number },
) {
  return async (ctx: FaultContext): Promise<FaultOutcome> => {
    await ctx.waitProduced(startAfter);
    const injectedAt = Date.now();
    await ctx.env.stack.stop(component);
    ctx.log(`${component} stopped at ${ctx.produced()} produced`);
    if ('ms' in down) await sleep(down.ms);
    else await ctx.waitProduced(down.untilProduced);
    const stoppedMs = Date.now() - injectedAt;
    const restartMs = await ctx.env.stack.start(component);
    const restoredAt = Date.now();
    const line = `${component} stopped ${(stoppedMs / 1000).toFixed(0)} s, healthy again ${(restartMs / 1000).toFixed(1)} s after its start`;
    ctx.log(line);
    return { injectedAt, restoredAt, faults: 1, notes: [line] };
  };
}

/**
 * The spec of scenario `name` for `pipeline` at `options.profile`.
 * @example scenarioSpec('cassandra-stop', CDR_FAULT_PIPELINE, { profile: 'short' })
 */
export function scenarioSpec(
  name: ScenarioName,
  pipeline: FaultPipeline,
  options: ScenarioOptions,
): ScenarioSpec {
  const full = options.profile === 'full';
  const rate = Math.max(1, Math.round((options.rate ?? 2_000) / 2));
  const seconds = (s: number) => Math.round(rate * s);
  switch (name) {
    case 'worker-kill':
      return full
        ? { name, count: seconds(40), rate, inject: workerKills(5, seconds(5), 4_000) }
        : { name, count: 4_000, rate: 500, inject: workerKills(1, 1_500, 0) };
    case 'broker-kill':
      return full
        ? { name, count: seconds(60), rate, inject: brokerKill('kafka-2', seconds(10), 20_000) }
        : { name, count: 4_000, rate: 500, inject: brokerKill('kafka-2', 1_000, 5_000) };
    case 'rolling-restart':
      return full
        ? {
            name,
            count: seconds(90),
            rate,
            inject: rollingRestart(['kafka-1', 'kafka-2', 'kafka-3'], seconds(10), 10_000),
          }
        : { name, count: 4_000, rate: 500, inject: rollingRestart(['kafka-1'], 1_000, 3_000) };
    case 'cassandra-stop':
      return full
        ? { name, count: seconds(60), rate, inject: componentStop('cassandra', seconds(10), { ms: 30_000 }) }
        : { name, count: 5_000, rate: 500, inject: componentStop('cassandra', 1_000, { ms: 10_000 }) };
    case 'dynamodb-stop':
      return {
        name,
        ...(full
          ? { count: seconds(60), rate, inject: componentStop('dynamodb', seconds(10), { ms: 30_000 }) }
          : { count: 5_000, rate: 500, inject: componentStop('dynamodb', 1_000, { ms: 10_000 }) }),
        ...(pipeline.dynamodbStopEnv ? { workerEnv: pipeline.dynamodbStopEnv } : {}),
      };
    case 'replay-kill': {
      // DynamoDB Local away for most of the generation: many dead letters, then a slow replay
      // (progress every 2 s) SIGKILLed half-way and resumed.
      const count = full ? seconds(30) : 3_000;
      return {
        name,
        count,
        rate: full ? rate : 500,
        inject: componentStop('dynamodb', Math.round(count * 0.1), { untilProduced: count }),
        // Short: a 15 s job lease instead of 60 s, so the resume waits seconds for the killed
        // invocation's lock, not a minute (a 500-record batch at 300/s is sent in under 2 s).
        replay: {
          rate: full ? 1_000 : 300,
          killAt: 0.5,
          ...(full ? {} : { env: { [REPLAY_LEASE_VARIABLE]: '15000' } }),
        },
        ...(pipeline.dynamodbStopEnv ? { workerEnv: pipeline.dynamodbStopEnv } : {}),
      };
    }
    case 'soak': {
      const ms = options.soakMs ?? (full ? 10 * 60_000 : 20_000);
      const soakRate = full ? rate : 500;
      return {
        name,
        count: Math.round((soakRate * ms) / 1000),
        rate: soakRate,
        sampleMs: full ? 5_000 : 1_000,
      };
    }
  }
}

/** RSS of one process over the soak, MB, and its slope. */
export interface SoakSeries {
  readonly first: number;
  readonly last: number;
  readonly max: number;
  readonly slopePerMinute: number;
}

/**
 * RSS per process and lag over a run's timeline, with their least-squares slopes (per minute),
 * from the first sample with every stage worker known to the last.
 */
export function soakSummary(result: ScenarioResult): {
  rssMb: Record<string, SoakSeries>;
  lag: SoakSeries;
  samples: number;
} {
  const samples = (result.timeline ?? []).filter((s) =>
    Object.keys(s.rssMb).some((k) => k.endsWith(' worker')),
  );
  const series = (values: Array<{ x: number; y: number }>): SoakSeries => ({
    first: values[0]?.y ?? 0,
    last: values.at(-1)?.y ?? 0,
    max: Math.max(0, ...values.map((v) => v.y)),
    slopePerMinute: Math.round(slopePerMinute(values) * 100) / 100,
  });
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.rssMb)))].sort();
  const rssMb: Record<string, SoakSeries> = {};
  for (const name of names) {
    rssMb[name] = series(
      samples.filter((s) => s.rssMb[name] !== undefined).map((s) => ({ x: s.at, y: s.rssMb[name]! })),
    );
  }
  const lag = series(samples.filter((s) => s.lag !== undefined).map((s) => ({ x: s.at, y: s.lag! })));
  return { rssMb, lag, samples: samples.length };
}
