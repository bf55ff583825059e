/**
 * The CDR pipeline's stores for a local run: hot storage (Cassandra) gets its schema, the
 * reference-data tables (DynamoDB) are created and loaded with the committed reference data, and
 * afterwards hot storage answers which CDRs were stored and when.
 */
import type { LocalRunContext, LocalRunStores } from '../../pipeline/local-run.ts';
import { createCassandraClient } from '../../storage/cassandra/client.ts';
import { cassandraConfigFromEnv } from '../../storage/cassandra/config.ts';
import { createDynamoDbDocumentClient, dynamoDbConfigFromEnv } from '../../storage/dynamodb/client.ts';
import { referenceCells, referenceSubscribers } from '../reference-data/files.ts';
import { loadReferenceData } from '../reference-data/reference-loader.ts';
import { ensureReferenceTables } from '../reference-data/reference-table-setup.ts';
import {
  DEFAULT_REFERENCE_TABLE_PREFIX,
  REFERENCE_TABLE_PREFIX_VARIABLE,
} from '../reference-data/reference-tables.ts';
import { applyCdrSchema } from '../storage/cdr-schema.ts';
import { lookupStoredAt, sampleStoredRows } from './stored-lookup.ts';

/**
 * Connects to hot storage and the reference tables the context's environment points at.
 * @example const stores = await openCdrStores({ pipeline, brokers, env, log }); await stores.prepare();
 */
export async function openCdrStores(context: LocalRunContext): Promise<LocalRunStores> {
  const { env, log } = context;
  const cassandraConfig = cassandraConfigFromEnv(env);
  const cassandra = await createCassandraClient(cassandraConfig);
  const dynamo = createDynamoDbDocumentClient(dynamoDbConfigFromEnv(env));
  const tablePrefix = env[REFERENCE_TABLE_PREFIX_VARIABLE]?.trim() || DEFAULT_REFERENCE_TABLE_PREFIX;
  return {
    async prepare() {
      log('== hot storage schema');
      await cassandra.connect();
      const schema = await applyCdrSchema(cassandra, { keyspace: cassandraConfig.keyspace });
      log(`   keyspace ${schema.keyspace}: ${schema.tables.join(', ')} (${schema.ms} ms)`);

      log('== reference data');
      await ensureReferenceTables(dynamo, tablePrefix);
      const loaded = await loadReferenceData(
        dynamo,
        { cells: referenceCells(), subscribers: referenceSubscribers() },
        { prefix: tablePrefix },
      );
      log(`   ${loaded.map((r) => `${r.table}: ${r.items} items`).join(', ')}`);
    },
    landedAt: (ids) => lookupStoredAt(cassandra, cassandraConfig.keyspace, ids),
    samples: (ids) => sampleStoredRows(cassandra, cassandraConfig.keyspace, ids),
    async close() {
      await cassandra.shutdown().catch(() => undefined);
      dynamo.destroy();
    },
  };
}
