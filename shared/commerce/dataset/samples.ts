/**
 * Writers of small files in each dataset layout: tests parse them back, and the loader's
 * integration test writes one to disk. The samples come from the synthetic generator, so they
 * are realistic and deterministic from their seed, and they hold a few bad lines at known
 * line numbers.
 */

import { CommerceGenerator } from '../generator/commerce-generator.ts';
import type { CommerceEvent } from '../schemas.ts';
import { RETAIL_ROCKET_COLUMNS } from './retail-rocket.ts';

/** One Retail Rocket row. */
export interface RetailRocketRow {
  readonly timestamp: number;
  readonly visitorid: string | number;
  readonly event: 'view' | 'addtocart' | 'transaction';
  readonly itemid: string | number;
  readonly transactionid?: string | number;
}

/** A sample file's content and what parsing it must give. */
export interface DatasetSample {
  /** The file content. */
  readonly text: string;
  /** The events the good lines hold, in file order, as the parser must map them (Retail Rocket: without the derived `event_id`). */
  readonly expected: readonly Readonly<Record<string, unknown>>[];
  /** 1-based numbers of the bad lines. */
  readonly badLines: readonly number[];
}

/** Options of the sample writers. */
export interface SampleOptions {
  readonly seed: number;
  /** Event time of the first event, epoch ms. */
  readonly startMs: number;
  /** Sprint-1 events to draw (payment/order events come on top in the JSON-lines sample). @default 40 */
  readonly count?: number;
  /** Insert bad lines. @default true */
  readonly badLines?: boolean;
}

/**
 * JSON lines: one `JSON.stringify` per object.
 * @example writeJsonl([{ a: 1 }, { b: 2 }]) // '{"a":1}\n{"b":2}\n'
 */
export function writeJsonl(objects: readonly unknown[]): string {
  return objects.map((o) => `${JSON.stringify(o)}\n`).join('');
}

/**
 * The Retail Rocket layout: header, then one row per event.
 * @example writeRetailRocketCsv([{ timestamp: 1433221332117, visitorid: 257597, event: 'view', itemid: 355908 }])
 * // 'timestamp,visitorid,event,itemid,transactionid\n1433221332117,257597,view,355908,\n'
 */
export function writeRetailRocketCsv(rows: readonly RetailRocketRow[]): string {
  const lines = rows.map(
    (r) => `${r.timestamp},${r.visitorid},${r.event},${r.itemid},${r.transactionid ?? ''}`,
  );
  return `${RETAIL_ROCKET_COLUMNS.join(',')}\n${lines.map((l) => `${l}\n`).join('')}`;
}

function sampleEvents(options: SampleOptions): CommerceEvent[] {
  const generator = new CommerceGenerator({
    seed: options.seed,
    startMs: options.startMs,
    count: options.count ?? 40,
    ratePerSecond: 2,
    customers: 40,
  });
  const events: CommerceEvent[] = [];
  for (const record of generator) if (record.event !== undefined) events.push(record.event);
  return events;
}

/** KiVendTout's names for the model's. */
const KIVENDTOUT_TYPE: Readonly<Partial<Record<string, string>>> = {
  view: 'page_view',
  addtocart: 'add_to_cart',
};

/** Inserts `bad` lines after the good line numbers given; returns the lines and bad line numbers. */
function interleave(
  good: readonly string[],
  bad: readonly (readonly [number, string])[],
): { lines: string[]; badLines: number[] } {
  const lines: string[] = [];
  const badLines: number[] = [];
  good.forEach((line, i) => {
    lines.push(line);
    for (const [after, text] of bad) {
      if (after === i + 1) {
        lines.push(text);
        if (text.trim() !== '') badLines.push(lines.length);
      }
    }
  });
  return { lines, badLines };
}

/**
 * A KiVendTout `events.jsonl` sample: generated events written with KiVendTout's names
 * (`page_view`, `add_to_cart`, `customer_id`, `product_id`, `payment_method`), ISO-8601 times,
 * extra fields the model does not know, a blank line, and bad lines (not JSON, not an object,
 * unknown type, no customer, a `__proto__` key).
 * @example const { text, expected, badLines } = sampleKiVendToutJsonl({ seed: 7, startMs: Date.UTC(2026, 0, 15) })
 */
