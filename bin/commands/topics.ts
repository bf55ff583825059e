/**
 * `orion topics apply|list`: a pipeline's topic catalog (its definition's `topics`) applied to,
 * and compared with, the cluster.
 */
import type { Command } from 'commander';
import type { Admin } from 'kafkajs';
import { localKafkaBrokers } from '../../localstack/embedded/stack.ts';
import { createKafka } from '../../shared/kafka/client.ts';
import { applyCatalog, type TopicApplyReport } from '../../shared/kafka/topic-apply.ts';
import { clusterBrokerCount } from '../../shared/kafka/topic-describe.ts';
import { inspectTopics, type TopicListing } from '../../shared/kafka/topic-inspect.ts';
import { resolveTopics } from '../../shared/pipeline/topics.ts';
import { type PipelineCommandOptions, pipelineOf, withPipelineOption } from './pipeline-option.ts';
import { formatTable } from './table.ts';

/** Runs `fn` with a connected admin client on the local (or `KAFKA_BROKERS`) cluster. */
export async function withLocalAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const kafkaBrokers = localKafkaBrokers();
  const admin = createKafka({ brokers: kafkaBrokers, auth: 'none', clientId: 'orion-cli' }).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `cannot reach Kafka at ${kafkaBrokers.join(',')} (${error instanceof Error ? error.message : error}). ` +
        'Start the stack with `npx orion stack up`, or set KAFKA_BROKERS.',
    );
  }
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The apply report, one line per change. */
export function formatApplyReport(report: TopicApplyReport, brokers: number): string {
  const lines = [`Cluster of ${brokers} broker(s).`];
  for (const t of report.created) lines.push(`created            ${t}`);
  for (const p of report.partitionsIncreased)
    lines.push(`partitions         ${p.topic}: ${p.from} → ${p.to}`);
  for (const a of report.configsChanged) {
    lines.push(
      `configs            ${a.topic}: ${a.changes.map((c) => `${c.name} ${c.from ?? '(unset)'} → ${c.to}`).join(', ')}`,
    );
  }
  for (const r of report.replicationDrift) {
    lines.push(
      `WARNING            ${r.topic}: replication factor ${r.current}, catalog ${r.desired} (not changed by apply)`,
    );
  }
  const changes = report.created.length + report.partitionsIncreased.length + report.configsChanged.length;
  lines.push(
    changes === 0
      ? `Nothing to change: ${report.unchanged.length} topic(s) match the catalog.`
      : `${changes} change(s); ${report.unchanged.length} topic(s) unchanged.`,
  );
  return lines.join('\n');
}

/** The `topics list` table. */
export function formatTopicListing(topics: readonly TopicListing[]): string {
  const rows = [
    ['TOPIC', 'PARTITIONS', 'RF', 'RETENTION.MS', 'CLEANUP', 'COMPRESSION', 'MIN.ISR', 'CATALOG'],
    ...topics.map((t) => [
      t.name,
      String(t.partitions ?? '-'),
      String(t.replicationFactor ?? '-'),
      t.configs['retention.ms'] ?? '-',
      t.configs['cleanup.policy'] ?? '-',
      t.configs['compression.type'] ?? '-',
      t.configs['min.insync.replicas'] ?? '-',
      !t.inCatalog ? 'not in catalog' : t.drift.length === 0 ? 'ok' : `DRIFT: ${t.drift.join('; ')}`,
    ]),
  ];
  return formatTable(rows);
}

/** Registers `orion topics …`. */
export function registerTopicsCommands(program: Command): void {
  const topics = program
    .command('topics')
    .description("Topics as code: the catalog of a pipeline's definition");

  withPipelineOption(topics.command('apply'))
    .description(
      'Create missing topics, add partitions, fix configs; refuses partition decreases, never deletes',
    )
    .action(async (opts: PipelineCommandOptions) => {
      const pipeline = pipelineOf(opts);
      await withLocalAdmin(async (admin) => {
        const report = await applyCatalog(admin, pipeline.topics);
        console.log(formatApplyReport(report, report.brokerCount));
      });
    });

  withPipelineOption(topics.command('list'))
    .description('Every topic with partitions, replication factor and configs; drift from the catalog marked')
    .action(async (opts: PipelineCommandOptions) => {
      const pipeline = pipelineOf(opts);
      await withLocalAdmin(async (admin) => {
        const brokers = await clusterBrokerCount(admin);
        const listing = await inspectTopics(admin, resolveTopics(brokers, pipeline.topics));
        console.log(`Cluster of ${brokers} broker(s).\n${formatTopicListing(listing)}`);
        if (listing.some((t) => t.inCatalog && t.drift.length > 0)) process.exitCode = 4;
      });
    });
}
