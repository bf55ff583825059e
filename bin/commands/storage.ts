/**
 * `orion storage init|count|query`: the local hot storage (Cassandra). Amazon Keyspaces gets its
 * keyspace and tables from the CDK stack, from the same `schema.cql`.
 */
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { maskImsi, maskMsisdn } from '../../shared/cdr/mask.ts';
import { CdrRepository } from '../../shared/cdr/storage/cdr-repository.ts';
import type { CdrRow } from '../../shared/cdr/storage/cdr-row.ts';
import { applyCdrSchema, CDR_SCHEMA_PATH, CDR_TABLE } from '../../shared/cdr/storage/cdr-schema.ts';
import { createCassandraClient } from '../../shared/storage/cassandra/client.ts';
import { type CassandraConfig, cassandraConfigFromEnv } from '../../shared/storage/cassandra/config.ts';
import { dropKeyspace } from '../../shared/storage/cassandra/schema-apply.ts';

/** Local config: CASSANDRA_* variables, contact points defaulting to the local stack. */
function localConfig(keyspace?: string): CassandraConfig {
  const endpoints = localEndpoints(process.env);
  const config = cassandraConfigFromEnv({
    ...process.env,
    CASSANDRA_CONTACT_POINTS: endpoints.cassandraContactPoints.join(','),
    CASSANDRA_LOCAL_DC: process.env.CASSANDRA_LOCAL_DC || endpoints.cassandraDatacenter,
    ...(keyspace ? { CASSANDRA_KEYSPACE: keyspace } : {}),
  });
  if (config.target !== 'cassandra') {
    throw new Error('storage commands work on local Cassandra; Keyspaces tables come from the CDK stack');
  }
  return config;
}

async function withRepository<T>(
  keyspace: string | undefined,
  fn: (repo: CdrRepository, config: CassandraConfig) => Promise<T>,
): Promise<T> {
  const config = localConfig(keyspace);
  const client = await createCassandraClient(config);
  try {
    return await fn(new CdrRepository(client, config), config);
  } finally {
    await client.shutdown();
  }
}

/** A stored row for display, IMSI and MSISDN masked unless `reveal`. */
function display(row: CdrRow, reveal: boolean): Record<string, unknown> {
  return reveal
    ? { ...row }
    : {
        ...row,
        imsi: maskImsi(row.imsi),
        msisdn: maskMsisdn(row.msisdn),
        counterpart: row.counterpart && maskMsisdn(row.counterpart),
      };
}

/** Registers `orion storage init|count|query`. */
export function registerStorageCommands(program: Command): void {
  const storage = program
    .command('storage')
    .description('Local hot storage (Cassandra): schema, counts, queries');
  storage
    .command('init')
    .description(`Create the keyspace and the CDR tables from ${CDR_SCHEMA_PATH} (idempotent)`)
    .option('--keyspace <name>', 'keyspace (default CASSANDRA_KEYSPACE or "orion")')
    .option('--ttl-days <days>', "override the tables' default TTL at creation", (v) => Number(v))
    .option(
      '--recreate',
      'drop the keyspace first (its rows are lost): after a key or type change in schema.cql',
    )
    .action(async (options: { keyspace?: string; ttlDays?: number; recreate?: boolean }) => {
      const config = localConfig(options.keyspace);
      const client = await createCassandraClient(config);
      try {
        if (options.recreate) await dropKeyspace(client, config.keyspace);
        const report = await applyCdrSchema(client, {
          keyspace: config.keyspace,
          ...(options.ttlDays !== undefined ? { ttlSeconds: Math.round(options.ttlDays * 86_400) } : {}),
        });
        const added = report.addedColumns.length ? ` (added ${report.addedColumns.join(', ')})` : '';
        console.log(
          `keyspace ${report.keyspace}: tables ${report.tables.join(', ')} ready in ${report.ms} ms${added}`,
        );
      } finally {
        await client.shutdown();
      }
    });
  storage
    .command('count')
    .description('Count the rows of the CDR tables (full scan: small local tables only)')
    .option('--keyspace <name>', 'keyspace (default CASSANDRA_KEYSPACE or "orion")')
    .action(async (options: { keyspace?: string }) => {
      await withRepository(options.keyspace, async (repo, config) => {
        for (const table of Object.values(CDR_TABLE)) {
          console.log(`${config.keyspace}.${table}: ${await repo.countAll(table)} rows`);
        }
      });
    });
  storage
    .command('query')
    .description(
      'Show stored CDRs: one by --id, or a subscriber-day by --imsi and --day (IMSI/MSISDN masked)',
    )
    .option('--keyspace <name>', 'keyspace (default CASSANDRA_KEYSPACE or "orion")')
    .option('--id <cdrId>', 'CDR id')
    .option('--imsi <imsi>', 'subscriber IMSI')
    .option('--day <yyyy-mm-dd>', 'UTC day (default today)', new Date().toISOString().slice(0, 10))
    .option('--limit <n>', 'most rows shown', (v) => Number(v), 20)
    .option('--reveal', 'print IMSI and MSISDN in clear')
    .action(
      async (options: {
        keyspace?: string;
        id?: string;
        imsi?: string;
        day: string;
        limit: number;
        reveal?: boolean;
      }) => {
        if (!options.id && !options.imsi)
          throw new Error('give --id <cdrId> or --imsi <imsi> [--day <yyyy-mm-dd>]');
        await withRepository(options.keyspace, async (repo) => {
          const rows = options.id
            ? [await repo.byId(options.id)].filter((r): r is CdrRow => r !== undefined)
            : await repo.bySubscriberDay(options.imsi as string, options.day, { limit: options.limit });
          for (const row of rows) console.log(JSON.stringify(display(row, Boolean(options.reveal))));
          console.log(`${rows.length} row(s)`);
        });
      },
    );
}
