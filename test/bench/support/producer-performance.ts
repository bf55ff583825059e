/**
 * The broker's ceiling, measured by Kafka's own producer benchmark
 * (`org.apache.kafka.tools.ProducerPerformance`, from the `kafka-tools` jar the embedded stack
 * resolves from Maven Central), and the parse of its summary line.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolveClasspath } from '../../../localstack/embedded/maven.ts';

/**
 * Runs the JVM under bash, which prints the CPU time of its children on stderr once it ends
 * (`times`); the exit code is Java's. A TERM/INT/HUP to bash (this process exiting, a Ctrl-C to
 * the terminal's process group) stops the JVM too.
 */
const TIMED_JAVA = `
trap 'kill -TERM "$j" 2>/dev/null; wait "$j"; exit 143' TERM INT HUP
"$@" & j=$!
wait "$j"; rc=$?
times 1>&2
exit $rc
`;

/** Runs `args` under {@link TIMED_JAVA}; the shell is stopped if this process exits first. */
function runTimed(args: readonly string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'bash',
      ['-c', TIMED_JAVA, 'producer-performance', ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        process.off('exit', stop);
        if (error) reject(Object.assign(error, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
    const stop = () => child.kill('SIGTERM');
    process.on('exit', stop);
  });
}

/**
 * Producer settings of the ceiling runs: what ORION's producer promises (idempotent, acks=all,
 * snappy) with the Java client's own batching (16 KB batches) and a short linger.
 */
export const CEILING_PRODUCER_PROPS: Readonly<Record<string, string | number | boolean>> = {
  acks: 'all',
  'compression.type': 'snappy',
  'enable.idempotence': true,
  'linger.ms': 5,
};

/** What to send: fixed-size records of random letters, or payloads picked at random from a file. */
export type ProducerPerformancePayload =
  | { readonly recordSize: number }
  | {
      /** UTF-8 text, one payload per line (ProducerPerformance picks one at random per record). */
      readonly payloadFile: string;
    };

/** Options of {@link runProducerPerformance}. */
export interface ProducerPerformanceOptions {
  readonly brokers: readonly string[];
  /** An existing topic (ProducerPerformance does not create it). */
  readonly topic: string;
  readonly records: number;
  readonly payload: ProducerPerformancePayload;
  /** Producer properties besides `bootstrap.servers`. @default CEILING_PRODUCER_PROPS */
  readonly producerProps?: Readonly<Record<string, string | number | boolean>>;
  /** JVM heap. @default '512m' */
  readonly heap?: string;
  /** Kill the run after this long. @default 900_000 */
  readonly timeoutMs?: number;
}

/** The summary of one ProducerPerformance run. */
export interface ProducerPerformanceResult {
  /** The tool's own summary line. */
  readonly line: string;
  readonly records: number;
  readonly recordsPerSecond: number;
  /** MiB of payload per second (the tool divides by 1024 × 1024). */
  readonly mbPerSecond: number;
  /** Per record, send → acknowledgement. */
  readonly avgLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** User + system CPU seconds of the tool's JVM, its start included; NaN when unknown. */
  readonly cpuSeconds: number;
}

/**
 * Parses the final summary line of ProducerPerformance (the one with the percentiles); throws
 * when `stdout` has none (the tool failed before finishing).
 *
 * @example
 * parseProducerPerformanceSummary('1000 records sent, 5000.0 records/sec (1.43 MB/sec), 2.50 ms avg latency, 40.00 ms max latency, 2 ms 50th, 8 ms 95th, 30 ms 99th, 40 ms 99.9th.').p99Ms // 30
 */
export function parseProducerPerformanceSummary(
  stdout: string,
): Omit<ProducerPerformanceResult, 'cpuSeconds'> {
  const line = stdout
    .trim()
    .split('\n')
    .filter((l) => l.includes('99.9th'))
    .pop();
  if (line === undefined)
    throw new Error(`ProducerPerformance printed no summary line; its output ends with:\n${tail(stdout)}`);
  const num = (re: RegExp) => Number(re.exec(line)?.[1] ?? Number.NaN);
  return {
    line: line.trim(),
    records: num(/^(\d+) records sent/),
    recordsPerSecond: num(/([\d.]+) records\/sec/),
    mbPerSecond: num(/\(([\d.]+) MB\/sec\)/),
    avgLatencyMs: num(/([\d.]+) ms avg latency/),
    maxLatencyMs: num(/([\d.]+) ms max latency/),
    p50Ms: num(/(\d+) ms 50th/),
    p95Ms: num(/(\d+) ms 95th/),
    p99Ms: num(/(\d+) ms 99th/),
    p999Ms: num(/(\d+) ms 99\.9th/),
  };
}

function tail(text: string, lines = 20): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/** The children's line of bash's `times` (`0m5.120s 0m0.730s`), as seconds. */
function childCpuSeconds(stderr: string): number {
  const lines = stderr.trim().split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1]?.trim() ?? '');
  if (!m) return Number.NaN;
  return Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
}

/**
 * Runs ProducerPerformance to completion (no throttling) and returns its summary plus the CPU
 * time of its JVM (bash's `times` after the run). Throws with the tool's output when it fails.
 *
 * @example
 * const ceiling = await runProducerPerformance({ brokers, topic, records: 1_000_000, payload: { recordSize: 300 } });
 * ceiling.recordsPerSecond // 123456.7
 */
export async function runProducerPerformance(
  options: ProducerPerformanceOptions,
): Promise<ProducerPerformanceResult> {
  const { classpathFile } = await resolveClasspath('kafka');
  const props = { ...(options.producerProps ?? CEILING_PRODUCER_PROPS) };
  const payload =
    'recordSize' in options.payload
      ? ['--record-size', String(options.payload.recordSize)]
      : ['--payload-file', options.payload.payloadFile];
  const java = [
    'java',
    `-Xmx${options.heap ?? '512m'}`,
    '-cp',
    readFileSync(classpathFile, 'utf8').trim(),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    ...payload,
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${options.brokers.join(',')}`,
    ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
  ];
  try {
    const { stdout, stderr } = await runTimed(java, options.timeoutMs ?? 900_000);
    return { ...parseProducerPerformanceSummary(stdout), cpuSeconds: childCpuSeconds(stderr) };
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    if (e.stdout === undefined) throw error;
    throw new Error(
      `ProducerPerformance on ${options.topic} failed (${e.message.split('\n')[0]}):\n${tail(`${e.stdout}\n${e.stderr ?? ''}`)}`,
    );
  }
}
