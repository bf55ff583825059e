/** Endpoint resolution: embedded defaults, environment overrides. */
import { describe, expect, it } from 'vitest';
import {
  kafkaBrokerPort,
  kafkaControllerPort,
  localEndpoints,
} from '../../../localstack/embedded/endpoints.ts';

describe('localEndpoints', () => {
  it('defaults to the embedded stack on loopback', () => {
    expect(localEndpoints({})).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      cassandraContactPoints: ['127.0.0.1:9042'],
      cassandraDatacenter: 'datacenter1',
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      external: { kafka: false, cassandra: false, dynamodb: false },
    });
  });

  it('lists every broker of a three-broker cluster', () => {
    expect(localEndpoints({}, 3).kafkaBrokers).toEqual([
      '127.0.0.1:9092',
      '127.0.0.1:9094',
      '127.0.0.1:9096',
    ]);
  });

  it('takes each endpoint from the environment and marks it external', () => {
    const e = localEndpoints({
      KAFKA_BROKERS: ' b1:9092, b2:9092 ,',
      CASSANDRA_CONTACT_POINTS: 'c1:9042',
      DYNAMODB_ENDPOINT: 'http://localhost:4566',
    });
    expect(e.kafkaBrokers).toEqual(['b1:9092', 'b2:9092']);
    expect(e.cassandraContactPoints).toEqual(['c1:9042']);
    expect(e.dynamodbEndpoint).toBe('http://localhost:4566');
    expect(e.external).toEqual({ kafka: true, cassandra: true, dynamodb: true });
  });

  it('ignores empty overrides', () => {
    expect(localEndpoints({ KAFKA_BROKERS: '  ' }).external.kafka).toBe(false);
  });
});

describe('Kafka ports', () => {
  it('give each node a broker port and the next one to its controller', () => {
    expect([0, 1, 2].map((i) => [kafkaBrokerPort(i), kafkaControllerPort(i)])).toEqual([
      [9092, 9093],
      [9094, 9095],
      [9096, 9097],
    ]);
    expect(kafkaBrokerPort(1, 19092)).toBe(19094);
  });
});
