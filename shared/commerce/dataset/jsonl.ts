/**
 * The KiVendTout `events.jsonl` layout: one event object per line, KiVendTout's names or the
 * model's (`page_view` / `view`, `customer_id` / `user_id`, `product_id` / `item_id`…), time
 * as epoch ms, epoch seconds or ISO-8601. Each line maps to one commerce event (fields the model
 * does not know are dropped); lines that cannot are reported with their line number.
 *
 * Event ids: a UUID `event_id` is kept; another `event_id` becomes a UUID derived from it, and a
 * line without one gets a UUID derived from its text, so loading the same file twice gives the
 * same ids (activity storage and fraud windows deduplicate by them).
 */
import { deterministicUuid } from '../hash.ts';
import { parseJsonObject } from '../json-guard.ts';
import { REJECT_REASON } from '../reason-codes.ts';
import { UuidSchema } from '../schemas.ts';
import { eventTypeOf, mapFields, pickField, timestampOf, userIdOf } from './mapping.ts';
import {
  DATASET_ERROR,
  type DatasetErrorCode,
  type DatasetLineParser,
  type DatasetLineResult,
  type DatasetParse,
  parseAll,
} from './types.ts';

function fail(line: number, code: DatasetErrorCode, message: string): DatasetLineResult {
  return { ok: false, error: { line, code, message } };
}

/**
 * A line-at-a-time parser of the KiVendTout JSON-lines layout.
 * @example
 * const parser = createJsonlParser();
 * for await (const text of readline) { const r = parser.line(text); if (r?.ok) send(r.event); }
 */
export function createJsonlParser(): DatasetLineParser {
  let lines = 0;
  return {
    get lines() {
      return lines;
    },
    line(raw: string): DatasetLineResult {
      const line = ++lines;
      const text = (line === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw).trim();
      if (text.length === 0) return undefined;
      const parsed = parseJsonObject(text);
      if (!parsed.ok) {
        if (parsed.reason === REJECT_REASON.NOT_JSON)
          return fail(line, DATASET_ERROR.NOT_JSON, 'line is not JSON');
        if (parsed.reason === REJECT_REASON.NOT_OBJECT)
          return fail(line, DATASET_ERROR.NOT_OBJECT, parsed.message);
        return fail(line, DATASET_ERROR.UNSAFE_JSON, `${parsed.reason}: ${parsed.message}`);
      }
      const source = parsed.value;
      const rawType = pickField(source, 'event_type');
      const type = eventTypeOf(rawType);
      if (type === undefined) {
        return fail(
          line,
          DATASET_ERROR.UNKNOWN_EVENT_TYPE,
          rawType === undefined
            ? 'no event type'
            : `event type ${JSON.stringify(String(rawType).slice(0, 32))} is not mapped`,
        );
      }
      const user = userIdOf(pickField(source, 'user_id'));
      if (user === undefined) return fail(line, DATASET_ERROR.MISSING_USER, 'no user_id / customer_id');
      const timestampMs = timestampOf(pickField(source, 'timestamp'));
      if (timestampMs === undefined) return fail(line, DATASET_ERROR.BAD_TIMESTAMP, 'no readable timestamp');
      const id = pickField(source, 'event_id');
      const eventId =
        typeof id === 'string' && UuidSchema.safeParse(id).success
          ? id
          : id !== undefined
            ? deterministicUuid('kivendtout', String(id))
            : deterministicUuid('kivendtout-line', text);
      return {
        ok: true,
        event: {
          line,
          timestampMs,
          key: user,
          event: Object.assign(
            { event_id: eventId, event_type: type, timestamp: timestampMs, user_id: user },
            mapFields(source, type),
            { source: 'kivendtout' },
          ),
        },
      };
    },
  };
}

/**
 * Parses a whole KiVendTout `events.jsonl` content (or its lines).
 * @example const { events, errors } = parseKiVendToutJsonl(text) // errors: [{ line: 4, code: 'NOT_JSON', … }]
 */
export function parseKiVendToutJsonl(input: string | Iterable<string>): DatasetParse {
  return parseAll(createJsonlParser(), input);
}
