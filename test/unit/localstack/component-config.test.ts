/** Generated configuration of the embedded components. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CASSANDRA_JAVA17_FLAGS, cassandraYaml } from '../../../localstack/embedded/components/cassandra.ts';
import { sqliteLibraryName } from '../../../localstack/embedded/components/dynamodb.ts';
import { kafkaServerProperties, newClusterId } from '../../../localstack/embedded/components/kafka.ts';
import { componentVersion } from '../../../localstack/embedded/maven.ts';

const props = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('kafkaServerProperties', () => {
  it('runs one combined broker+controller node on 9092 with replication 1', () => {
    const p = props(kafkaServerProperties({ index: 0, brokers: 1, basePort: 9092, logDir: '/d' }));
    expect(p).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
      'auto.create.topics.enable': 'false',
      'offsets.topic.replication.factor': '1',
      'min.insync.replicas': '1',
      'group.initial.rebalance.delay.ms': '0',
      'log.dirs': '/d',
    });
  });

  it('makes node 2 of three a voter among three, replicating internal topics 3 times with min ISR 2', () => {
    const p = props(kafkaServerProperties({ index: 1, brokers: 3, basePort: 19092, logDir: '/d2' }));
    expect(p).toMatchObject({
      'node.id': '2',
      'controller.quorum.voters': '1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097',
      listeners: 'PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'min.insync.replicas': '2',
    });
  });
});

describe('cassandraYaml', () => {
  it('is valid YAML for one node on 127.0.0.1:9042 with data under the given folder', () => {
    const yaml = parse(cassandraYaml('/data/c')) as Record<string, unknown>;
    expect(yaml).toMatchObject({
      native_transport_port: 9042,
      listen_address: '127.0.0.1',
      rpc_address: '127.0.0.1',
      num_tokens: 1,
      endpoint_snitch: 'SimpleSnitch',
      data_file_directories: ['/data/c/data'],
      commitlog_directory: '/data/c/commitlog',
    });
  });

  it('opens the JDK modules Cassandra needs on Java 17', () => {
    expect(CASSANDRA_JAVA17_FLAGS).toContain('--add-opens=java.base/java.nio=ALL-UNNAMED');
    expect(CASSANDRA_JAVA17_FLAGS).toContain('--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED');
  });
});

describe('sqliteLibraryName', () => {
  it.each([
    ['/m2/libsqlite4java-linux-amd64-1.0.392.so', 'libsqlite4java-linux-amd64.so'],
    ['/m2/sqlite4java-win32-x64-1.0.392.dll', 'sqlite4java-win32-x64.dll'],
    ['/m2/libsqlite4java-osx-1.0.392.dylib', 'libsqlite4java-osx.dylib'],
  ])('%s → %s', (file, name) => {
    expect(sqliteLibraryName(file)).toBe(name);
  });
});

describe('componentVersion', () => {
  it('reads each version from its Maven project (Kafka 3.9 is a version Amazon MSK supports)', () => {
    expect(componentVersion('kafka')).toMatch(/^3\.9\.\d+$/);
    expect(componentVersion('cassandra')).toMatch(/^5\.0\.\d+$/);
    expect(componentVersion('dynamodb')).toMatch(/^2\.\d+\.\d+$/);
  });
});

describe('newClusterId', () => {
  it('never starts with "-" (kafka-storage would read it as an option), drawing again instead', () => {
    // 0xf8 as first byte: base64url "-…" (index 62).
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    let n = 0;
    const id = newClusterId(() => draws[n++]!);
    expect(n).toBe(2);
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    for (let i = 0; i < 2_000; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
