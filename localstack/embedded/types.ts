/** Types of the embedded stack: its components, their recorded state and the options of `up`. */

/** The three components of the local stack. */
export type ComponentName = 'kafka' | 'cassandra' | 'dynamodb';

/** Every component, in the order they are printed. */
export const COMPONENTS: readonly ComponentName[] = ['kafka', 'cassandra', 'dynamodb'];

/** One JVM process the stack started (Kafka has one per broker). */
export interface ProcessState {
  /** e.g. `kafka-1`, `cassandra`. */
  readonly name: string;
  readonly pid: number;
  /** Ports the process listens on. */
  readonly ports: readonly number[];
  readonly logFile: string;
}

/** What the stack recorded about a component it started (in `<home>/state.json`). */
export interface ComponentState {
  readonly component: ComponentName;
  /** Artifact version from the component's Maven project, e.g. `3.9.1`. */
  readonly version: string;
  /** Client address, e.g. `127.0.0.1:9092,127.0.0.1:9094`. */
  readonly address: string;
  readonly processes: readonly ProcessState[];
  /** ISO time the processes were launched. */
  readonly startedAt: string;
  /** Launch → healthy, in milliseconds. */
  readonly coldStartMs: number;
  /** File holding the resolved Java classpath. */
  readonly classpathFile: string;
  /** Kafka only: number of brokers. */
  readonly brokers?: number;
}

/** The whole state file. */
export interface StackState {
  components: Partial<Record<ComponentName, ComponentState>>;
}

/** How `up` treated a component. */
export type ComponentOutcome = 'started' | 'reused' | 'external';

/** Health of one component as `status` reports it. */
export interface ComponentStatus {
  readonly component: ComponentName;
  /** `embedded`: started by this stack; `external`: from an environment variable; `stopped`: nothing runs. */
  readonly mode: 'embedded' | 'external' | 'stopped';
  readonly healthy: boolean;
  readonly address: string;
  /** What the health check saw (e.g. `3 brokers`, `release 5.0.6`) or why it failed. */
  readonly detail: string;
  readonly state?: ComponentState;
  /** Pids of the recorded processes that are still alive. */
  readonly alivePids: readonly number[];
}

/** One line of the `up` report. */
export interface ComponentReport {
  readonly component: ComponentName;
  readonly outcome: ComponentOutcome;
  readonly address: string;
  readonly version?: string;
  readonly pids: readonly number[];
  readonly startedAt?: string;
  readonly coldStartMs?: number;
}

/** Options of the stack API. Defaults give the one shared stack of the machine. */
export interface StackOptions {
  /** Stack home (data, logs, pids, state). Default `.orion/` at the repository root. */
  readonly home?: string;
  /** Kafka brokers (1 or 3). Default 1. */
  readonly brokers?: number;
  /** First Kafka broker port. Default 9092. */
  readonly kafkaPort?: number;
  /** Cassandra native protocol (CQL) port. Default 9042. */
  readonly cassandraPort?: number;
  /**
   * Cassandra internode (storage) port: a second node on the machine needs its own.
   * Default 7000.
   */
  readonly cassandraStoragePort?: number;
  /** DynamoDB Local HTTP port. Default 8000. */
  readonly dynamodbPort?: number;
  /** Components to manage. Default all three. */
  readonly components?: readonly ComponentName[];
  /** Ignore `KAFKA_BROKERS` & co. (to run a private cluster next to an external one). */
  readonly ignoreEnv?: boolean;
  /** How long to wait for a started component to become healthy (default: per component, 60–150 s). */
  readonly healthTimeoutMs?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}
