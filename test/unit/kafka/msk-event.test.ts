import { describe, expect, it } from 'vitest';
import {
  batchItemIdentifier,
  decodeKafkaEvent,
  encodeKafkaEvent,
  formatItemIdentifier,
  kafkaItemIdentifier,
} from '../../../shared/kafka/msk-event.ts';

describe('Kafka item identifiers', () => {
  it('batchItemIdentifier is the object AWS reads for Kafka: the records group key and the offset', () => {
    expect(batchItemIdentifier('cdr.raw.fr', 3, 1200)).toEqual({ partition: 'cdr.raw.fr-3', offset: 1200 });
  });
  it('the group key matches the key of the event records map', () => {
    const event = encodeKafkaEvent(
      [{ topic: 'cdr.raw.fr', partition: 3, offset: 1200, timestamp: 1, key: null, value: Buffer.from('x') }],
      { bootstrapServers: 'b:9092' },
    );
    expect(Object.keys(event.records)).toEqual([batchItemIdentifier('cdr.raw.fr', 3, 1200).partition]);
  });
  it('has a readable string form for logs', () => {
    expect(kafkaItemIdentifier('cdr.raw.fr', 3, 1200)).toBe('cdr.raw.fr-3@1200');
    expect(formatItemIdentifier(batchItemIdentifier('cdr.raw.fr', 3, 1200))).toBe('cdr.raw.fr-3@1200');
  });
});

describe('decodeKafkaEvent', () => {
  it('keeps a header named __proto__ as an own header', () => {
    const event = encodeKafkaEvent(
      [{ topic: 't', partition: 0, offset: 1, timestamp: 1, key: null, value: Buffer.from('x') }],
      { bootstrapServers: 'b:9092' },
    );
    event.records['t-0']![0]!.headers = [JSON.parse('{"__proto__":[104,105]}')];
    const [record] = decodeKafkaEvent(event);
    expect(Object.getOwnPropertyDescriptor(record!.headers, '__proto__')?.value?.toString()).toBe('hi');
  });
});