export function sampleKiVendToutJsonl(options: SampleOptions): DatasetSample {
  const events = sampleEvents(options);
  const good = events.map((event) => {
    const { user_id, event_type, timestamp, ...rest } = event;
    const renamed: Record<string, unknown> = {
      event_id: rest.event_id,
      event_type: KIVENDTOUT_TYPE[event_type] ?? event_type,
      customer_id: user_id,
      timestamp: new Date(timestamp).toISOString(),
    };
    for (const [field, value] of Object.entries(rest)) {
      if (field === 'event_id') continue;
      renamed[field === 'item_id' ? 'product_id' : field === 'method' ? 'payment_method' : field] = value;
    }
    renamed.user_agent = 'Mozilla/5.0 (Linux; Android 14)';
    renamed.ip_country = 'FR';
    return JSON.stringify(renamed);
  });
  const bad: [number, string][] =
    options.badLines === false
      ? []
      : [
          [2, '{"event_type": "page_view", "customer_id": "1", '],
          [4, '[1, 2, 3]'],
          [5, ''],
          [7, '{"event_type":"teleport","customer_id":"100001","timestamp":1768472625120}'],
          [9, '{"event_type":"page_view","timestamp":1768472625120,"product_id":"1"}'],
          [11, '{"event_type":"page_view","customer_id":"1","timestamp":1768472625120,"__proto__":{"x":1}}'],
        ];
  const { lines, badLines } = interleave(good, bad);
  return {
    text: `${lines.join('\n')}\n`,
    expected: events.map((e) => ({ ...e, source: 'kivendtout' })),
    badLines,
  };
}

/**
 * A Retail Rocket `events.csv` sample: the generated views, add-to-carts and transactions of
 * the synthetic shop as Retail Rocket rows (transaction ids numbered from 1), and bad lines
 * (bad timestamp, unknown event, missing column, non-integer visitor).
 * @example const { text, expected } = sampleRetailRocketCsv({ seed: 7, startMs: Date.UTC(2015, 5, 1) })
 */
export function sampleRetailRocketCsv(options: SampleOptions): DatasetSample {
  const rows: RetailRocketRow[] = [];
  let transactions = 0;
  for (const event of sampleEvents(options)) {
    if (event.event_type === 'view' || event.event_type === 'addtocart') {
      rows.push({
        timestamp: event.timestamp,
        visitorid: event.user_id,
        event: event.event_type,
        itemid: event.item_id,
      });
    } else if (event.event_type === 'transaction') {
      rows.push({
        timestamp: event.timestamp,
        visitorid: event.user_id,
        event: 'transaction',
        itemid: event.item_id,
        transactionid: ++transactions,
      });
    }
  }
  const good = writeRetailRocketCsv(rows).trimEnd().split('\n');
  const bad: [number, string][] =
    options.badLines === false
      ? []
      : [
          [3, 'yesterday,257597,view,355908,'],
          [5, `${options.startMs},257597,click,355908,`],
          [6, ''],
          [8, `${options.startMs},257597,view`],
          [10, `${options.startMs},visitor-9,view,355908,`],
        ];
  const { lines, badLines } = interleave(good, bad);
  return { text: `${lines.join('\n')}\n`, expected: rows.map(retailRocketExpected), badLines };
}

function retailRocketExpected(row: RetailRocketRow): Readonly<Record<string, unknown>> {
  // What the parser must make of a row (ids and placeholders as documented in retail-rocket.ts).
  const visitor = String(row.visitorid);
  const base = {
    event_type: row.event,
    timestamp: row.timestamp,
    user_id: visitor,
    item_id: String(row.itemid),
    session_id: `rr-${visitor}-${Math.floor(row.timestamp / 1_800_000)}`,
    source: 'retailrocket',
  };
  if (row.event === 'view') return { ...base, category: 'unknown', device_type: 'unknown' };
  if (row.event === 'addtocart') return { ...base, quantity: 1 };
  return { ...base, category: 'unknown', price: 0, quantity: 1, order_id: String(row.transactionid) };
}
