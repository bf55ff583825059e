/**
 * The embedded local stack: Kafka (KRaft), Cassandra and DynamoDB Local as JVM processes, started
 * from Maven Central artifacts, with their data, logs, pids and state under `.orion/`.
 *
 * @example
 * const reports = await stackUp({ log: console.log });
 * // … use 127.0.0.1:9092, 127.0.0.1:9042, http://127.0.0.1:8000 …
 * await stackDown();
 */
import { recordColdStarts } from './cold-starts.ts';
import type { ComponentDriver, LaunchContext, PortLayout } from './component.ts';
import { cassandraDriver } from './components/cassandra.ts';
import { dynamodbDriver } from './components/dynamodb.ts';
import { kafkaDriver } from './components/kafka.ts';
import {
  CASSANDRA_PORT,
  CASSANDRA_STORAGE_PORT,
  DYNAMODB_PORT,
  ENDPOINT_ENV,
  KAFKA_PORT,
  localEndpoints,
} from './endpoints.ts';
import { StackError } from './errors.ts';
import { withLock } from './lock.ts';
import { type ResolvedClasspath, resolveClasspath } from './maven.ts';
import { DEFAULT_STACK_HOME, type StackPaths, stackPaths } from './paths.ts';
import { checkJava } from './prerequisites.ts';
import { assertPortsFree, isOurProcess, isPortInUse, portOwner, stopProcess, tailFile } from './process.ts';
import { readState, updateComponentState } from './state.ts';
import {
  COMPONENTS,
  type ComponentName,
  type ComponentReport,
  type ComponentState,
  type ComponentStatus,
  type ProcessState,
  type StackOptions,
} from './types.ts';

/** The driver of each component. */
export const DRIVERS: Readonly<Record<ComponentName, ComponentDriver>> = {
  kafka: kafkaDriver,
  cassandra: cassandraDriver,
  dynamodb: dynamodbDriver,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Resolved extends PortLayout {
  readonly paths: StackPaths;
  readonly components: readonly ComponentName[];
  readonly external: Readonly<Record<ComponentName, string | undefined>>;
  readonly log: (line: string) => void;
  readonly healthTimeoutMs?: number;
}

function resolveOptions(opts: StackOptions): Resolved {
  const brokers = opts.brokers ?? 1;
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) {
    throw new Error(`--brokers must be an integer between 1 and 9, got ${opts.brokers}`);
  }
  const env = opts.ignoreEnv ? {} : process.env;
  const endpoints = localEndpoints(env);
  return {
    paths: stackPaths(opts.home ?? DEFAULT_STACK_HOME),
    brokers,
    kafkaPort: opts.kafkaPort ?? KAFKA_PORT,
    cassandraPort: opts.cassandraPort ?? CASSANDRA_PORT,
    cassandraStoragePort: opts.cassandraStoragePort ?? CASSANDRA_STORAGE_PORT,
    dynamodbPort: opts.dynamodbPort ?? DYNAMODB_PORT,
    components: opts.components ?? COMPONENTS,
    external: {
      kafka: endpoints.external.kafka ? endpoints.kafkaBrokers.join(',') : undefined,
      cassandra: endpoints.external.cassandra ? endpoints.cassandraContactPoints.join(',') : undefined,
      dynamodb: endpoints.external.dynamodb ? endpoints.dynamodbEndpoint : undefined,
    },
    log: opts.log ?? (() => undefined),
    healthTimeoutMs: opts.healthTimeoutMs,
  };
}

/** The broker count and ports of resolved options. */
function portLayoutOf(r: Resolved): PortLayout {
  return {
    brokers: r.brokers,
    kafkaPort: r.kafkaPort,
    cassandraPort: r.cassandraPort,
    cassandraStoragePort: r.cassandraStoragePort,
    dynamodbPort: r.dynamodbPort,
  };
}

function lockFile(paths: StackPaths): string {
  return `${paths.runDir}/stack.lock`;
}

