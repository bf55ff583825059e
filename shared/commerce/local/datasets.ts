/**
 * The dataset layouts `orion load --pipeline commerce <file>` replays into `raw-events`: the
 * KiVendTout JSON lines (`events.jsonl`) and the Retail Rocket `events.csv`. Each line goes
 * through the layout's parser (`shared/commerce/dataset/*`); a mapped event is produced unchanged
 * in the model (validation decides whether it is valid, and rejects what is not, with a reason),
 * keyed by its user id, at the send offset `replaySchedule` gives its time at the chosen speed.
 * A line the parser refuses is skipped with its dataset error code.
 */
import type {
  DatasetLineOutcome,
  DatasetReader,
  DatasetReadOptions,
  LocalRunDataset,
} from '../../pipeline/local-run.ts';
import { createJsonlParser } from '../dataset/jsonl.ts';
import { createRetailRocketParser } from '../dataset/retail-rocket.ts';
import type { DatasetLineParser } from '../dataset/types.ts';
import { type ReplayOptions, replaySchedule, type Speed } from '../pacing.ts';
import { COMMERCE_TOPIC } from '../routing.ts';
import { encodeEvent } from '../serialize.ts';

/**
 * Send offsets for records read one at a time, as {@link replaySchedule} gives them for the
 * whole file: each gap since the latest time so far, scaled and capped, added to the previous
 * offset (a record whose time goes back is sent right after its predecessor).
 * @example const offsetOf = replayPacer(10); offsetOf(1000); offsetOf(3000) // 0, then 200
 */
export function replayPacer(speed: Speed, options: ReplayOptions = {}): (timestampMs: number) => number {
  replaySchedule([], speed, options); // checks the speed and the cap now, not at the first line
  let latest: number | undefined;
  let offset = 0;
  return (timestampMs) => {
    if (latest === undefined) {
      latest = timestampMs;
      return 0;
    }
    offset += replaySchedule([latest, timestampMs], speed, options)[1]!;
    if (timestampMs > latest) latest = timestampMs;
    return offset;
  };
}

/** A reader over a line parser of `shared/commerce/dataset`. */
function readerOf(parser: DatasetLineParser, options: DatasetReadOptions): DatasetReader {
  const offsetOf = replayPacer(
    options.speed,
    options.maxGapMs === undefined ? {} : { maxGapMs: options.maxGapMs },
  );
  return {
    line(text: string): DatasetLineOutcome {
      const result = parser.line(text);
      if (result === undefined) return { kind: 'ignored' };
      if (!result.ok) {
        const { line, code, message } = result.error;
        return { kind: 'skipped', line, reason: code, message };
      }
      const { event } = result;
      return {
        kind: 'record',
        record: {
          topic: COMMERCE_TOPIC.rawEvents,
          key: event.key,
          value: encodeEvent(event.event),
          sendOffsetMs: offsetOf(event.timestampMs),
        },
      };
    },
  };
}

const JSONL_NAME = /\.(jsonl|ndjson|json)(\.gz)?$/i;
const CSV_NAME = /\.csv(\.gz)?$/i;

/** KiVendTout `events.jsonl`: one event object per line. */
export const KIVENDTOUT_JSONL: LocalRunDataset = {
  name: 'jsonl',
  description: 'JSON lines of user, payment and order events (the KiVendTout events.jsonl shape)',
  detect: (fileName, firstLine) =>
    firstLine ? firstLine.trimStart().startsWith('{') : JSONL_NAME.test(fileName),
  open: (options) => readerOf(createJsonlParser(), options),
};

/** Retail Rocket `events.csv`: `timestamp,visitorid,event,itemid,transactionid`. */
export const RETAIL_ROCKET_CSV: LocalRunDataset = {
  name: 'retail-rocket',
  description: 'the Retail Rocket events.csv layout (timestamp,visitorid,event,itemid,transactionid)',
  detect: (fileName, firstLine) =>
    firstLine
      ? /\bvisitorid\b/i.test(firstLine) || (CSV_NAME.test(fileName) && /^\d+,/.test(firstLine))
      : CSV_NAME.test(fileName),
  open: (options) => readerOf(createRetailRocketParser(), options),
};

/** Every layout, in detection order. */
export const COMMERCE_DATASETS: readonly LocalRunDataset[] = [KIVENDTOUT_JSONL, RETAIL_ROCKET_CSV];
