/**
 * Pacing schedules: when, relative to the start of a run, the I/O layer should send each
 * record. Domain code never sleeps; the producer loop waits until each offset.
 */
import { requireOption } from './errors.ts';

/** Replay speed: a multiplier of event time (1 = real time, 10, 100, …) or `'max'` (no waiting). */
export type Speed = number | 'max';

/** Options of {@link replaySchedule}. */
export interface ReplayOptions {
  /** Longest wait between two consecutive sends after scaling (idle gaps of a months-long dataset). @default no cap */
  readonly maxGapMs?: number;
}

function checkSpeed(speed: Speed): void {
  requireOption(
    speed === 'max' || (Number.isFinite(speed) && speed > 0),
    `speed must be a positive number or 'max', got ${String(speed)}`,
  );
}

/**
 * Send offset (ms after the run starts) of an event that happened `timestampMs`, in a run
 * whose event time starts at `startMs`, at `speed`.
 * @example sendOffsetMs(1_000_060_000, 1_000_000_000, 10) // 6000: a minute of events in 6 s
 */
export function sendOffsetMs(timestampMs: number, startMs: number, speed: Speed): number {
  checkSpeed(speed);
  if (speed === 'max') return 0;
  return Math.max(0, (timestampMs - startMs) / speed);
}

/**
 * Send offsets for events in file order that preserve their relative timing at `speed`:
 * offset_i = (t_i − t_0) / speed, but never earlier than the previous offset (a record whose
 * timestamp goes back in time is sent right after its predecessor), and each gap capped at
 * `maxGapMs`. `'max'` gives all zeros.
 * @example replaySchedule([1000, 3000, 2000, 7000], 2) // [0, 1000, 1000, 3000]
 * @example replaySchedule([5, 9], 'max') // [0, 0]
 */
export function replaySchedule(
  timestamps: readonly number[],
  speed: Speed,
  options: ReplayOptions = {},
): number[] {
  checkSpeed(speed);
  const { maxGapMs } = options;
  requireOption(maxGapMs === undefined || maxGapMs >= 0, 'maxGapMs must be ≥ 0');
  const offsets: number[] = new Array(timestamps.length);
  if (timestamps.length === 0) return offsets;
  let offset = 0;
  let latest = timestamps[0]!;
  offsets[0] = 0;
  for (let i = 1; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (speed !== 'max' && t > latest) {
      let gap = (t - latest) / speed;
      if (maxGapMs !== undefined && gap > maxGapMs) gap = maxGapMs;
      offset += gap;
      latest = t;
    }
    offsets[i] = offset;
  }
  return offsets;
}