function alivePids(state: ComponentState): number[] {
  return state.processes.filter((p) => isOurProcess(p.pid, p.name)).map((p) => p.pid);
}

/**
 * True while `p` runs. Checked twice 100 ms apart before saying no: right after a fork the child's
 * command line may not yet be the JVM's (the launcher re-executing itself), which is not an exit.
 */
async function stillOurs(p: ProcessState): Promise<boolean> {
  if (isOurProcess(p.pid, p.name)) return true;
  await sleep(100);
  return isOurProcess(p.pid, p.name);
}

/** Polls the health check until it passes; fails early when a process dies, with its log tail. */
async function waitHealthy(
  driver: ComponentDriver,
  address: string,
  brokers: number,
  processes: readonly ProcessState[],
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    for (const p of processes) {
      if (!(await stillOurs(p))) {
        throw new StackError(
          'PROCESS_EXITED',
          `${p.name} (pid ${p.pid}) exited before becoming healthy. Last lines of ${p.logFile}:\n${tailFile(p.logFile)}`,
        );
      }
    }
    try {
      return await driver.health(address, { brokers });
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      const tails = processes.map((p) => `--- ${p.logFile}\n${tailFile(p.logFile)}`).join('\n');
      throw new StackError(
        'UNHEALTHY',
        `${driver.name} was not healthy at ${address} after ${Math.round(timeoutMs / 1000)} s (last check: ${lastError}). ` +
          `See the logs (npx orion stack logs ${driver.name}); last lines:\n${tails}`,
      );
    }
    await sleep(250);
  }
}

/**
 * When something not started by the stack already listens on the component's main port and passes
 * its health check (a Docker container from localstack/compose.yml, say), says what it is.
 */
async function answeringForeignService(
  driver: ComponentDriver,
  address: string,
  brokers: number,
  port: number | undefined,
): Promise<string | undefined> {
  if (port === undefined || !(await isPortInUse(port))) return undefined;
  try {
    const detail = await driver.health(address, { brokers });
    return `${portOwner(port) || 'not started by orion'}; ${detail}`;
  } catch {
    return undefined;
  }
}

/** Lazily checks Java once per `up`. */
function javaOnce(): () => string {
  let java: string | undefined;
  return () => {
    java ??= checkJava().executable;
    return java;
  };
}

