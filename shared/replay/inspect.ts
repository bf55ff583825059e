/**
 * Tallies dead letters for `orion dlq inspect`: counts by reason, stage, source topic, format and
 * hour of failure, and a few samples — with personal data masked (`shared/observability/redact.ts`).
 */
import { redactString } from '../observability/redact.ts';
import type { DeadLetter } from './dead-letter.ts';

/** One sample dead letter, safe to print. */
export interface DeadLetterSample {
  /** Where the dead letter sits, e.g. `orders.dlq-2@41`. */
  readonly at: string;
  readonly format: DeadLetter['format'];
  readonly reason: string;
  readonly stage?: string;
  /** Where the original record came from, e.g. `orders-3@1200`. */
  readonly source?: string;
  readonly failedAt?: string;
  readonly replayCount: number;
  /** Key, masked. */
  readonly key: string | null;
  /** The first bytes of the value as text, masked. */
  readonly value: string | null;
  readonly message?: string;
}

/** Counts of a tally. */
export interface DeadLetterStats {
  /** Records read from the dead-letter topic. */
  records: number;
  /** Original records they hold. */
  letters: number;
  byReason: Record<string, number>;
  byStage: Record<string, number>;
  bySourceTopic: Record<string, number>;
  byFormat: Record<string, number>;
  /** By hour of failure (UTC, `YYYY-MM-DDTHH`), from the failure time or else the record timestamp. */
  byHour: Record<string, number>;
  samples: DeadLetterSample[];
}

const UNKNOWN = '(unknown)';
const PREVIEW_CHARS = 160;

/**
 * Accumulates dead letters; read the result with {@link DeadLetterTally.stats}.
 *
 * @example const tally = new DeadLetterTally(3); for (const r of records) tally.addRecord(r.timestamp, decodeDeadLetters(r, pipeline));
 */
export class DeadLetterTally {
  private readonly s: DeadLetterStats = {
    records: 0,
    letters: 0,
    byReason: {},
    byStage: {},
    bySourceTopic: {},
    byFormat: {},
    byHour: {},
    samples: [],
  };

  constructor(private readonly sampleCount = 3) {}

  /** Adds the letters of one dead-letter record written at `timestamp` (epoch ms). */
  addRecord(timestamp: number, letters: readonly DeadLetter[]): void {
    this.s.records += 1;
    for (const letter of letters) {
      this.s.letters += 1;
      bump(this.s.byReason, letter.reason);
      bump(this.s.byStage, letter.stage ?? UNKNOWN);
      bump(this.s.bySourceTopic, letter.source?.topic ?? UNKNOWN);
      bump(this.s.byFormat, letter.format);
      bump(this.s.byHour, new Date(letter.failedAt ?? timestamp).toISOString().slice(0, 13));
      if (this.s.samples.length < this.sampleCount) this.s.samples.push(sampleOf(letter));
    }
  }

  /** The counts so far. */
  stats(): DeadLetterStats {
    return this.s;
  }
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/**
 * A printable, masked view of a dead letter.
 * @example sampleOf(letter).key // '[ID]'
 */
export function sampleOf(letter: DeadLetter): DeadLetterSample {
  const { at, source } = letter;
  return {
    at: `${at.topic}-${at.partition}@${at.offset}${letter.of > 1 ? `#${letter.index}` : ''}`,
    format: letter.format,
    reason: letter.reason,
    replayCount: letter.replayCount,
    key: letter.key === null ? null : redactString(letter.key.toString('utf8')),
    value: letter.value === null ? null : previewOf(letter.value),
    ...(letter.stage ? { stage: letter.stage } : {}),
    ...(source ? { source: `${source.topic}-${source.partition}@${source.offset}` } : {}),
    ...(letter.failedAt !== undefined ? { failedAt: new Date(letter.failedAt).toISOString() } : {}),
    ...(letter.message ? { message: redactString(letter.message) } : {}),
  };
}

/**
 * The first characters of a value as text, personal data masked, non-printable bytes escaped.
 * @example previewOf(Buffer.from('208150123456789;0612345678')) // '[ID];[NUMBER]'
 */
export function previewOf(value: Buffer, chars = PREVIEW_CHARS): string {
  const text = value.toString('utf8');
  // Mask before truncating, so that a cut never leaves part of an identifier in clear.
  const masked = [...redactString(text)].map((c) => (isPrintable(c) ? c : '.')).join('');
  return masked.length > chars ? `${masked.slice(0, chars)}… (${value.length} bytes)` : masked;
}

function isPrintable(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return (code >= 0x20 && code !== 0x7f && code !== 0xfffd) || c === '\t' || c === '\n';
}
