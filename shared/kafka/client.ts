/**
 * Kafka client factory: plaintext locally, Amazon MSK IAM in AWS (SASL OAUTHBEARER over TLS, the
 * token signed by `aws-msk-iam-sasl-signer-js`). The producer and the admin client are created
 * once per execution environment, connected lazily at first use, and rebuilt after a failure.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Admin, KafkaConfig, Producer, ProducerConfig, RetryOptions } from 'kafkajs';
// kafkajs is CommonJS and Node's ESM loader cannot see all its named exports: use the default.
import kafkajs from 'kafkajs';
import SnappyCodec from 'kafkajs-snappy';

const { CompressionCodecs, CompressionTypes, Kafka, logLevel, Partitioners } = kafkajs;
/** A kafkajs client instance. */
export type KafkaClient = InstanceType<typeof Kafka>;

import { kafkajsLogCreator } from '../observability/kafkajs-log.ts';
import { KafkaError } from './errors.ts';
import { Lz4Codec } from './lz4-codec.ts';
import type { KafkaAuth } from './types.ts';

/** What {@link createKafka} needs (a subset of the runtime configuration). */
export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly auth: KafkaAuth;
  /** Required for `msk-iam`. */
  readonly region?: string;
  readonly clientId: string;
  /** Receives kafkajs' WARN/ERROR lines; without it kafkajs is silent. */
  readonly logger?: Logger;
  /**
   * Retries of every request of the client (admin, consumers; a producer's own `retry` wins).
   * {@link FAILOVER_RETRY} for a long-lived client that must outlive a broker failover.
   * @default kafkajs' (5 retries, about 9 s of back-off): a missing broker fails fast
   */
  readonly retry?: RetryOptions;
}

/**
 * Retries that ride out a leader failover: a SIGKILLed broker stays named leader until the
 * controller fences it (the fault run `broker-kill` measured ~30 s on the local KRaft cluster, and
 * a restart of the broker ~29 s more). kafkajs waits `initialRetryTime` (±20 %), then doubles it up
 * to `maxRetryTime` per retry: 300 + 600 + … + 9.6 s + 8 × 10 s ≈ 99 s of back-off over 14
 * retries. AWS recommends 60 s or more for MSK producers ("delivery.timeout.ms … 60 seconds or
 * higher", "retry.backoff.ms … 200 ms" minimum,
 * https://docs.aws.amazon.com/msk/latest/developerguide/bestpractices-kafka-client.html); 10
 * retries (≈ 59 s) ran out once in a CI rehearsal of the short broker-kill, the two cores loaded.
 */
export const FAILOVER_RETRY: RetryOptions = { retries: 14, initialRetryTime: 300, maxRetryTime: 10_000 };

/**
 * Registers the snappy and LZ4 codecs with kafkajs (which has neither built in). ORION's producers
 * write snappy; a topic may be LZ4 on the broker, and its consumers then need LZ4 (see
 * `lz4-codec.ts`). Idempotent.
 */
export function registerCompressionCodecs(): void {
  CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
  CompressionCodecs[CompressionTypes.LZ4] = Lz4Codec;
}

/**
 * The kafkajs configuration for these options: SASL OAUTHBEARER + TLS with an MSK IAM token for
 * `msk-iam`, plaintext for `none`.
 *
 * @example kafkaConfig({ brokers: ['127.0.0.1:9092'], auth: 'none', clientId: 'orion' }).ssl // undefined
 */
export function kafkaConfig(options: KafkaClientOptions): KafkaConfig {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    logLevel: options.logger ? logLevel.WARN : logLevel.NOTHING,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.logger ? { logCreator: kafkajsLogCreator(options.logger) } : {}),
  };
  if (options.auth === 'msk-iam') {
    const region = options.region;
    if (!region)
      throw new KafkaError('INVALID_CLIENT_CONFIG', 'msk-iam authentication needs a region (AWS_REGION)');
    config.ssl = true;
    config.sasl = {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => {
        // Loaded on first use only: locally the AWS SDK credential chain is never evaluated.
        const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
        const { token } = await generateAuthToken({ region });
        return { value: token };
      },
    };
  }
  return config;
}

/**
 * Creates a kafkajs client (with the snappy and LZ4 codecs registered).
 * @example const kafka = createKafka({ brokers: ['127.0.0.1:9092'], auth: 'none', clientId: 'orion' });
 */
export function createKafka(options: KafkaClientOptions): KafkaClient {
  registerCompressionCodecs();
  return new Kafka(kafkaConfig(options));
}

/**
 * Producer settings: idempotent (hence `acks=all`), at most 5 requests in flight (the limit under
 * which Kafka keeps idempotent batches in order), Java-compatible murmur2 partitioning so that a
 * key lands on the same partition whichever client produced it, topics never auto-created.
 *
 * Retries ride out a leader failover ({@link FAILOVER_RETRY}); the former
 * `{ retries: 5, maxRetryTime: 2 s }` (~3 s of back-off) gave up long before, so the generator's
 * `sendBatch` threw ECONNREFUSED. The Lambda stages are still bounded by their invocation: `createBatchProducer` races every batch
 * against `KAFKA_PRODUCE_TIMEOUT_MS` (10 s by default, below the functions' timeout) and resets the
 * connections when it wins, so a broker that stays away surfaces as failed records within the
 * invocation (the event source mapping retries them), never as a Lambda timeout.
 */
export const PRODUCER_CONFIG: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 5,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: FAILOVER_RETRY,
};

/** Lazily connected, reused Kafka clients of one execution environment. */
export interface KafkaConnections {
  /** The connected producer (connects at first call, reconnects after {@link reset}). */
  producer(): Promise<Producer>;
  /** The connected admin client. */
  admin(): Promise<Admin>;
  /** Drops the clients after a failure: the next call builds and connects new ones. */
  reset(): Promise<void>;
  /** Disconnects everything (tests, CLI). */
  disconnect(): Promise<void>;
}

/**
 * Wraps a kafkajs client into lazily connected, reused producer and admin clients.
 *
 * @example
 * const connections = createKafkaConnections(createKafka(options)); // module scope
 * const producer = await connections.producer();                   // per invocation, connects once
 */
export function createKafkaConnections(
  kafka: KafkaClient,
  producerConfig: ProducerConfig = PRODUCER_CONFIG,
): KafkaConnections {
  let producer: Promise<Producer> | undefined;
  let admin: Promise<Admin> | undefined;

  const connect = async <T extends { connect(): Promise<void> }>(client: T): Promise<T> => {
    await client.connect();
    return client;
  };
  const quietly = async (client: Promise<{ disconnect(): Promise<void> }> | undefined) => {
    await client?.then((c) => c.disconnect()).catch(() => undefined);
  };

  return {
    producer() {
      producer ??= connect(kafka.producer(producerConfig)).catch((error: unknown) => {
        producer = undefined;
        throw error;
      });
      return producer;
    },
    admin() {
      admin ??= connect(kafka.admin()).catch((error: unknown) => {
        admin = undefined;
        throw error;
      });
      return admin;
    },
    async reset() {
      const [p, a] = [producer, admin];
      producer = undefined;
      admin = undefined;
      await Promise.all([quietly(p), quietly(a)]);
    },
    async disconnect() {
      await this.reset();
    },
  };
}
