/**
 * Local wall-clock time ⇄ UTC in an IANA zone, with the same rules as `java.time`'s
 * `ZonedDateTime.ofLocal`: a time in a spring-forward gap is moved forward by the gap length
 * (02:30 on a 02:00→03:00 day becomes 03:30 summer time); an ambiguous autumn time takes the
 * earlier instant (the summer-time offset).
 */
import { zoneOffsetMs } from './zone-offset.ts';

const HALF_DAY_MS = 12 * 60 * 60 * 1000;

/**
 * UTC epoch ms of a local wall-clock time, given as the epoch ms of the same fields read as UTC.
 * @example localToUtcMs(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Paris') // Date.UTC(2026, 2, 29, 1, 30)
 */
export function localToUtcMs(wallClockAsUtcMs: number, timeZone: string): number {
  const before = zoneOffsetMs(timeZone, wallClockAsUtcMs - HALF_DAY_MS);
  const after = zoneOffsetMs(timeZone, wallClockAsUtcMs + HALF_DAY_MS);
  if (before === after) {
    const candidate = wallClockAsUtcMs - before;
    const actual = zoneOffsetMs(timeZone, candidate);
    // No transition within ±12 h (the usual case) — or one we did not see from the edges.
    return actual === before ? candidate : wallClockAsUtcMs - actual;
  }
  const withBefore = wallClockAsUtcMs - before;
  const withAfter = wallClockAsUtcMs - after;
  const beforeValid = zoneOffsetMs(timeZone, withBefore) === before;
  const afterValid = zoneOffsetMs(timeZone, withAfter) === after;
  if (beforeValid && afterValid) return Math.min(withBefore, withAfter); // overlap: earlier instant
  if (beforeValid) return withBefore;
  if (afterValid) return withAfter;
  return withBefore; // gap: shift forward by the gap length
}

/**
 * The local wall-clock time of a UTC instant, as epoch ms of the same fields read as UTC
 * (so `new Date(result).getUTCHours()` is the local hour).
 * @example new Date(utcToLocalMs(Date.UTC(2026, 0, 1, 12), 'Africa/Cairo')).getUTCHours() // 14
 */
export function utcToLocalMs(utcMs: number, timeZone: string): number {
  return utcMs + zoneOffsetMs(timeZone, utcMs);
}
