import { describe, expect, it } from 'vitest';
import { envelopeBytes, PayloadSize, recordJsonBytes } from '../../../localstack/esm/payload-size.ts';
import { encodeKafkaEvent } from '../../../shared/kafka/msk-event.ts';
import { fetched } from './records.ts';

const source = {
  bootstrapServers: '127.0.0.1:9092',
  eventSourceArn: 'arn:aws:kafka:us-east-1:0:cluster/x/y',
};
const eventBytes = (records: Parameters<typeof encodeKafkaEvent>[0]) =>
  Buffer.byteLength(JSON.stringify(encodeKafkaEvent(records, source)));

describe('payload size', () => {
  const cases = [
    fetched(0),
    fetched(12345678, { key: null, value: null }),
    fetched(7, { value: Buffer.alloc(0), key: Buffer.alloc(1) }),
    fetched(9, {
      value: Buffer.from([0, 9, 10, 99, 100, 255]),
      headers: { a: 'x', 'é"q': Buffer.from([200, 1]), e: Buffer.alloc(0) },
    }),
    fetched(3, { topic: 'cdr.raw.fr', partition: 9, value: Buffer.alloc(1001, 7), timestamp: 1 }),
  ];

  it.each(cases.map((r, i) => [i, r] as const))(
    'record %i: computed bytes equal its JSON in the event',
    (_, record) => {
      const json = JSON.stringify(encodeKafkaEvent([record], source).records)!;
      // records JSON = {"<tp>":[<record>]}
      const key = `${record.topic}-${record.partition}`;
      expect(recordJsonBytes(record)).toBe(
        Buffer.byteLength(json) - Buffer.byteLength(JSON.stringify(key)) - 5,
      );
    },
  );

  it('tracks the exact size of a multi-partition event as records are added', () => {
    const records = [
      fetched(1, { partition: 0 }),
      fetched(2, { partition: 0 }),
      fetched(5, { partition: 3, headers: { h: 'v' } }),
      fetched(3, { partition: 0, key: null }),
      fetched(6, { partition: 3 }),
    ];
    const size = new PayloadSize(envelopeBytes({ eventSource: 'aws:kafka', ...source }));
    for (const r of records) size.add(r);
    // encodeKafkaEvent groups by partition; our sum is order-independent within groups
    expect(size.bytes).toBe(eventBytes(records));
    expect(new PayloadSize(envelopeBytes({ eventSource: 'aws:kafka', ...source })).bytes).toBe(
      eventBytes([]),
    );
  });
});
