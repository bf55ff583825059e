/**
 * The one Kafka header codec: every conversion between the header shapes ORION meets goes
 * through here — kafkajs messages (`Buffer | string`, possibly repeated), the Lambda Kafka event
 * (lists of byte arrays), the records ORION produces (`Buffer | string`) and the decoded record
 * (one Buffer per name). Decoded headers are null-prototype objects, so a header literally named
 * `__proto__` stays an ordinary header.
 */
import type { IHeaders } from 'kafkajs';
import type { EventHeaders, HeaderValue, ReadHeaders } from './types.ts';

/** A fresh, null-prototype header map. */
function emptyHeaders(): Record<string, Buffer> {
  return Object.create(null) as Record<string, Buffer>;
}

/**
 * The bytes of a header value (strings are UTF-8).
 * @example headerBytes('abc').length // 3
 */
export function headerBytes(value: HeaderValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/**
 * The defined headers of a map as `[name, bytes]` pairs (absent values skipped), in map order.
 * @example headerEntries({ a: 'x', b: undefined }) // [['a', <Buffer 78>]]
 */
export function headerEntries(headers: ReadHeaders | undefined): Array<[string, Buffer]> {
  const entries: Array<[string, Buffer]> = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && value !== null) entries.push([name, headerBytes(value)]);
  }
  return entries;
}

/**
 * A header's value as UTF-8 text, or `undefined` when the record does not carry it.
 * @example headerText({ 'orion.stage': Buffer.from('validation') }, 'orion.stage') // 'validation'
 */
export function headerText(headers: ReadHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/**
 * Headers of a kafkajs message as one Buffer per name (a repeated header keeps its last value).
 * @example headersFromKafkajs({ a: ['1', '2'] }).a?.toString() // '2'
 */
export function headersFromKafkajs(headers: IHeaders | undefined): Record<string, Buffer> {
  const out = emptyHeaders();
  for (const [name, v] of Object.entries(headers ?? {})) {
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (value !== undefined) out[name] = headerBytes(value);
  }
  return out;
}

/**
 * Headers of a Lambda Kafka event record as one Buffer per name. Lenient, because dead-letter
 * documents are read back from a topic: anything that is not a list of objects of byte arrays
 * (or strings) is skipped.
 *
 * @example headersFromEvent([{ a: [104, 105] }]).a?.toString() // 'hi'
 */
export function headersFromEvent(headers: unknown): Record<string, Buffer> {
  const out = emptyHeaders();
  if (!Array.isArray(headers)) return out;
  for (const entry of headers) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [name, bytes] of Object.entries(entry as Record<string, unknown>)) {
      if (Array.isArray(bytes)) out[name] = Buffer.from(bytes as number[]);
      else if (typeof bytes === 'string') out[name] = Buffer.from(bytes);
    }
  }
  return out;
}

/**
 * Headers in the shape of the Lambda Kafka event (absent values skipped).
 * @example headersToEvent({ a: 'hi' }) // [{ a: [104, 105] }]
 */
export function headersToEvent(headers: ReadHeaders | undefined): EventHeaders {
  return headerEntries(headers).map(([name, bytes]) => ({ [name]: [...bytes] }));
}
