/**
 * Lambda handler of the storage stage: `cdr.enriched` → hot storage (Cassandra locally, Amazon
 * Keyspaces in AWS); unreadable records → `cdr.rejected`; write failures are reported for retry.
 * Both configurations (Kafka, Cassandra/Keyspaces) are validated at cold start; the Cassandra
 * client connects on the first batch and is reused by every later invocation.
 */
import { createKafkaHandler } from '../../shared/runtime/kafka-handler.ts';
import { sharedCassandraClient } from '../../shared/storage/cassandra-client.ts';
import { cassandraConfigFromEnv } from '../../shared/storage/cassandra-config.ts';
import { CdrRepository } from '../../shared/storage/cdr-repository.ts';
import { storageStage } from '../../shared/storage/storage-stage.ts';

const storage = cassandraConfigFromEnv();

export const handler = createKafkaHandler(
  storageStage({
    writer: async () => {
      const { client } = await sharedCassandraClient();
      return new CdrRepository(client, {
        keyspace: storage.keyspace,
        writeConcurrency: storage.writeConcurrency,
      });
    },
  }),
);