async function upComponent(
  driver: ComponentDriver,
  r: Resolved,
  java: () => string,
  classpaths: Map<ComponentName, Promise<ResolvedClasspath>>,
): Promise<ComponentReport> {
  const name = driver.name;
  const external = r.external[name];
  if (external) {
    const detail = await waitHealthy(driver, external, 1, [], 30_000);
    r.log(`${name}: external endpoint ${external} from ${driver.envVar} (${detail}); nothing started`);
    return { component: name, outcome: 'external', address: external, pids: [] };
  }
  const ctxShape = portLayoutOf(r);
  const address = driver.address(ctxShape);
  const recorded = readState(r.paths.stateFile).components[name];
  let relaunch: readonly string[] | undefined;
  if (recorded) {
    if (name === 'kafka' && (recorded.brokers ?? 1) !== r.brokers) {
      throw new StackError(
        'BROKER_COUNT_MISMATCH',
        `Kafka already runs with ${recorded.brokers ?? 1} broker(s) at ${recorded.address}; ` +
          `run \`npx orion stack down\` first to switch to ${r.brokers}.`,
      );
    }
    const alive = alivePids(recorded);
    if (alive.length === recorded.processes.length) {
      const detail = await waitHealthy(
        driver,
        recorded.address,
        r.brokers,
        recorded.processes,
        driver.healthTimeoutMs,
      );
      r.log(`${name}: already running (pid ${alive.join(',')}; ${detail}); reused`);
      return {
        component: name,
        outcome: 'reused',
        address: recorded.address,
        version: recorded.version,
        pids: alive,
        startedAt: recorded.startedAt,
        coldStartMs: recorded.coldStartMs,
      };
    }
    if (alive.length > 0) {
      relaunch = recorded.processes.filter((p) => !alive.includes(p.pid)).map((p) => p.name);
    } else {
      updateComponentState(r.paths.stateFile, name, undefined);
    }
  }

  const planned = driver.processes(ctxShape).filter((p) => !relaunch || relaunch.includes(p.name));
  if (!relaunch) {
    const foreign = await answeringForeignService(driver, address, r.brokers, planned[0]?.ports[0]);
    if (foreign) {
      // e.g. localstack/compose.yml on a machine with Docker: same ports, so use it as is.
      r.log(`${name}: a service not started by orion already answers at ${address} (${foreign}); using it`);
      return { component: name, outcome: 'external', address, pids: [] };
    }
  }
  await assertPortsFree(
    name,
    planned.flatMap((p) => p.ports),
    driver.envVar,
  );
  const executable = java();
  const classpath = await classpaths.get(name)!;
  const ctx: LaunchContext = { paths: r.paths, java: executable, classpath, ...ctxShape };
  r.log(`${name}: starting ${planned.map((p) => p.name).join(', ')} (${classpath.version}) …`);
  const launchedAt = Date.now();
  const launched = await driver.launch(ctx, relaunch);
  const processes =
    recorded && relaunch
      ? recorded.processes.map((p) => launched.find((l) => l.name === p.name) ?? p)
      : launched;
  const base: ComponentState = {
    component: name,
    version: classpath.version,
    address,
    processes,
    startedAt: new Date(launchedAt).toISOString(),
    coldStartMs: -1,
    classpathFile: classpath.classpathFile,
    ...(name === 'kafka' ? { brokers: r.brokers } : {}),
  };
  updateComponentState(r.paths.stateFile, name, base);
  try {
    const detail = await waitHealthy(
      driver,
      address,
      r.brokers,
      processes,
      r.healthTimeoutMs ?? driver.healthTimeoutMs,
    );
    const coldStartMs = Date.now() - launchedAt;
    updateComponentState(r.paths.stateFile, name, { ...base, coldStartMs });
    r.log(`${name}: healthy in ${(coldStartMs / 1000).toFixed(1)} s (${detail})`);
    return {
      component: name,
      outcome: 'started',
      address,
      version: classpath.version,
      pids: processes.map((p) => p.pid),
      startedAt: base.startedAt,
      coldStartMs,
    };
  } catch (error) {
    // Leave nothing half-started behind.
    await Promise.all(launched.map((p) => stopProcess(p.pid, p.name, r.paths.pidFile(p.name), 5000)));
    // After a failed restart of some Kafka nodes, keep the record of the nodes still running so
    // that `down` can stop them.
    updateComponentState(r.paths.stateFile, name, relaunch ? recorded : undefined);
    throw error;
  }
}

/**
 * Brings the stack up: reuses healthy components, starts the missing ones in parallel, waits for
 * real health. Components whose endpoint comes from the environment are only health-checked.
 *
 * @example
 * for (const c of await stackUp()) console.log(c.component, c.outcome, c.address);
 */
