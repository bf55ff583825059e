/**
 * Private Kafka clusters for benchmarks, next to the shared stack and never touching it: each
 * has its own stack home under `.orion/` and its own ports, starts from empty storage, and is
 * stopped by the bench that started it — at the end, on error, and on Ctrl-C / SIGTERM — by the
 * pids recorded in its own home only (as `test/integration/stack/kafka-three-brokers.test.ts`).
 * Heap sizes are the embedded stack's (512 MB per broker).
 *
 * A bench process can also die without running its handlers: `tsx` SIGKILLs a child that is busy
 * in synchronous work (kafkajs encoding a batch) 60 ms after relaying a Ctrl-C. So each cluster
 * also gets a reaper, a detached shell that waits for the bench process to end and then stops the
 * JVMs whose pid files are in the cluster's home — only those whose command line names that home.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { DEFAULT_STACK_HOME } from '../../../localstack/embedded/paths.ts';
import { startStackReaper } from '../../../localstack/embedded/reaper.ts';
import { stackDown, stackUp } from '../../../localstack/embedded/stack.ts';
import type { StackOptions } from '../../../localstack/embedded/types.ts';
import { createKafka, type KafkaClient } from '../../../shared/kafka/client.ts';
import { clusterBrokerCount } from '../../../shared/kafka/topic-describe.ts';

/** A running private cluster. */
export interface PrivateKafka {
  readonly name: string;
  readonly brokerCount: number;
  /** Bootstrap servers, every broker. */
  readonly brokers: readonly string[];
  /** Pids of the broker JVMs (to meter their CPU). */
  readonly pids: readonly number[];
  readonly version: string | undefined;
  readonly coldStartMs: number | undefined;
  /** A kafkajs client on it (silent, codecs registered). */
  readonly kafka: KafkaClient;
  /** A connected admin client (disconnected by {@link stopPrivateKafka}). */
  readonly admin: Admin;
  readonly options: StackOptions;
}

/** Options of {@link startPrivateKafka}. */
export interface PrivateKafkaOptions {
  /** Names the stack home: `<.orion>/<name>`. */
  readonly name: string;
  readonly brokers: number;
  /** First broker port; broker i listens on `kafkaPort + 2i`, its controller on the next port. */
  readonly kafkaPort: number;
  readonly log?: (line: string) => void;
}

/** Clusters started and not stopped yet, with their reapers. */
const running = new Map<string, { readonly stack: StackOptions; readonly reaper: ChildProcess }>();
let signalsHooked = false;
let stopping = false;

/**
 * On Ctrl-C / SIGTERM, stops every private cluster still running, then exits (130 / 143). The
 * listeners stay for later signals: a second Ctrl-C must not cut the cleanup short.
 */
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping the private Kafka cluster(s) ${[...running.keys()].join(', ')} …`);
      stopAllPrivateKafka().finally(() => process.exit(code));
    });
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(
          `${what} after ${timeoutMs / 1000} s: ${error instanceof Error ? error.message : error}`,
        );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Starts a fresh private cluster (its home emptied first) and waits until every broker is in
 * the metadata. Throws — with the stack's diagnostics — when it cannot start; nothing is left
 * running then.
 *
 * @example
 * const cluster = await startPrivateKafka({ name: 'bench-3-brokers', brokers: 3, kafkaPort: 39192 });
 * try { … cluster.brokers … } finally { await stopPrivateKafka(cluster); }
 */
export async function startPrivateKafka(options: PrivateKafkaOptions): Promise<PrivateKafka> {
  const stack: StackOptions = {
    home: join(DEFAULT_STACK_HOME, options.name),
    brokers: options.brokers,
    kafkaPort: options.kafkaPort,
    components: ['kafka'],
    ignoreEnv: true,
  };
  hookSignals();
  // Leftovers of an interrupted run of this same bench: its own pids, its own folder.
  await stackDown(stack);
  rmSync(stack.home!, { recursive: true, force: true });
  running.set(options.name, { stack, reaper: startStackReaper(stack.home!) });
  let admin: Admin | undefined;
  try {
    const [report] = await stackUp({ ...stack, log: options.log ?? (() => undefined) });
    if (report?.outcome !== 'started')
      throw new Error(`private Kafka ${options.name} was not started by this run (${report?.outcome})`);
    const brokers = report.address.split(',');
    const kafka = createKafka({ brokers, auth: 'none', clientId: `bench-${options.name}` });
    admin = kafka.admin();
    const connected = admin;
    await waitFor(
      `${options.name}: not all ${options.brokers} broker(s) in the metadata`,
      60_000,
      async () => {
        await connected.connect();
        const seen = await clusterBrokerCount(connected);
        if (seen !== options.brokers) throw new Error(`${seen} of ${options.brokers} brokers`);
      },
    );
    return {
      name: options.name,
      brokerCount: options.brokers,
      brokers,
      pids: report.pids,
      version: report.version,
      coldStartMs: report.coldStartMs,
      kafka,
      admin,
      options: stack,
    };
  } catch (error) {
    await admin?.disconnect().catch(() => undefined);
    await stopRunning(options.name);
    throw error;
  }
}

/** Stops the cluster `name` by its home's pids, then its reaper; returns the pids stopped. */
async function stopRunning(name: string): Promise<number[]> {
  const entry = running.get(name);
  if (!entry) return [];
  try {
    const stopped = await stackDown(entry.stack);
    return stopped.flatMap((s) => s.pids);
  } finally {
    entry.reaper.kill();
    running.delete(name);
  }
}

/**
 * Stops a private cluster (its own pids only), deletes its data and returns the pids.
 * @example await stopPrivateKafka(cluster) // [4242]
 */
export async function stopPrivateKafka(cluster: PrivateKafka): Promise<number[]> {
  await cluster.admin.disconnect().catch(() => undefined);
  const pids = await stopRunning(cluster.name);
  // The brokers' data goes (the next start empties the home anyway); the logs stay for a look.
  rmSync(join(cluster.options.home!, 'data'), { recursive: true, force: true });
  return pids;
}

/** Stops every private cluster this process started and has not stopped yet. */
export async function stopAllPrivateKafka(): Promise<void> {
  await Promise.all(
    [...running.keys()].map((name) =>
      stopRunning(name).catch((error: unknown) =>
        console.error(
          `could not stop private Kafka ${name}: ${error instanceof Error ? error.message : error}`,
        ),
      ),
    ),
  );
}
