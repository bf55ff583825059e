import type { Command } from 'commander';

/** Registers `orion stack up|down|status|logs` (placeholder until the embedded stack lands). */
export function registerStackCommands(program: Command): void {
  program.command('stack').description('Manage the embedded local stack (Kafka, Cassandra, DynamoDB Local)');
}
