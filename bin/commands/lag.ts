/**
 * `orion lag`: per stage of a pipeline and partition, committed offset, end offset, lag and age of
 * the oldest unprocessed record.
 */
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { type PartitionLag, readLag } from '../../localstack/esm/lag.ts';
import { createKafka } from '../../shared/kafka/client.ts';
import { type PipelineCommandOptions, pipelineOf, withPipelineOption } from './pipeline-option.ts';
import { parseStages } from './run.ts';
import { formatTable } from './table.ts';

/** Formats an age in ms as `1.2 s`, `3 min`, `2.5 h`. */
export function formatAge(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** The lag table (one row per partition, then a total per stage). */
export function formatLag(rows: readonly PartitionLag[], allPartitions: boolean): string {
  const header = ['STAGE', 'TOPIC', 'PARTITION', 'COMMITTED', 'END', 'LAG', 'OLDEST UNPROCESSED'];
  const shown = allPartitions ? rows : rows.filter((r) => r.lag > 0);
  const body = shown.map((r) => [
    r.stage,
    r.topic,
    String(r.partition),
    r.committed === null ? '-' : String(r.committed),
    String(r.end),
    String(r.lag),
    formatAge(r.oldestUnprocessedAgeMs),
  ]);
  const perStage = new Map<string, { lag: number; age: number | null }>();
  for (const r of rows) {
    const s = perStage.get(r.stage) ?? { lag: 0, age: null };
    s.lag += r.lag;
    if (r.oldestUnprocessedAgeMs !== null) s.age = Math.max(s.age ?? 0, r.oldestUnprocessedAgeMs);
    perStage.set(r.stage, s);
  }
  const totals = [...perStage].map(([stage, s]) => [
    stage,
    '(all)',
    '',
    '',
    '',
    String(s.lag),
    formatAge(s.age),
  ]);
  return formatTable([header, ...body, ...totals]);
}

/** Registers `orion lag`. */
export function registerLagCommand(program: Command): void {
  withPipelineOption(program.command('lag'))
    .description(
      'Consumer lag of every event source mapping: committed, end, lag, age of the oldest unprocessed record',
    )
    .option('--stages <list>', 'comma-separated stages (default all)')
    .option('--all', 'show partitions without lag too')
    .option('--json', 'print JSON')
    .action(async (opts: PipelineCommandOptions & { stages?: string; all?: boolean; json?: boolean }) => {
      const stages = parseStages(pipelineOf(opts), opts.stages);
      const brokers = localEndpoints().kafkaBrokers;
      const kafka = createKafka({ brokers, auth: 'none', clientId: 'orion-lag' });
      const admin = kafka.admin();
      try {
        await admin.connect();
      } catch (error) {
        throw new Error(
          `cannot reach Kafka at ${brokers.join(',')} (${error instanceof Error ? error.message : error}). ` +
            'Start the stack with `npx orion stack up`, or set KAFKA_BROKERS.',
        );
      }
      try {
        const rows = await readLag(kafka, admin, stages);
        console.log(opts.json ? JSON.stringify(rows, null, 2) : formatLag(rows, opts.all ?? false));
      } finally {
        await admin.disconnect();
      }
    });
}
