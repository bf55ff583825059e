import { describe, expect, it } from 'vitest';
import {
  createJsonlParser,
  createRetailRocketParser,
  DATASET_ERROR,
  eventTypeOf,
  mapFields,
  parseKiVendToutJsonl,
  parseRetailRocketCsv,
  replaySchedule,
  sampleKiVendToutJsonl,
  sampleRetailRocketCsv,
  sendOffsetMs,
  splitLines,
  timestampOf,
  validateEventObject,
  writeJsonl,
  writeRetailRocketCsv,
} from '../../../shared/commerce/index.ts';

const START = Date.UTC(2026, 0, 15, 9);
const limits = { nowMs: Date.UTC(2026, 1, 1) };

describe('KiVendTout events.jsonl', () => {
  const sample = sampleKiVendToutJsonl({ seed: 3, startMs: START });
  const parsed = parseKiVendToutJsonl(sample.text);

  it('maps every good line back to the generated event, in file order, tolerating extra fields', () => {
    expect(parsed.events.map((e) => e.event)).toEqual(sample.expected);
    expect(sample.expected.length).toBeGreaterThan(40);
    expect(new Set(sample.expected.map((e) => e.event_type)).size).toBeGreaterThanOrEqual(8);
    for (const e of parsed.events) {
      expect(e.key).toBe(e.event.user_id);
      expect(e.timestampMs).toBe(e.event.timestamp);
      expect(validateEventObject(e.event, limits)).toMatchObject({ ok: true });
    }
    const lines = parsed.events.map((e) => e.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(sample.text).toContain('"customer_id"');
    expect(sample.text).toContain('"page_view"');
  });

  it('reports each bad line with its number and code; blank lines are skipped', () => {
    expect(parsed.errors.map((e) => e.line)).toEqual(sample.badLines);
    expect(parsed.errors.map((e) => e.code)).toEqual([
      DATASET_ERROR.NOT_JSON,
      DATASET_ERROR.NOT_OBJECT,
      DATASET_ERROR.UNKNOWN_EVENT_TYPE,
      DATASET_ERROR.MISSING_USER,
      DATASET_ERROR.UNSAFE_JSON,
    ]);
    expect(parsed.skipped).toBe(2); // the blank line and the file's final newline
    expect(parsed.events.length + parsed.errors.length + parsed.skipped).toBe(splitLines(sample.text).length);
  });

  it.each([
    [
      'epoch seconds',
      { event_type: 'search', customer_id: 7, timestamp: 1768468800, query: 'lampe' },
      1768468800000,
    ],
    [
      'epoch ms as text',
      { type: 'search', user_id: '7', ts: '1768468800123', search_query: 'lampe' },
      1768468800123,
    ],
    [
      'ISO without offset (UTC)',
      { event: 'search', visitor_id: '7', created_at: '2026-01-15T09:20:00', query: 'x' },
      1768468800000,
    ],
    [
      'ISO with offset',
      { event_type: 'search', customer_id: '7', timestamp: '2026-01-15T10:20:00+01:00', query: 'x' },
      1768468800000,
    ],
  ])('reads %s', (_name, object, timestampMs) => {
    const { events, errors } = parseKiVendToutJsonl(writeJsonl([object]));
    expect(errors).toEqual([]);
    expect(events[0]).toMatchObject({
      line: 1,
      key: '7',
      timestampMs,
      event: { event_type: 'search', user_id: '7' },
    });
  });

  it('keeps UUID event ids, derives stable UUIDs for others, and coerces dataset values', () => {
    const line = {
      event_id: 'evt-000123',
      event_type: 'payment_failed',
      customer_id: 'C042',
      timestamp: 1768468800000,
      order_id: 'O1',
      payment_id: 'P1',
      amount: '129.90',
      currency: 'eur',
      payment_method: 'Credit_Card',
      device_id: 'D1',
      card_hash: 'abcdef0123456789',
      decline_reason: 'insufficient_funds',
      ip: '10.0.0.1',
    };
    const first = parseKiVendToutJsonl(writeJsonl([line, { ...line, event_id: undefined }]));
    const again = parseKiVendToutJsonl(writeJsonl([line, { ...line, event_id: undefined }]));
    expect(first.events.map((e) => e.event.event_id)).toEqual(again.events.map((e) => e.event.event_id));
    expect(first.events[0]!.event).toEqual({
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      event_type: 'payment_failure',
      timestamp: 1768468800000,
      user_id: 'C042',
      order_id: 'O1',
      payment_id: 'P1',
      amount: 129.9,
      currency: 'EUR',
      method: 'card',
      device_id: 'D1',
      card_fingerprint: 'abcdef0123456789',
      failure_reason: 'insufficient_funds',
      source: 'kivendtout',
    });
    expect(validateEventObject(first.events[0]!.event, limits)).toMatchObject({ ok: true });
  });

  it('maps aliases as data', () => {
    expect(eventTypeOf('Page_View')).toBe('view');
    expect(eventTypeOf('order_completed')).toBe('order_completed');
    expect(eventTypeOf('teleport')).toBeUndefined();
    expect(mapFields({ product_id: 42, device: 'Mobile', ua: 'x' }, 'view')).toEqual({
      item_id: '42',
      device_type: 'mobile',
    });
    expect(timestampOf('yesterday')).toBeUndefined();
    expect(timestampOf(-5)).toBeUndefined();
  });

  it('parses line by line for streaming readers', () => {
    const parser = createJsonlParser();
    const results = splitLines(sample.text).map((line) => parser.line(line));
    expect(results.filter((r) => r?.ok).length).toBe(parsed.events.length);
    expect(parser.lines).toBe(splitLines(sample.text).length);
  });
});

describe('Retail Rocket events.csv', () => {
  const sample = sampleRetailRocketCsv({ seed: 3, startMs: Date.UTC(2015, 5, 1) });
  const parsed = parseRetailRocketCsv(sample.text);

  it('maps every row to the model with the documented placeholders, valid against the schemas', () => {
    expect(sample.text.startsWith('timestamp,visitorid,event,itemid,transactionid\n')).toBe(true);
    expect(parsed.events.map(({ event: { event_id: _id, ...rest } }) => rest)).toEqual(sample.expected);
    expect(new Set(parsed.events.map((e) => e.event.event_type))).toEqual(
      new Set(['view', 'addtocart', 'transaction']),
    );
    for (const e of parsed.events) {
      expect(e.event.event_id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(validateEventObject(e.event, limits)).toMatchObject({ ok: true });
    }
    const ids = parsed.events.map((e) => e.event.event_id);
    expect(parseRetailRocketCsv(sample.text).events.map((e) => e.event.event_id)).toEqual(ids);
  });

  it('reports each bad line with its number and code', () => {
    expect(parsed.errors.map((e) => e.line)).toEqual(sample.badLines);
    expect(parsed.errors.map((e) => e.code)).toEqual([
      DATASET_ERROR.BAD_TIMESTAMP,
      DATASET_ERROR.UNKNOWN_EVENT_TYPE,
      DATASET_ERROR.BAD_COLUMN_COUNT,
      DATASET_ERROR.BAD_FIELD,
    ]);
    expect(parsed.skipped).toBe(3); // header, blank line, final newline
  });

  it('reads the real layout: CRLF, BOM, trailing empty transactionid, columns in any order', () => {
    const text =
      '\uFEFFtimestamp,visitorid,event,itemid,transactionid\r\n1433221332117,257597,view,355908,\r\n1433224214164,992329,transaction,248676,4000\r\n';
    const { events, errors } = parseRetailRocketCsv(text);
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.line, e.key, e.timestampMs, e.event.event_type])).toEqual([
      [2, '257597', 1433221332117, 'view'],
      [3, '992329', 1433224214164, 'transaction'],
    ]);
    expect(events[1]!.event).toMatchObject({ item_id: '248676', order_id: '4000', price: 0, quantity: 1 });
    const reordered = parseRetailRocketCsv(
      'visitorid,event,timestamp,itemid,transactionid\n5,addtocart,1433221332117,9,\n',
    );
    expect(reordered.events[0]!.event).toMatchObject({
      user_id: '5',
      event_type: 'addtocart',
      item_id: '9',
      quantity: 1,
    });
  });

  it('reports a missing header and reads the rest in the default order', () => {
    const parser = createRetailRocketParser();
    expect(parser.line('1433221332117,257597,view,355908,')).toMatchObject({
      ok: false,
      error: { line: 1, code: 'BAD_HEADER' },
    });
    expect(parser.line('1433221332118,257597,view,355909,')).toMatchObject({
      ok: true,
      event: { line: 2, key: '257597' },
    });
  });

  it('writes rows back in the layout', () => {
    const rows = [{ timestamp: 1433221332117, visitorid: 257597, event: 'view' as const, itemid: 355908 }];
    expect(writeRetailRocketCsv(rows)).toBe(
      'timestamp,visitorid,event,itemid,transactionid\n1433221332117,257597,view,355908,\n',
    );
  });
});

