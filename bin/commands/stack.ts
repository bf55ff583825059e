/** `orion stack up|down|status|logs|resolve`: the embedded local stack (Kafka, Cassandra, DynamoDB Local). */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { latestColdStarts } from '../../localstack/embedded/cold-starts.ts';
import { resolveClasspath } from '../../localstack/embedded/maven.ts';
import { DEFAULT_STACK_HOME, stackPaths } from '../../localstack/embedded/paths.ts';
import { checkJava, checkMaven } from '../../localstack/embedded/prerequisites.ts';
import { tailFile } from '../../localstack/embedded/process.ts';
import { stackDown, stackStatus, stackUp } from '../../localstack/embedded/stack.ts';
import { readState } from '../../localstack/embedded/state.ts';
import {
  COMPONENTS,
  type ComponentName,
  type ComponentReport,
  type ComponentStatus,
} from '../../localstack/embedded/types.ts';
import { formatTable } from './table.ts';

const seconds = (ms: number | undefined) =>
  ms === undefined || ms < 0 ? '-' : `${(ms / 1000).toFixed(1)} s`;

/** The `up` report: one line per component with version, address, pid, start time and cold start. */
export function formatUpReport(reports: readonly ComponentReport[]): string {
  return formatTable([
    ['COMPONENT', 'OUTCOME', 'VERSION', 'ADDRESS', 'PID', 'STARTED AT', 'COLD START'],
    ...reports.map((r) => [
      r.component,
      r.outcome,
      r.version ?? '-',
      r.address,
      r.pids.join(',') || '-',
      r.startedAt ?? '-',
      seconds(r.coldStartMs),
    ]),
  ]);
}

/** The `status` table. */
export function formatStatus(statuses: readonly ComponentStatus[]): string {
  return formatTable([
    ['COMPONENT', 'MODE', 'HEALTH', 'VERSION', 'ADDRESS', 'PID', 'STARTED AT', 'COLD START', 'DETAIL'],
    ...statuses.map((s) => [
      s.component,
      s.mode,
      s.healthy ? 'healthy' : 'DOWN',
      s.state?.version ?? '-',
      s.address,
      s.alivePids.join(',') || '-',
      s.state?.startedAt ?? '-',
      seconds(s.state?.coldStartMs),
      s.detail.split('\n')[0]!.slice(0, 80),
    ]),
  ]);
}

function logFilesOf(component: string | undefined): string[] {
  const paths = stackPaths(DEFAULT_STACK_HOME);
  const state = readState(paths.stateFile);
  const names = component ? [component] : COMPONENTS;
  const files = names.flatMap((name) => {
    const recorded = state.components[name as ComponentName];
    if (recorded) return recorded.processes.map((p) => p.logFile);
    return [paths.logFile(name)];
  });
  return files.filter((f) => existsSync(f));
}

/** Registers `orion stack …`. */
export function registerStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('Manage the embedded local stack (Kafka, Cassandra, DynamoDB Local) — no Docker needed');

  stack
    .command('up')
    .description(
      'Start Kafka, Cassandra and DynamoDB Local (reusing what already runs) and wait until healthy',
    )
    .option('--brokers <n>', 'Kafka brokers (3 gives RF 3 / min ISR 2)', (v) => Number.parseInt(v, 10), 1)
    .option('--kafka-port <port>', 'first Kafka broker port (with ORION_HOME, for a second cluster)', (v) =>
      Number.parseInt(v, 10),
    )
    .action(async (opts: { brokers: number; kafkaPort?: number }) => {
      const started = Date.now();
      const reports = await stackUp({
        brokers: opts.brokers,
        kafkaPort: opts.kafkaPort,
        log: (line) => console.log(line),
      });
      console.log(`\n${formatUpReport(reports)}`);
      const fresh = reports.filter((r) => r.outcome === 'started');
      console.log(
        fresh.length > 0
          ? `\nStack up in ${seconds(Date.now() - started)} (started: ${fresh.map((r) => r.component).join(', ')}).`
          : '\nEverything was already running; nothing changed.',
      );
    });

  stack
    .command('down')
    .description('Stop the processes the stack started (and only those)')
    .action(async () => {
      const stopped = await stackDown();
      if (stopped.length === 0) console.log('Nothing to stop: the stack started no process that still runs.');
      for (const s of stopped) console.log(`${s.component}: stopped pid ${s.pids.join(',')}`);
    });

  stack
    .command('status')
    .description('Health of each component (a metadata request, a CQL query, a ListTables call)')
    .action(async () => {
      const statuses = await stackStatus();
      console.log(formatStatus(statuses));
      if (statuses.some((s) => !s.healthy)) process.exitCode = 3;
    });

  stack
    .command('logs')
    .description('Show the logs of a component (kafka, kafka-2, cassandra, dynamodb), or of all')
    .argument('[component]', 'component or process name')
    .option('-f, --follow', 'keep printing new lines')
    .option('-n, --lines <n>', 'lines per file', (v) => Number.parseInt(v, 10), 50)
    .action(async (component: string | undefined, opts: { follow?: boolean; lines: number }) => {
      const files = logFilesOf(component);
      if (files.length === 0) {
        console.log(`No logs yet under ${stackPaths(DEFAULT_STACK_HOME).logDir}.`);
        return;
      }
      if (opts.follow) {
        const tail = spawn('tail', ['-n', String(opts.lines), '-F', ...files], { stdio: 'inherit' });
        await new Promise((resolve) => tail.on('close', resolve));
        return;
      }
      for (const file of files) console.log(`==> ${file} <==\n${tailFile(file, opts.lines)}\n`);
    });

  stack
    .command('resolve')
    .description(
      'Resolve the Kafka, Cassandra and DynamoDB Local artifacts from Maven Central into the Maven cache',
    )
    .action(async () => {
      const java = checkJava();
      const maven = checkMaven();
      console.log(`Java ${java.version} (${java.executable}), Maven ${maven}`);
      for (const component of COMPONENTS) {
        const r = await resolveClasspath(component);
        console.log(
          `${component} ${r.version}: ${r.jars.length} jars${r.natives.length ? `, ${r.natives.length} native libs` : ''} ` +
            `${r.resolvedNow ? `resolved in ${seconds(r.ms)}` : 'already resolved'} → ${r.classpathFile}`,
        );
      }
      const measured = latestColdStarts();
      console.log(
        measured.size === 0
          ? 'Cold start: not measured on this machine yet (run `npx orion stack up`).'
          : `Cold start measured on this machine (launch → healthy; targets: stack < 60 s, Kafka < 15 s):\n${[
              ...measured.entries(),
            ]
              .map(([what, c]) => `  ${what.padEnd(24)} ${seconds(c.ms)}  (${c.at})`)
              .join('\n')}`,
      );
    });
}
