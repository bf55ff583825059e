/**
 * Types of the dataset parsers: what a parsed line gives the loader, and why a line was refused.
 * A parser refuses only the lines it cannot turn into an event with a key and a time; whether
 * the mapped event is *valid* is the validation stage's call, so the loader produces every mapped
 * line and the pipeline's accounting sees the rejects.
 */

/** Why a dataset line could not be mapped (closed list). */
export const DATASET_ERROR = {
  /** JSON lines: the line is not JSON. */
  NOT_JSON: 'NOT_JSON',
  /** JSON lines: the line is JSON but not an object. */
  NOT_OBJECT: 'NOT_OBJECT',
  /** JSON lines: forbidden key, control character, non-finite number or excessive nesting. */
  UNSAFE_JSON: 'UNSAFE_JSON',
  /** No event type, or one that maps to no commerce event type. */
  UNKNOWN_EVENT_TYPE: 'UNKNOWN_EVENT_TYPE',
  /** No user / customer / visitor id. */
  MISSING_USER: 'MISSING_USER',
  /** No timestamp, or one that is not a date. */
  BAD_TIMESTAMP: 'BAD_TIMESTAMP',
  /** CSV: the first line is not a header naming the layout's columns (the default order is assumed). */
  BAD_HEADER: 'BAD_HEADER',
  /** CSV: the line has another number of columns than the header. */
  BAD_COLUMN_COUNT: 'BAD_COLUMN_COUNT',
  /** CSV: an id column is not an integer. */
  BAD_FIELD: 'BAD_FIELD',
} as const;

/** One of the {@link DATASET_ERROR} codes. */
export type DatasetErrorCode = (typeof DATASET_ERROR)[keyof typeof DATASET_ERROR];

/** One mapped line. */
export interface DatasetEvent {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The event's original time, epoch ms (feed these to `replaySchedule`). */
  readonly timestampMs: number;
  /** Kafka key: the user / customer id. */
  readonly key: string;
  /** The event in the commerce model, not yet validated (serialise with `encodeEvent`). */
  readonly event: Readonly<Record<string, unknown>>;
}

/** One refused line. */
export interface DatasetLineError {
  readonly line: number;
  readonly code: DatasetErrorCode;
  readonly message: string;
}

/** What a parser makes of one line: an event, an error, or nothing (blank line, header). */
export type DatasetLineResult =
  | { readonly ok: true; readonly event: DatasetEvent }
  | { readonly ok: false; readonly error: DatasetLineError }
  | undefined;

/** A line-at-a-time parser: feed it every line of the file in order (streams, async readers). */
export interface DatasetLineParser {
  /** Parses the next line (without its line break). */
  line(text: string): DatasetLineResult;
  /** Lines seen so far. */
  readonly lines: number;
}

/** A whole file parsed. */
export interface DatasetParse {
  /** Mapped events, in file order. */
  readonly events: readonly DatasetEvent[];
  /** Refused lines, in file order. */
  readonly errors: readonly DatasetLineError[];
  /** Lines that were neither: blank lines and the CSV header. */
  readonly skipped: number;
}

/**
 * Splits file content into lines (LF or CRLF), dropping a leading BOM.
 * @example splitLines('a\r\nb\n') // ['a', 'b', '']
 */
export function splitLines(text: string): string[] {
  return (text.startsWith('\uFEFF') ? text.slice(1) : text).split(/\r?\n/);
}

/**
 * Runs a line parser over a whole input.
 * @example parseAll(createRetailRocketParser(), csvText)
 */
export function parseAll(parser: DatasetLineParser, input: string | Iterable<string>): DatasetParse {
  const events: DatasetEvent[] = [];
  const errors: DatasetLineError[] = [];
  let skipped = 0;
  for (const text of typeof input === 'string' ? splitLines(input) : input) {
    const result = parser.line(text);
    if (result === undefined) skipped++;
    else if (result.ok) events.push(result.event);
    else errors.push(result.error);
  }
  return { events, errors, skipped };
}
