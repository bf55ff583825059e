/** `orion reference load`: loads the repository's reference data into the DynamoDB reference tables. */
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { referenceDataConfigFromEnv } from '../../shared/cdr/reference-data/dynamo-reference-data.ts';
import { DEFAULT_REFERENCE_DATA_DIR, readReferenceFiles } from '../../shared/cdr/reference-data/files.ts';
import { loadReferenceData } from '../../shared/cdr/reference-data/reference-loader.ts';
import { ensureReferenceTables } from '../../shared/cdr/reference-data/reference-table-setup.ts';
import { createDynamoDbDocumentClient } from '../../shared/storage/dynamodb/client.ts';

interface LoadOptions {
  dir: string;
  prefix?: string;
  aws?: boolean;
}

/** Registers `orion reference load`. */
export function registerReferenceCommands(program: Command): void {
  const reference = program.command('reference').description('DynamoDB reference data (cells, subscribers)');
  reference
    .command('load')
    .description(
      'Load the reference-data files into DynamoDB (DYNAMODB_ENDPOINT, default the local stack); creates the tables locally if missing',
    )
    .option('--dir <dir>', 'directory holding cells.json and subscribers.json', DEFAULT_REFERENCE_DATA_DIR)
    .option('--prefix <prefix>', 'table name prefix (default REFERENCE_TABLE_PREFIX or "orion-")')
    .option(
      '--aws',
      'write to real DynamoDB (AWS credentials and Region from the environment); never creates tables',
    )
    .action(async (options: LoadOptions) => {
      const env = { ...process.env };
      if (!options.aws) env.DYNAMODB_ENDPOINT = localEndpoints(process.env).dynamodbEndpoint;
      else delete env.DYNAMODB_ENDPOINT;
      if (options.prefix !== undefined) env.REFERENCE_TABLE_PREFIX = options.prefix;
      const config = referenceDataConfigFromEnv(env);
      const doc = createDynamoDbDocumentClient(config);
      try {
        const data = readReferenceFiles(options.dir);
        if (Object.keys(data).length === 0)
          throw new Error(`no cells.json or subscribers.json in ${options.dir}`);
        const started = performance.now();
        const created = options.aws ? [] : await ensureReferenceTables(doc, config.tablePrefix);
        const reports = await loadReferenceData(doc, data, { prefix: config.tablePrefix });
        const total = Math.round(performance.now() - started);
        const where = config.endpoint ?? `DynamoDB ${config.region}`;
        console.log(`reference data → ${where}${created.length ? ` (created ${created.join(', ')})` : ''}`);
        for (const r of reports) {
          const rate = r.ms > 0 ? Math.round((r.items * 1000) / r.ms) : r.items;
          const dup = r.duplicates ? `, ${r.duplicates} duplicate keys ignored` : '';
          console.log(
            `  ${r.table.padEnd(28)} ${String(r.items).padStart(7)} items in ${r.ms} ms (${rate}/s, ${r.calls} calls, ${r.retries} retries${dup})`,
          );
        }
        console.log(`done in ${total} ms`);
      } finally {
        doc.destroy();
      }
    });
}
