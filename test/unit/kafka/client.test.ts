import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaConfig, PRODUCER_CONFIG, registerCompressionCodecs } from '../../../shared/kafka/client.ts';

describe('kafka client factory', () => {
  it('is plaintext without SASL for auth=none', () => {
    const c = kafkaConfig({ brokers: ['127.0.0.1:9092'], auth: 'none', clientId: 'orion' });
    expect(c.ssl).toBeUndefined();
    expect(c.sasl).toBeUndefined();
    expect(c.brokers).toEqual(['127.0.0.1:9092']);
  });

  it('uses SASL OAUTHBEARER over TLS for msk-iam', () => {
    const c = kafkaConfig({
      brokers: ['b-1.msk:9098'],
      auth: 'msk-iam',
      region: 'eu-west-3',
      clientId: 'orion',
    });
    expect(c.ssl).toBe(true);
    expect(c.sasl?.mechanism).toBe('oauthbearer');
    expect(typeof (c.sasl as { oauthBearerProvider?: unknown }).oauthBearerProvider).toBe('function');
  });

  it('refuses msk-iam without a region', () => {
    expect(() => kafkaConfig({ brokers: ['b:9098'], auth: 'msk-iam', clientId: 'orion' })).toThrow(/region/);
  });

  it('registers a snappy codec that round-trips', async () => {
    registerCompressionCodecs();
    const codec = CompressionCodecs[CompressionTypes.Snappy]!();
    const data = Buffer.from('cdr;'.repeat(100));
    const compressed = await codec.compress({ buffer: data } as never);
    expect(Buffer.from(await codec.decompress(compressed as Buffer)).equals(data)).toBe(true);
  });

  it('registers an LZ4 codec that writes Kafka LZ4 frames and round-trips', async () => {
    registerCompressionCodecs();
    const codec = CompressionCodecs[CompressionTypes.LZ4]!();
    const data = Buffer.from('{"event_type":"view"}'.repeat(100));
    const compressed = (await codec.compress({ buffer: data } as never)) as Buffer;
    // LZ4 frame magic number (Kafka's LZ4 batches are frames, not raw blocks).
    expect([...compressed.subarray(0, 4)]).toEqual([0x04, 0x22, 0x4d, 0x18]);
    expect(compressed.length).toBeLessThan(data.length / 4);
    expect(Buffer.from(await codec.decompress(compressed)).equals(data)).toBe(true);
  });

  it('produces idempotently with at most 5 requests in flight and no topic auto-creation', () => {
    expect(PRODUCER_CONFIG).toMatchObject({
      idempotent: true,
      maxInFlightRequests: 5,
      allowAutoTopicCreation: false,
    });
  });
});
