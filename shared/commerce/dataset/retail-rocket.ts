/**
 * The Retail Rocket `events.csv` layout: a header `timestamp,visitorid,event,itemid,transactionid`
 * (columns located by name, any order), then one row per event — time in epoch ms, event ∈
 * `view` / `addtocart` / `transaction`, integer ids, `transactionid` only on transactions.
 *
 * Mapping: `user_id` = visitorid, `item_id` = itemid, `order_id` = transactionid. The layout
 * records no category, device, session, price or quantity, which Sprint-1 requires, so the
 * mapping fills documented placeholders: category and device `unknown`, quantity 1, price 0
 * (Retail Rocket's prices are hashed in another file), and a session per visitor and 30-minute
 * bucket (`rr-<visitorid>-<bucket>`). Event ids derive from the row's content.
 */
import { SESSION_TIMEOUT_MS } from '../constants.ts';
import { deterministicUuid } from '../hash.ts';
import {
  DATASET_ERROR,
  type DatasetErrorCode,
  type DatasetLineParser,
  type DatasetLineResult,
  type DatasetParse,
  parseAll,
} from './types.ts';

/** The layout's columns, in Retail Rocket's order. */
export const RETAIL_ROCKET_COLUMNS = ['timestamp', 'visitorid', 'event', 'itemid', 'transactionid'] as const;

/** Retail Rocket's event names (they are the Sprint-1 type names). */
export const RETAIL_ROCKET_EVENTS = ['view', 'addtocart', 'transaction'] as const;

type Column = (typeof RETAIL_ROCKET_COLUMNS)[number];
type RetailRocketEvent = (typeof RETAIL_ROCKET_EVENTS)[number];

const REQUIRED: readonly Column[] = ['timestamp', 'visitorid', 'event', 'itemid'];
const DIGITS = /^\d{1,18}$/;

function fail(line: number, code: DatasetErrorCode, message: string): DatasetLineResult {
  return { ok: false, error: { line, code, message } };
}

function cell(text: string | undefined): string {
  const value = (text ?? '').trim();
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1).trim()
    : value;
}

/**
 * A line-at-a-time parser of the Retail Rocket layout. The first non-blank line must be the
 * header; when it is not, it is reported (BAD_HEADER, not loaded) and the following lines are
 * read in the default column order.
 * @example const parser = createRetailRocketParser(); parser.line('timestamp,visitorid,event,itemid,transactionid');
 */
export function createRetailRocketParser(): DatasetLineParser {
  let lines = 0;
  let columns: Map<Column, number> | undefined;
  let width: number = RETAIL_ROCKET_COLUMNS.length;
  const defaults = new Map<Column, number>(RETAIL_ROCKET_COLUMNS.map((c, i) => [c, i]));

  function row(line: number, fields: readonly string[]): DatasetLineResult {
    const at = columns ?? defaults;
    if (fields.length !== width) {
      return fail(line, DATASET_ERROR.BAD_COLUMN_COUNT, `${fields.length} columns, expected ${width}`);
    }
    const get = (c: Column): string => {
      const i = at.get(c);
      return i === undefined ? '' : cell(fields[i]);
    };
    const ts = get('timestamp');
    if (!DIGITS.test(ts)) return fail(line, DATASET_ERROR.BAD_TIMESTAMP, 'timestamp is not epoch ms');
    const timestampMs = Number(ts);
    const event = get('event').toLowerCase();
    if (!(RETAIL_ROCKET_EVENTS as readonly string[]).includes(event)) {
      return fail(
        line,
        DATASET_ERROR.UNKNOWN_EVENT_TYPE,
        `event ${JSON.stringify(event.slice(0, 32))} is not view/addtocart/transaction`,
      );
    }
    const visitor = get('visitorid');
    if (visitor === '') return fail(line, DATASET_ERROR.MISSING_USER, 'visitorid is empty');
    const item = get('itemid');
    const transaction = get('transactionid');
    if (!DIGITS.test(visitor) || !DIGITS.test(item) || (transaction !== '' && !DIGITS.test(transaction))) {
      return fail(line, DATASET_ERROR.BAD_FIELD, 'visitorid, itemid and transactionid must be integers');
    }
    const type = event as RetailRocketEvent;
    const common = {
      event_id: deterministicUuid('retailrocket', timestampMs, visitor, type, item, transaction),
      event_type: type,
      timestamp: timestampMs,
      user_id: visitor,
      item_id: item,
      session_id: `rr-${visitor}-${Math.floor(timestampMs / SESSION_TIMEOUT_MS)}`,
      source: 'retailrocket',
    };
    const mapped =
      type === 'view'
        ? { ...common, category: 'unknown', device_type: 'unknown' }
        : type === 'addtocart'
          ? { ...common, quantity: 1 }
          : {
              ...common,
              category: 'unknown',
              price: 0,
              quantity: 1,
              ...(transaction === '' ? {} : { order_id: transaction }),
            };
    return { ok: true, event: { line, timestampMs, key: visitor, event: mapped } };
  }

  return {
    get lines() {
      return lines;
    },
    line(raw: string): DatasetLineResult {
      const line = ++lines;
      const text = (line === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw).trim();
      if (text.length === 0) return undefined;
      const fields = text.split(',');
      if (columns === undefined) {
        const names = fields.map((f) => cell(f).toLowerCase());
        if (REQUIRED.every((c) => names.includes(c))) {
          const found = new Map<Column, number>();
          names.forEach((name, i) => {
            if ((RETAIL_ROCKET_COLUMNS as readonly string[]).includes(name)) found.set(name as Column, i);
          });
          columns = found;
          width = names.length;
          return undefined;
        }
        columns = defaults;
        return fail(
          line,
          DATASET_ERROR.BAD_HEADER,
          `first line is not the header ${RETAIL_ROCKET_COLUMNS.join(',')}; not loaded, default column order assumed`,
        );
      }
      return row(line, fields);
    },
  };
}

/**
 * Parses a whole Retail Rocket `events.csv` content (or its lines).
 * @example parseRetailRocketCsv('timestamp,visitorid,event,itemid,transactionid\n1433221332117,257597,view,355908,\n')
 * // { events: [{ line: 2, key: '257597', … }], errors: [], skipped: 2 }
 */
export function parseRetailRocketCsv(input: string | Iterable<string>): DatasetParse {
  return parseAll(createRetailRocketParser(), input);
}
