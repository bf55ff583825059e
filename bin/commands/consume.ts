/**
 * `orion consume <topic> -n 10`: prints records decoded — coordinates, key, headers, value — with
 * personal identifiers masked, like the seed's consumer script but without joining a consumer
 * group. Dead letters (ORION or AWS on-failure format) are also shown decoded.
 */
import type { Command } from 'commander';
import type { StageRecord } from '../../shared/kafka/types.ts';
import { createRedactor, redactString } from '../../shared/observability/redact.ts';
import type { PipelineDefinition } from '../../shared/pipeline/types.ts';
import { DEFAULT_PIPELINE } from '../../shared/pipelines.ts';
import { decodeDeadLetters } from '../../shared/replay/decode.ts';
import { previewOf, sampleOf } from '../../shared/replay/inspect.ts';
import { scanTopic } from '../../shared/replay/topic-scan.ts';
import { type PipelineCommandOptions, pipelineOf, withPipelineOption } from './pipeline-option.ts';
import { localReplayEnvironment } from './replay.ts';

interface ConsumeOptions extends PipelineCommandOptions {
  number: number;
  last?: boolean;
  partition?: number;
  json?: boolean;
  full?: boolean;
}

/** A printable, masked view of a record (dead letters decoded with the pipeline's stages). */
export function decodedRecord(r: StageRecord, full = false, pipeline?: PipelineDefinition) {
  const letters = decodeDeadLetters(r, pipeline);
  const max = full ? Number.POSITIVE_INFINITY : 300;
  return {
    at: `${r.topic}-${r.partition}@${r.offset}`,
    timestamp: new Date(r.timestamp).toISOString(),
    key: r.key === null ? null : redactString(r.key.toString('utf8')),
    headers: Object.fromEntries(
      Object.entries(r.headers).map(([k, v]) => [k, redactString(v.toString('utf8'))]),
    ),
    value: r.value === null ? null : prettyValue(r.value, max, pipeline),
    ...(letters.some((l) => l.format !== 'unknown') ? { deadLetters: letters.map(sampleOf) } : {}),
  };
}

/** A JSON value with the always-on masks and the pipeline's PII fields masked whole. */
function prettyValue(value: Buffer, max: number, pipeline?: PipelineDefinition): unknown {
  if (value[0] === 0x7b || value[0] === 0x5b) {
    try {
      const parsed: unknown = JSON.parse(value.toString('utf8'));
      return createRedactor({ piiKeys: pipeline?.piiKeys }).redact(parsed);
    } catch {
      // not JSON: fall through
    }
  }
  return previewOf(value, max);
}

/** Registers `orion consume`. */
export function registerConsumeCommands(program: Command): void {
  const examples = [
    DEFAULT_PIPELINE.topics[0]?.name,
    DEFAULT_PIPELINE.rejectTopic,
    ...DEFAULT_PIPELINE.deadLetterTopics,
  ];
  withPipelineOption(program.command('consume'))
    .argument('<topic>', `topic to read, e.g. ${examples.filter(Boolean).join(', ')}`)
    .description(
      'Print records of a topic decoded (key, headers, value), personal identifiers masked; joins no consumer group',
    )
    .option('-n, --number <n>', 'records to print', (v) => Number.parseInt(v, 10), 10)
    .option('--last', 'the last n records instead of the first n')
    .option('-p, --partition <p>', 'only this partition', (v) => Number.parseInt(v, 10))
    .option('--json', 'one JSON object per line')
    .option('--full', 'do not truncate values')
    .action(async (topic: string, options: ConsumeOptions) => {
      const pipeline = pipelineOf(options);
      if (!pipeline.topics.some((t) => t.name === topic)) {
        console.error(`note: ${topic} is not a topic of the ${pipeline.name} pipeline's catalog`);
      }
      const env = localReplayEnvironment();
      try {
        const admin = await env.connections.admin();
        const records: StageRecord[] = [];
        const partitions = options.partition === undefined ? undefined : [options.partition];
        await scanTopic(
          env.kafka,
          admin,
          topic,
          options.last
            ? { tail: options.number, ...(partitions ? { partitions } : {}) }
            : { limit: options.number, ...(partitions ? { partitions } : {}) },
          (batch) => records.push(...batch),
        );
        const shown = options.last
          ? records
              .sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || a.offset - b.offset)
              .slice(-options.number)
          : records;
        for (const r of shown) {
          const view = decodedRecord(r, options.full, pipeline);
          console.log(options.json ? JSON.stringify(view) : JSON.stringify(view, null, 2));
        }
        console.error(`${shown.length} record(s) from ${topic}`);
      } finally {
        await env.close();
      }
    });
}
