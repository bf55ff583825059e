/**
 * localstack/compose.yml (for machines with Docker) must publish the same services on the same
 * host ports as the embedded stack, so the rest of ORION cannot tell the two apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CASSANDRA_DATACENTER,
  CASSANDRA_PORT,
  DYNAMODB_PORT,
  KAFKA_PORT,
  LOCAL_HOST,
} from '../../../localstack/embedded/endpoints.ts';
import { componentVersion } from '../../../localstack/embedded/maven.ts';
import { REPO_ROOT } from '../../../localstack/embedded/paths.ts';

interface Service {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
}

const compose = parse(readFileSync(join(REPO_ROOT, 'localstack', 'compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};

/** `127.0.0.1:9092:9092` → { host: '127.0.0.1', published: 9092, target: 9092 }. */
function ports(service: Service): { host: string; published: number; target: number }[] {
  return (service.ports ?? []).map((p) => {
    const [host, published, target] = p.split(':');
    return { host: host!, published: Number(published), target: Number(target) };
  });
}

describe('localstack/compose.yml', () => {
  it('runs Redpanda, Redpanda Console, LocalStack and Cassandra', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'cassandra',
      'localstack',
      'redpanda',
      'redpanda-console',
    ]);
  });

  it('publishes Kafka (Redpanda) on the embedded broker port and advertises it there', () => {
    const redpanda = compose.services.redpanda!;
    expect(ports(redpanda)).toContainEqual({ host: LOCAL_HOST, published: KAFKA_PORT, target: KAFKA_PORT });
    const advertised = redpanda.command?.find((c) => c.startsWith('--advertise-kafka-addr='));
    expect(advertised).toContain(`external://${LOCAL_HOST}:${KAFKA_PORT}`);
    expect(redpanda.command).toContain('--set=redpanda.auto_create_topics_enabled=false');
    expect(compose.services['redpanda-console']?.environment?.KAFKA_BROKERS).toMatch(/^redpanda:/);
  });

  it('publishes Cassandra on the embedded CQL port, same version and datacenter', () => {
    const cassandra = compose.services.cassandra!;
    expect(ports(cassandra)).toContainEqual({ host: LOCAL_HOST, published: CASSANDRA_PORT, target: 9042 });
    expect(cassandra.image).toBe(`cassandra:${componentVersion('cassandra')}`);
    expect(cassandra.environment?.CASSANDRA_DC).toBe(CASSANDRA_DATACENTER);
  });

  it('publishes LocalStack DynamoDB on the DynamoDB Local port, with CloudWatch', () => {
    const localstack = compose.services.localstack!;
    expect(ports(localstack)).toContainEqual({ host: LOCAL_HOST, published: DYNAMODB_PORT, target: 4566 });
    expect(localstack.environment?.SERVICES?.split(',')).toEqual(
      expect.arrayContaining(['dynamodb', 'cloudwatch']),
    );
  });

  it('publishes nothing on a port the embedded stack needs for another service', () => {
    const owners = new Map<number, string>();
    for (const [name, service] of Object.entries(compose.services)) {
      for (const p of ports(service)) {
        expect(owners.get(p.published), `host port ${p.published}`).toBeUndefined();
        owners.set(p.published, name);
      }
    }
    expect(owners.get(KAFKA_PORT)).toBe('redpanda');
    expect(owners.get(CASSANDRA_PORT)).toBe('cassandra');
    expect(owners.get(DYNAMODB_PORT)).toBe('localstack');
  });
});
