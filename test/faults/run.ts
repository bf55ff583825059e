/**
 * `npm run test:faults` (issue 14): the fault runs on a private stack (three brokers, RF 3 /
 * min ISR 2, a Cassandra, a DynamoDB Local under /tmp/orion-faults, ports 21092/21042/21800),
 * beside the shared stack and never touching it. Each scenario runs a generated load through the
 * main job, injects its fault, replays what was dead-lettered, drains, and checks with an
 * independent Cassandra scan and the reject / dead-letter topics read back that
 * generated = stored + rejected + (dead-lettered − replayed), with 0 duplicate rows and 0 lost.
 * Prints one row per scenario and writes everything to test/faults/results/faults-<timestamp>.json.
 *
 *   tsx test/faults/run.ts                          every scenario, full size
 *   tsx test/faults/run.ts --scenario soak --soak-minutes 10 --rate 2000
 *   tsx test/faults/run.ts --short                  the sizes of short.test.ts (part of npm test)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIO_HELP, SCENARIO_NAMES, type ScenarioName, scenarioSpec, soakSummary } from './scenarios.ts';
import { FAULT_PIPELINES } from './support/fault-pipeline.ts';
import { startFaultStack } from './support/private-stack.ts';
import { openFaultEnvironment, runScenario, type ScenarioResult } from './support/scenario.ts';
import { formatTable } from './support/table.ts';

const RESULTS_DIR = join(import.meta.dirname, 'results');

function usage(): string {
  return [
    'usage: tsx test/faults/run.ts [--scenario <names>] [--pipeline <names>] [--rate <n>] [--soak-minutes <n>] [--short]',
    '',
    '  --scenario       comma-separated, default all:',
    ...SCENARIO_NAMES.map((s) => `                     ${s.padEnd(15)} ${SCENARIO_HELP[s]}`),
    `  --pipeline       comma-separated, default cdr (known: ${Object.keys(FAULT_PIPELINES).join(', ')})`,
    '  --rate           full-speed rate, records/s; scenarios and the soak run at half (default 2000)',
    '  --soak-minutes   soak duration (default 10; with --short, 20 s)',
    '  --short          the sizes of test/faults/short.test.ts (a few thousand records, one kill)',
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      pipeline: { type: 'string', default: 'cdr' },
      rate: { type: 'string', default: '2000' },
      'soak-minutes': { type: 'string' },
      short: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage());
    return 0;
  }
  const scenarios = (values.scenario?.split(',').map((s) => s.trim()) ?? [
    ...SCENARIO_NAMES,
  ]) as ScenarioName[];
  for (const s of scenarios)
    if (!SCENARIO_NAMES.includes(s)) throw new Error(`unknown scenario "${s}"\n${usage()}`);
  const pipelines = values.pipeline.split(',').map((name) => {
    const p = FAULT_PIPELINES[name.trim()];
    if (!p)
      throw new Error(
        `no fault runs for pipeline "${name}" (known: ${Object.keys(FAULT_PIPELINES).join(', ')})`,
      );
    return p;
  });
  const rate = Number(values.rate);
  const soakMinutes = values['soak-minutes'] === undefined ? undefined : Number(values['soak-minutes']);
  if (!(rate > 0) || (soakMinutes !== undefined && !(soakMinutes > 0)))
    throw new Error(`--rate and --soak-minutes must be positive\n${usage()}`);
  const profile = values.short ? 'short' : 'full';

  const log = (line: string) => console.log(line);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  log('== private stack (3 brokers, Cassandra, DynamoDB Local) under /tmp/orion-faults');
  const stack = await startFaultStack(log);
  const startedAt = new Date();
  const results: ScenarioResult[] = [];
  let failed = 0;
  try {
    const env = await openFaultEnvironment(stack, log);
    try {
      for (const pipeline of pipelines) {
        for (const name of scenarios) {
          log(`\n==== ${pipeline.definition.name} / ${name}: ${SCENARIO_HELP[name]}`);
          const skipped = pipeline.skip?.[name];
          if (skipped !== undefined) {
            log(`   skipped for ${pipeline.definition.name}: ${skipped}`);
            continue;
          }
          const spec = scenarioSpec(name, pipeline, {
            profile,
            rate,
            ...(soakMinutes !== undefined ? { soakMs: soakMinutes * 60_000 } : {}),
          });
          try {
            const result = await runScenario(env, pipeline, spec);
            results.push(result);
            log(`\n${formatTable([result])}`);
            for (const note of result.notes) log(`   note: ${note}`);
            if (name === 'soak') log(JSON.stringify(soakSummary(result), null, 1));
            if (!result.exact) failed++;
          } catch (error) {
            failed++;
            log(
              `   ${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
            );
          }
        }
      }
    } finally {
      await env.close();
    }
  } finally {
    await stack.down();
  }
  log(`\n== fault runs (${profile}, rate ${rate}/s, scenarios at half)\n${formatTable(results)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `faults-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const json = results.map((r) =>
    r.scenario === 'soak'
      ? { ...r, soak: soakSummary(r) }
      : { ...r, timeline: r.timeline?.map((s) => ({ at: s.at, lag: s.lag })) },
  );
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt, profile, rate, soakMinutes, results: json }, null, 1)}\n`,
  );
  log(`   written to ${file}`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
