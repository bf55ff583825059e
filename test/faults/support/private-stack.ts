/**
 * The fault runs' private stack: a three-broker Kafka (RF 3, min ISR 2), a Cassandra and a
 * DynamoDB Local in their own home and on their own ports, beside the shared stack and never
 * touching it. Every fault (a broker SIGKILLed, Cassandra or DynamoDB Local stopped) hits this
 * stack only; `process.env` points the main job, the stage workers and the CLI at it.
 */

import { type ChildProcess, execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { stackPaths } from '../../../localstack/embedded/paths.ts';
import { javaExecutable } from '../../../localstack/embedded/prerequisites.ts';
import { startStackReaper } from '../../../localstack/embedded/reaper.ts';
import {
  stackDown,
  stackEndpointEnvironment,
  stackUp,
  startComponent,
  stopComponent,
} from '../../../localstack/embedded/stack.ts';
import { readState } from '../../../localstack/embedded/state.ts';
import type { ComponentName, ComponentReport, StackOptions } from '../../../localstack/embedded/types.ts';

/**
 * Home and ports of the private stack (the shared one is on 9092/9042/7000/8000). Below Linux's
 * ephemeral range (32768–60999): a port there can be taken by any outgoing connection, and
 * Cassandra then refuses to start ("is in use by another process").
 */
export const FAULT_STACK: StackOptions = {
  home: '/tmp/orion-faults/stack',
  brokers: 3,
  kafkaPort: 21092,
  cassandraPort: 21042,
  cassandraStoragePort: 21700,
  dynamodbPort: 21800,
  ignoreEnv: true,
};

/** How long a SIGTERMed process may take to exit (a broker's controlled shutdown). */
const TERMINATE_TIMEOUT_MS = 60_000;
/** Preferred-leader elections tried, 2 s apart, before the fault gives up. */
const ELECTION_ATTEMPTS = 15;
const run = promisify(execFile);

/** Whether `pid` is still running. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A running private stack. */
export interface FaultStack {
  readonly options: StackOptions;
  /** `KAFKA_BROKERS`, `CASSANDRA_CONTACT_POINTS`, `DYNAMODB_ENDPOINT` of the stack. */
  readonly env: Readonly<Record<string, string>>;
  /** Live pids by process name (`kafka-1` … `kafka-3`, `cassandra`, `dynamodb`), from the stack's state. */
  pids(): Record<string, number>;
  /** SIGKILLs one process of the stack (e.g. `kafka-2`); returns its pid. */
  kill(processName: string): number;
  /**
   * SIGTERMs one process of the stack and waits until it has exited; returns how long it took. A
   * Kafka broker stopped so shuts down cleanly (controlled shutdown: its leaders move first).
   */
  terminate(processName: string): Promise<number>;
  /**
   * Moves every partition's leadership back to its preferred replica (what the controller's
   * `auto.leader.rebalance.enable` does every 5 min), retrying while a replica is not yet back in
   * sync; returns how long it took.
   */
  electPreferredLeaders(): Promise<number>;
  /** Stops a component (SIGTERM, as an operator or an outage would). */
  stop(component: ComponentName): Promise<void>;
  /** Starts a component, or the killed nodes of Kafka, and waits until healthy; returns how long it took. */
  start(component: ComponentName): Promise<number>;
  /** Stops the whole private stack, deletes its data and gives `process.env` its endpoints back. */
  down(): Promise<void>;
}

/**
 * Starts the private stack from empty storage (a leftover of an interrupted run is stopped by its
 * own pids first) and points `process.env` at it. `overrides` moves its home and ports (the
 * integration tests use their own, so that they never meet an `npm run test:faults`).
 * @example const stack = await startFaultStack(console.log); try { … } finally { await stack.down(); }
 */
export async function startFaultStack(
  log: (line: string) => void = () => undefined,
  overrides: StackOptions = {},
): Promise<FaultStack> {
  const options: StackOptions = { ...FAULT_STACK, ...overrides };
  const home = options.home!;
  await stackDown(options);
  rmSync(home, { recursive: true, force: true });
  const reaper: ChildProcess = startStackReaper(home);
  let reports: ComponentReport[];
  try {
    reports = await stackUp({ ...options, log: (line) => log(`   ${line}`) });
  } catch (error) {
    await stackDown(options).catch(() => undefined);
    reaper.kill();
    throw error;
  }
  const env = stackEndpointEnvironment(reports);
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const paths = stackPaths(home);
  const pids = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const c of Object.values(readState(paths.stateFile).components)) {
      for (const p of c?.processes ?? []) out[p.name] = p.pid;
    }
    return out;
  };
  return {
    options,
    env,
    pids,
    kill(processName) {
      const pid = pids()[processName];
      if (pid === undefined) throw new Error(`no process ${processName} in the private stack`);
      process.kill(pid, 'SIGKILL');
      return pid;
    },
    async terminate(processName) {
      const pid = pids()[processName];
      if (pid === undefined) throw new Error(`no process ${processName} in the private stack`);
      const started = Date.now();
      process.kill(pid, 'SIGTERM');
      while (isAlive(pid)) {
        if (Date.now() - started > TERMINATE_TIMEOUT_MS)
          throw new Error(
            `${processName} (pid ${pid}) still running ${TERMINATE_TIMEOUT_MS} ms after SIGTERM`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return Date.now() - started;
    },
    async electPreferredLeaders() {
      const kafka = readState(paths.stateFile).components.kafka;
      if (!kafka?.classpathFile) throw new Error('the private stack has no Kafka classpath recorded');
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          // Kafka's own tool (kafka-leader-election.sh): kafkajs' admin has no ElectLeaders.
          await run(
            javaExecutable(),
            [
              '-Xmx256m',
              '-cp',
              readFileSync(kafka.classpathFile, 'utf8'),
              'org.apache.kafka.tools.LeaderElectionCommand',
              '--bootstrap-server',
              env.KAFKA_BROKERS!.split(',')[0]!,
              '--election-type',
              'PREFERRED',
              '--all-topic-partitions',
            ],
            { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
          );
          return Date.now() - started;
        } catch (error) {
          // "Preferred replica not in sync" until the restarted broker has caught up.
          if (attempt >= ELECTION_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, 2_000));
        }
      }
    },
    async stop(component) {
      await stopComponent(component, options);
    },
    async start(component) {
      const started = Date.now();
      await startComponent(component, { ...options, log: (line) => log(`   ${line}`) });
      return Date.now() - started;
    },
    async down() {
      try {
        await stackDown(options);
        rmSync(home, { recursive: true, force: true });
      } finally {
        reaper.kill();
        for (const [k, v] of Object.entries(previous)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    },
  };
}
