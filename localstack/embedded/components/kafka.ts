/**
 * Apache Kafka in KRaft combined mode: each node is broker and controller. One node by default,
 * three for replication tests (RF 3, min ISR 2 come from the topic catalog).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentDriver, LaunchContext } from '../component.ts';
import { ENDPOINT_ENV, kafkaBrokerPort, kafkaControllerPort, LOCAL_HOST } from '../endpoints.ts';
import { StackError } from '../errors.ts';
import { kafkaHealth } from '../health.ts';
import { baseJvmOptions } from '../jvm.ts';
import { launchDetached } from '../process.ts';
import type { ProcessState } from '../types.ts';

/** Heap per broker: three brokers + Cassandra + DynamoDB Local fit a 2-core / 24 GiB machine. */
const BROKER_HEAP = '512m';

/** Name of Kafka node `index` (0-based). */
export function kafkaNodeName(index: number): string {
  return `kafka-${index + 1}`;
}

/**
 * `server.properties` of one node, tuned for a fast local start.
 *
 * @example
 * kafkaServerProperties({ index: 0, brokers: 1, basePort: 9092, logDir: '/tmp/k' }).includes('node.id=1') // true
 */
export function kafkaServerProperties(opts: {
  index: number;
  brokers: number;
  basePort: number;
  logDir: string;
}): string {
  const { index, brokers, basePort, logDir } = opts;
  const voters = Array.from(
    { length: brokers },
    (_, i) => `${i + 1}@${LOCAL_HOST}:${kafkaControllerPort(i, basePort)}`,
  ).join(',');
  const port = kafkaBrokerPort(index, basePort);
  const minIsr = Math.max(1, Math.min(2, brokers - 1));
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': index + 1,
    'controller.quorum.voters': voters,
    listeners: `PLAINTEXT://${LOCAL_HOST}:${port},CONTROLLER://${LOCAL_HOST}:${kafkaControllerPort(index, basePort)}`,
    'advertised.listeners': `PLAINTEXT://${LOCAL_HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    // Topics come from the catalog (`orion topics apply`), never from a typo in a producer.
    'auto.create.topics.enable': false,
    'num.partitions': 1,
    'default.replication.factor': brokers,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': brokers,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': brokers,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 10,
    // Consumer groups start at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'log.segment.bytes': 64 * 1024 * 1024,
    'log.retention.check.interval.ms': 60_000,
    // Two cores shared by several JVMs and the tests: a broker that misses heartbeats for the
    // default 9 s is fenced and drops out of the metadata. 30 s rides out GC and CPU stalls.
    'broker.session.timeout.ms': 30_000,
    'controlled.shutdown.enable': true,
    'unclean.leader.election.enable': false,
    'delete.topic.enable': true,
  };
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.kafka.log.LogManager=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.kafka.cluster.Partition=WARN
log4j.logger.kafka.log.UnifiedLog=WARN
`;

/**
 * A KRaft cluster id: 16 random bytes, base64url. Never one starting with '-', as Kafka's own
 * `Uuid.randomUuid` does: `kafka-storage format -t -…` reads it as an option ("argument
 * --cluster-id/-t: expected one argument"), which failed one stack start in 64.
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function clusterDir(ctx: LaunchContext): string {
  return ctx.paths.dataDir(
    join('kafka', `${ctx.brokers}-broker${ctx.brokers > 1 ? 's' : ''}-${ctx.kafkaPort}`),
  );
}

function formatStorage(
  ctx: LaunchContext,
  propsFile: string,
  logDir: string,
  clusterId: string,
): Promise<void> {
  if (existsSync(join(logDir, 'meta.properties'))) return Promise.resolve();
  return new Promise((resolve, reject) =>
    execFile(
      ctx.java,
      [
        '-Xmx256m',
        `-Dlog4j.configuration=file:${join(ctx.paths.confDir('kafka'), 'log4j.properties')}`,
        '-cp',
        readFileSync(ctx.classpath.classpathFile, 'utf8'),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        propsFile,
        '--ignore-formatted',
      ],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const tail = `${stdout}${stderr}`.trim().split('\n').slice(-30).join('\n');
        reject(new StackError('PROCESS_EXITED', `Kafka storage format failed for ${logDir}:\n${tail}`));
      },
    ),
  );
}

/** The Kafka driver. */
export const kafkaDriver: ComponentDriver = {
  name: 'kafka',
  envVar: ENDPOINT_ENV.kafka,
  healthTimeoutMs: 90_000,
  processes: ({ brokers, kafkaPort }) =>
    Array.from({ length: brokers }, (_, i) => ({
      name: kafkaNodeName(i),
      ports: [kafkaBrokerPort(i, kafkaPort), kafkaControllerPort(i, kafkaPort)],
    })),
  address: ({ brokers, kafkaPort }) =>
    Array.from({ length: brokers }, (_, i) => `${LOCAL_HOST}:${kafkaBrokerPort(i, kafkaPort)}`).join(','),

  async launch(ctx, only) {
    const confDir = ctx.paths.confDir('kafka');
    mkdirSync(confDir, { recursive: true });
    writeFileSync(join(confDir, 'log4j.properties'), LOG4J);
    const cluster = clusterDir(ctx);
    mkdirSync(cluster, { recursive: true });
    const idFile = join(cluster, 'cluster.id');
    if (!existsSync(idFile)) writeFileSync(idFile, newClusterId());
    const clusterId = readFileSync(idFile, 'utf8').trim();
    const classpath = readFileSync(ctx.classpath.classpathFile, 'utf8');

    const nodes = this.processes(ctx).filter((p) => !only || only.includes(p.name));
    // Format all nodes first (sequential, short), then launch them together.
    const prepared = nodes.map((node) => {
      const index = Number(node.name.split('-')[1]) - 1;
      const logDir = join(cluster, node.name);
      const propsFile = join(cluster, `${node.name}.properties`);
      writeFileSync(
        propsFile,
        kafkaServerProperties({ index, brokers: ctx.brokers, basePort: ctx.kafkaPort, logDir }),
      );
      return { node, logDir, propsFile };
    });
    await Promise.all(
      prepared.map(({ propsFile, logDir }) => formatStorage(ctx, propsFile, logDir, clusterId)),
    );
    return prepared.map(({ node, propsFile }): ProcessState => {
      const logFile = ctx.paths.logFile(node.name);
      const pid = launchDetached({
        name: node.name,
        executable: ctx.java,
        args: [
          ...baseJvmOptions(node.name, BROKER_HEAP),
          `-Dlog4j.configuration=file:${join(confDir, 'log4j.properties')}`,
          `-Dkafka.logs.dir=${ctx.paths.logDir}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          propsFile,
        ],
        cwd: cluster,
        logFile,
        pidFile: ctx.paths.pidFile(node.name),
      });
      return { name: node.name, pid, ports: node.ports, logFile };
    });
  },

  health: (address, { brokers }) => kafkaHealth(address.split(','), brokers),
};
