/**
 * The platform every pipeline of an environment runs on: the network and the MSK cluster. One
 * pipeline stack creates it (the first of the app); the others receive it and share it, so an
 * environment has one VPC and one cluster however many pipelines it hosts.
 */
import type { Construct } from 'constructs';
import type { OrionConfig } from '../config/orion-config.ts';
import { OrionKafkaCluster } from './orion-kafka-cluster.ts';
import { OrionNetwork } from './orion-network.ts';

/** The network and cluster a pipeline stack deploys into. */
export interface OrionPlatform {
  readonly network: OrionNetwork;
  readonly cluster: OrionKafkaCluster;
}

/**
 * Creates the platform in `scope` as `Network` and `Kafka` (the construct ids, hence the logical
 * ids, of the stack that has always owned them). The cluster is named `orion-<env>`: it belongs
 * to the environment, not to one pipeline.
 * @example const platform = createOrionPlatform(this, config); // inside the owning stack
 */
export function createOrionPlatform(scope: Construct, config: OrionConfig): OrionPlatform {
  const network = new OrionNetwork(scope, 'Network', {
    availabilityZones: config.availabilityZones,
    existing: config.mskImport,
  });
  const cluster = new OrionKafkaCluster(scope, 'Kafka', {
    clusterName: `orion-${config.envName}`,
    mode: config.msk,
    network,
    provisioned: config.mskProvisioned,
    imported: config.mskImport,
  });
  return { network, cluster };
}
