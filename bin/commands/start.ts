/**
 * `orion start` (what `npm start` runs): until the local pipeline exists, brings the embedded stack
 * up, applies the topic catalog and prints the status.
 */
import type { Command } from 'commander';
import { stackStatus, stackUp } from '../../localstack/embedded/stack.ts';
import { applyTopics } from '../../shared/kafka/topic-apply.ts';
import { clusterBrokerCount } from '../../shared/kafka/topic-describe.ts';
import { resolveTopics } from '../../shared/pipeline/index.ts';
import { formatStatus, formatUpReport } from './stack.ts';
import { formatApplyReport, withLocalAdmin } from './topics.ts';

/** Registers `orion start`. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Start ORION locally: stack up, topics apply, status')
    .option('--brokers <n>', 'Kafka brokers (3 gives RF 3 / min ISR 2)', (v) => Number.parseInt(v, 10), 1)
    .action(async (opts: { brokers: number }) => {
      console.log('== stack up');
      const reports = await stackUp({ brokers: opts.brokers, log: (line) => console.log(line) });
      console.log(formatUpReport(reports));
      console.log('\n== topics apply');
      await withLocalAdmin(async (admin) => {
        const brokers = await clusterBrokerCount(admin);
        console.log(formatApplyReport(await applyTopics(admin, resolveTopics(brokers)), brokers));
      });
      console.log('\n== stack status');
      const statuses = await stackStatus();
      console.log(formatStatus(statuses));
      if (statuses.some((s) => !s.healthy)) process.exitCode = 3;
    });
}