export async function stackUp(opts: StackOptions = {}): Promise<ComponentReport[]> {
  const r = resolveOptions(opts);
  return withLock(lockFile(r.paths), async () => {
    const java = javaOnce();
    const classpaths = new Map<ComponentName, Promise<ResolvedClasspath>>();
    for (const name of r.components) {
      if (r.external[name]) continue;
      const p = resolveClasspath(name);
      p.catch(() => undefined); // awaited (and reported) by the component that needs it
      classpaths.set(name, p);
    }
    const results = await Promise.allSettled(
      r.components.map((name) => upComponent(DRIVERS[name], r, java, classpaths)),
    );
    const failures = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failures.length > 0) {
      const first = failures[0]!.reason;
      if (failures.length === 1) throw first;
      throw new StackError(
        first instanceof StackError ? first.code : 'UNHEALTHY',
        failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n\n'),
      );
    }
    const reports = results.map((x) => (x as PromiseFulfilledResult<ComponentReport>).value);
    const fresh = reports.filter((x) => x.outcome === 'started' && x.coldStartMs !== undefined);
    const at = new Date().toISOString();
    const brokersOf = (c: ComponentName) => (c === 'kafka' ? { brokers: r.brokers } : {});
    recordColdStarts([
      ...fresh.map((x) => ({ what: x.component, ms: x.coldStartMs!, at, ...brokersOf(x.component) })),
      ...(fresh.length === COMPONENTS.length
        ? [{ what: 'stack', ms: Math.max(...fresh.map((x) => x.coldStartMs!)), brokers: r.brokers, at }]
        : []),
    ]);
    return reports;
  });
}

async function stopRecorded(r: Resolved, name: ComponentName, only?: string): Promise<number[]> {
  const recorded = readState(r.paths.stateFile).components[name];
  if (!recorded) return [];
  const targets = recorded.processes.filter((p) => !only || p.name === only);
  await Promise.all(targets.map((p) => stopProcess(p.pid, p.name, r.paths.pidFile(p.name))));
  if (!only || targets.length === recorded.processes.length)
    updateComponentState(r.paths.stateFile, name, undefined);
  return targets.map((p) => p.pid);
}

/**
 * Stops every process the stack started (SIGTERM, SIGKILL after a grace period), never anything else.
 *
 * @example
 * const stopped = await stackDown(); // [{ component: 'kafka', pids: [1234] }, …]
 */
export async function stackDown(
  opts: StackOptions = {},
): Promise<Array<{ component: ComponentName; pids: number[] }>> {
  const r = resolveOptions(opts);
  return withLock(lockFile(r.paths), async () => {
    const stopped = await Promise.all(
      r.components.map(async (component) => ({ component, pids: await stopRecorded(r, component) })),
    );
    return stopped.filter((s) => s.pids.length > 0);
  });
}

/**
 * Stops one component of a running stack (`kafka`, `cassandra`, `dynamodb`) or one Kafka node
 * (`kafka-2`), e.g. to test what the pipeline does when storage goes away.
 *
 * @example
 * await stopComponent('cassandra'); … await startComponent('cassandra');
 */
export async function stopComponent(
  name: ComponentName | string,
  opts: StackOptions = {},
): Promise<number[]> {
  const r = resolveOptions(opts);
  const component = name.split('-')[0] as ComponentName;
  if (!COMPONENTS.includes(component)) throw new Error(`Unknown component "${name}"`);
  if (r.external[component]) {
    throw new Error(`${component} is external (${DRIVERS[component].envVar}); the stack cannot stop it`);
  }
  return withLock(lockFile(r.paths), () => stopRecorded(r, component, name === component ? undefined : name));
}

/**
 * Starts (or restarts the stopped nodes of) one component and waits until it is healthy. Nodes
 * stopped one by one (`kafka-2`) come back with the broker count and ports the stack recorded; a
 * component stopped whole is forgotten, so a private stack on its own ports must name them in
 * `opts` again (else the defaults, i.e. the shared stack's ports, are used).
 *
 * @example
 * await startComponent('cassandra');
 * await startComponent('kafka', { home: '/tmp/orion-faults/stack' }); // its stopped brokers only
 */
export async function startComponent(name: ComponentName, opts: StackOptions = {}): Promise<ComponentReport> {
  const recorded = readState(stackPaths(opts.home ?? DEFAULT_STACK_HOME).stateFile).components[name];
  const [report] = await stackUp({
    ...(recorded ? recordedLayout(recorded) : {}),
    ...opts,
    components: [name],
  });
  return report!;
}

