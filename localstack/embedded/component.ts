/** The contract each embedded component (Kafka, Cassandra, DynamoDB Local) implements. */
import type { ResolvedClasspath } from './maven.ts';
import type { StackPaths } from './paths.ts';
import type { ComponentName, ProcessState } from './types.ts';

/** Everything a component needs to configure and launch its processes. */
export interface LaunchContext {
  readonly paths: StackPaths;
  readonly java: string;
  readonly classpath: ResolvedClasspath;
  /** Kafka brokers. */
  readonly brokers: number;
  /** First Kafka broker port. */
  readonly kafkaPort: number;
  /** Cassandra native protocol (CQL) port. */
  readonly cassandraPort: number;
  /** Cassandra internode (storage) port. */
  readonly cassandraStoragePort: number;
  /** DynamoDB Local HTTP port. */
  readonly dynamodbPort: number;
}

/** What decides a component's processes and address: broker count and ports. */
export type PortLayout = Pick<
  LaunchContext,
  'brokers' | 'kafkaPort' | 'cassandraPort' | 'cassandraStoragePort' | 'dynamodbPort'
>;

/** A process the component runs, before it is launched. */
export interface PlannedProcess {
  readonly name: string;
  readonly ports: readonly number[];
}

/** One embedded component. */
export interface ComponentDriver {
  readonly name: ComponentName;
  /** Environment variable that replaces this component by an external endpoint. */
  readonly envVar: string;
  /** How long `up` waits for health after launch. */
  readonly healthTimeoutMs: number;
  /** Processes (and their ports) the component runs for this context. */
  processes(ctx: PortLayout): PlannedProcess[];
  /** Client address, e.g. `127.0.0.1:9042`. */
  address(ctx: PortLayout): string;
  /** Writes configs, prepares data folders and launches the named processes (all when omitted). */
  launch(ctx: LaunchContext, only?: readonly string[]): Promise<ProcessState[]>;
  /** Real health check against `address`; resolves with what it saw. */
  health(address: string, ctx: Pick<LaunchContext, 'brokers'>): Promise<string>;
}
