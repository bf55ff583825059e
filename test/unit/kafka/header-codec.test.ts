import { describe, expect, it } from 'vitest';
import {
  headerBytes,
  headerEntries,
  headersFromEvent,
  headersFromKafkajs,
  headersToEvent,
  headerText,
} from '../../../shared/kafka/headers.ts';
import { decodeKafkaEvent, encodeKafkaEvent } from '../../../shared/kafka/msk-event.ts';

const text = (headers: Record<string, Buffer>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.toString('utf8')]));

describe('the header codec', () => {
  it('turns strings and Buffers into bytes and skips absent values', () => {
    expect(headerBytes('hé')).toEqual(Buffer.from('hé'));
    expect(
      headerEntries({ a: 'x', b: undefined, c: null, d: Buffer.from('y') }).map(([k, v]) => [k, String(v)]),
    ).toEqual([
      ['a', 'x'],
      ['d', 'y'],
    ]);
  });

  it('reads a header as text', () => {
    expect(headerText({ a: Buffer.from('1'), b: 'two' }, 'a')).toBe('1');
    expect(headerText({ b: 'two' }, 'b')).toBe('two');
    expect(headerText({ c: null }, 'c')).toBeUndefined();
  });

  it('decodes kafkajs headers, keeping the last value of a repeated header', () => {
    expect(text(headersFromKafkajs({ a: ['1', Buffer.from('2')], b: 'x', c: undefined }))).toEqual({
      a: '2',
      b: 'x',
    });
    expect(headersFromKafkajs(undefined)).toEqual({});
  });

  it('round-trips the Lambda event shape, leniently on read', () => {
    const event = headersToEvent({ traceparent: '00-ab', bin: Buffer.from([0, 255]), skip: undefined });
    expect(event).toEqual([{ traceparent: [...Buffer.from('00-ab')] }, { bin: [0, 255] }]);
    expect(text(headersFromEvent(event))).toEqual({
      traceparent: '00-ab',
      bin: Buffer.from([0, 255]).toString(),
    });
    expect(text(headersFromEvent([{ s: 'as text' }, null, 3, { n: { not: 'bytes' } }]))).toEqual({
      s: 'as text',
    });
    expect(headersFromEvent('not a list')).toEqual({});
  });

  it('keeps a header named __proto__ as an own header on every read path', () => {
    const fromEvent = headersFromEvent([JSON.parse('{"__proto__":[104,105]}')]);
    const fromKafkajs = headersFromKafkajs(JSON.parse('{"__proto__":"hi"}'));
    for (const headers of [fromEvent, fromKafkajs]) {
      expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value?.toString()).toBe('hi');
    }
  });

  it('is what the MSK event codec uses both ways', () => {
    const event = encodeKafkaEvent(
      [
        {
          topic: 't',
          partition: 0,
          offset: 1,
          timestamp: 1,
          key: null,
          value: null,
          headers: { a: 'x', b: undefined },
        },
      ],
      { bootstrapServers: 'b:9092' },
    );
    expect(event.records['t-0']![0]!.headers).toEqual(headersToEvent({ a: 'x' }));
    expect(text(decodeKafkaEvent(event)[0]!.headers)).toEqual({ a: 'x' });
  });
});
