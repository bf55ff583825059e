/**
 * `orion dlq inspect`: what is in a pipeline's dead-letter (or reject) topic — counts by reason,
 * stage, source topic and hour, and a few sample records with personal identifiers masked.
 */
import type { Command } from 'commander';
import { decodeDeadLetters } from '../../shared/replay/decode.ts';
import { type DeadLetterStats, DeadLetterTally } from '../../shared/replay/inspect.ts';
import { scanTopic } from '../../shared/replay/topic-scan.ts';
import {
  deadLetterSourceOf,
  deadLetterTopicsHelp,
  type PipelineCommandOptions,
  pipelineOf,
  withPipelineOption,
} from './pipeline-option.ts';
import { localReplayEnvironment } from './replay.ts';

interface InspectOptions extends PipelineCommandOptions {
  topic?: string;
  samples: number;
  json?: boolean;
}

function table(title: string, counts: Record<string, number>, sortByKey = false): string[] {
  const rows = Object.entries(counts).sort(
    sortByKey ? (a, b) => a[0].localeCompare(b[0]) : (a, b) => b[1] - a[1],
  );
  if (rows.length === 0) return [];
  const width = Math.max(title.length, ...rows.map(([k]) => k.length));
  return [
    `${title.padEnd(width)}  COUNT`,
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${String(v).padStart(5)}`),
    '',
  ];
}

/** The human-readable inspection report. */
export function formatInspection(topic: string, partitions: number, s: DeadLetterStats): string {
  const lines = [
    `${topic}: ${s.records} records in ${partitions} partitions, holding ${s.letters} original records`,
    '',
    ...table('REASON', s.byReason),
    ...table('STAGE', s.byStage),
    ...table('SOURCE TOPIC', s.bySourceTopic),
    ...table('FORMAT', s.byFormat),
    ...table('HOUR (UTC)', s.byHour, true),
  ];
  if (s.samples.length > 0) {
    lines.push(`SAMPLES (personal data masked)`);
    for (const x of s.samples) {
      lines.push(
        `- ${x.at}  ${x.reason}  stage=${x.stage ?? '?'} from=${x.source ?? '?'} ` +
          `failedAt=${x.failedAt ?? '?'} replays=${x.replayCount}`,
      );
      if (x.message) lines.push(`    message: ${x.message}`);
      lines.push(`    key:     ${x.key ?? '(none)'}`, `    value:   ${x.value ?? '(none)'}`);
    }
  }
  return lines.join('\n').trimEnd();
}

/** Registers `orion dlq inspect`. */
export function registerDlqCommands(program: Command): void {
  const dlq = program.command('dlq').description('Dead-letter topics: what failed, where and why');
  withPipelineOption(dlq.command('inspect'))
    .description(
      'Count the records of a dead-letter topic by reason, stage, source topic and hour, with masked samples',
    )
    .option('--topic <topic>', deadLetterTopicsHelp())
    .option('--samples <n>', 'sample records to show', (v) => Number.parseInt(v, 10), 3)
    .option('--json', 'print the counts as JSON')
    .action(async (options: InspectOptions) => {
      const pipeline = pipelineOf(options);
      const topic = deadLetterSourceOf(pipeline, options.topic);
      const env = localReplayEnvironment();
      try {
        const admin = await env.connections.admin();
        const tally = new DeadLetterTally(options.samples);
        const { partitions } = await scanTopic(env.kafka, admin, topic, {}, (records) => {
          for (const r of records) tally.addRecord(r.timestamp, decodeDeadLetters(r, pipeline));
        });
        const stats = tally.stats();
        console.log(
          options.json
            ? JSON.stringify({ topic, ...stats }, null, 2)
            : formatInspection(topic, partitions, stats),
        );
      } finally {
        await env.close();
      }
    });
}