describe('replaySchedule', () => {
  it.each([
    ['real time', [1000, 1500, 4000], 1, {}, [0, 500, 3000]],
    ['10×', [1000, 1500, 4000], 10, {}, [0, 50, 300]],
    ['100×', [0, 60_000, 120_000], 100, {}, [0, 600, 1200]],
    ['as fast as possible', [1000, 1500, 4000], 'max', {}, [0, 0, 0]],
    ['time going back: sent right after', [1000, 3000, 2000, 7000], 2, {}, [0, 1000, 1000, 3000]],
    ['idle gaps capped', [0, 1000, 86_400_000], 1, { maxGapMs: 5000 }, [0, 1000, 6000]],
    ['empty', [], 1, {}, []],
  ] as const)('%s', (_name, timestamps, speed, options, expected) => {
    expect(replaySchedule(timestamps, speed, options)).toEqual(expected);
  });

  it('preserves a dataset’s relative timing and rejects a bad speed', () => {
    const { events } = parseRetailRocketCsv(
      sampleRetailRocketCsv({ seed: 1, startMs: Date.UTC(2015, 5, 1), badLines: false }).text,
    );
    const offsets = replaySchedule(
      events.map((e) => e.timestampMs),
      10,
    );
    const first = events[0]!.timestampMs;
    events.forEach((e, i) => {
      expect(offsets[i]).toBeCloseTo((e.timestampMs - first) / 10, 6);
    });
    expect(() => replaySchedule([1], 0)).toThrow(/speed/);
    expect(() => replaySchedule([1], Number.NaN)).toThrow(/speed/);
    expect(sendOffsetMs(1_000_060_000, 1_000_000_000, 10)).toBe(6000);
  });
});
