/**
 * The `orion` command line. Each command group lives in its own module under `bin/commands/`
 * and registers itself on the program; this file only assembles them.
 */
import { Command } from 'commander';
import { registerConsumeCommands } from './commands/consume.ts';
import { registerDlqCommands } from './commands/dlq.ts';
import { registerGenerateCommand } from './commands/generate.ts';
import { registerLagCommand } from './commands/lag.ts';
import { registerLoadCommand } from './commands/load.ts';
import { localRunOfCommandLine } from './commands/local-run-options.ts';
import { registerReferenceCommands } from './commands/reference.ts';
import { registerReplayCommands } from './commands/replay.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerStackCommands } from './commands/stack.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerStorageCommands } from './commands/storage.ts';
import { registerTopicsCommands } from './commands/topics.ts';

const program = new Command()
  .name('orion')
  .description('ORION: real-time Kafka pipelines on AWS Lambda + MSK, and their local embedded stack')
  .showHelpAfterError();

// `start` and `generate` take the options of the named pipeline's local-run module.
const localRun = await localRunOfCommandLine(process.argv.slice(2));

registerStackCommands(program);
registerStorageCommands(program);
registerReferenceCommands(program);
registerTopicsCommands(program);
registerStartCommand(program, localRun);
registerRunCommand(program);
registerLagCommand(program);
registerGenerateCommand(program, localRun);
registerLoadCommand(program);
registerDlqCommands(program);
registerReplayCommands(program);
registerConsumeCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Errors meant for the user carry their own fix; print them without a stack trace.
  console.error(`orion: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