/** The options that bring a recorded component back on the same broker count and ports. */
function recordedLayout(recorded: ComponentState): StackOptions {
  const port = (process: ProcessState | undefined, index = 0) => process?.ports[index];
  switch (recorded.component) {
    case 'kafka':
      // Node `kafka-1` listens on the first broker port.
      return {
        brokers: recorded.brokers ?? 1,
        kafkaPort: port(recorded.processes.find((p) => p.name === 'kafka-1')),
      };
    case 'cassandra':
      return {
        cassandraPort: port(recorded.processes[0]),
        cassandraStoragePort: port(recorded.processes[0], 1),
      };
    case 'dynamodb':
      return { dynamodbPort: port(recorded.processes[0]) };
  }
}

/**
 * The variables that point ORION (the main job, the stages, the CLI) at the endpoints of `up`'s
 * reports: `KAFKA_BROKERS`, `CASSANDRA_CONTACT_POINTS`, `DYNAMODB_ENDPOINT`. A private stack on
 * its own ports is selected this way, as any external endpoint.
 *
 * @example
 * Object.assign(process.env, stackEndpointEnvironment(await stackUp({ home, kafkaPort: 39092, … })));
 */
export function stackEndpointEnvironment(reports: readonly ComponentReport[]): Record<string, string> {
  return Object.fromEntries(reports.map((r) => [ENDPOINT_ENV[r.component], r.address]));
}

/**
 * Health of every component: embedded (with live pids), external (from the environment) or stopped.
 *
 * @example
 * (await stackStatus()).every((s) => s.healthy)
 */
export async function stackStatus(opts: StackOptions = {}): Promise<ComponentStatus[]> {
  const r = resolveOptions(opts);
  const state = readState(r.paths.stateFile);
  return Promise.all(
    r.components.map(async (component): Promise<ComponentStatus> => {
      const driver = DRIVERS[component];
      const external = r.external[component];
      const recorded = state.components[component];
      const address = external ?? recorded?.address ?? driver.address(portLayoutOf(r));
      const brokers = recorded?.brokers ?? 1;
      const check = async () => {
        try {
          return { healthy: true, detail: await driver.health(address, { brokers }) };
        } catch (error) {
          return { healthy: false, detail: error instanceof Error ? error.message : String(error) };
        }
      };
      if (external) return { component, mode: 'external', address, alivePids: [], ...(await check()) };
      if (recorded) {
        const alive = alivePids(recorded);
        if (alive.length > 0) {
          return {
            component,
            mode: 'embedded',
            address,
            alivePids: alive,
            state: recorded,
            ...(await check()),
          };
        }
      }
      const port = Number(address.split(',')[0]!.split(':').pop());
      const owner = portOwner(port);
      if (await isPortInUse(port)) {
        const health = await check();
        if (health.healthy) {
          return {
            component,
            mode: 'external',
            address,
            alivePids: [],
            healthy: true,
            detail: `not started by orion (${owner || 'unknown process'}): ${health.detail}`,
          };
        }
      }
      return {
        component,
        mode: 'stopped',
        address,
        alivePids: [],
        healthy: false,
        detail: owner ? `not started by orion, but port ${port} is used by ${owner}` : 'not running',
      };
    }),
  );
}

/**
 * Kafka bootstrap servers of the local stack: `KAFKA_BROKERS` when set, else every broker of the
 * running embedded cluster (so a client still connects when one of three brokers is down), else
 * the default broker.
 *
 * @example
 * createKafka({ brokers: localKafkaBrokers(), auth: 'none', clientId: 'orion-cli' })
 */
export function localKafkaBrokers(opts: StackOptions = {}): string[] {
  const endpoints = localEndpoints(opts.ignoreEnv ? {} : process.env);
  if (endpoints.external.kafka) return endpoints.kafkaBrokers;
  const recorded = readState(stackPaths(opts.home ?? DEFAULT_STACK_HOME).stateFile).components.kafka;
  return recorded ? recorded.address.split(',') : endpoints.kafkaBrokers;
}
