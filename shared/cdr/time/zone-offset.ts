/**
 * UTC offsets of IANA time zones, from the runtime's own tz data (`Intl.DateTimeFormat`), so DST
 * rules — including Morocco's Ramadan changes and Egypt's DST since 2023 — follow the tz
 * database without a dependency. One formatter per zone, and offsets cached per quarter hour
 * (every modern tz transition falls on a quarter hour), so a record costs a Map lookup.
 */

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const MAX_CACHED_QUARTERS = 200_000;

interface ZoneCache {
  readonly format: Intl.DateTimeFormat;
  readonly offsets: Map<number, number>;
}

const zones = new Map<string, ZoneCache>();

function zoneCache(timeZone: string): ZoneCache {
  let cache = zones.get(timeZone);
  if (!cache) {
    cache = {
      format: new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
      offsets: new Map(),
    };
    zones.set(timeZone, cache);
  }
  return cache;
}

function computeOffsetMs(format: Intl.DateTimeFormat, utcMs: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of format.formatToParts(utcMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
    }
  }
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * Offset (ms, local − UTC) of `timeZone` at the instant `utcMs`.
 * @example zoneOffsetMs('Europe/Paris', Date.UTC(2026, 6, 1)) // 7_200_000
 */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const cache = zoneCache(timeZone);
  const quarter = Math.floor(utcMs / QUARTER_HOUR_MS);
  let offset = cache.offsets.get(quarter);
  if (offset === undefined) {
    if (cache.offsets.size >= MAX_CACHED_QUARTERS) cache.offsets.clear();
    offset = computeOffsetMs(cache.format, quarter * QUARTER_HOUR_MS);
    cache.offsets.set(quarter, offset);
  }
  return offset;
}

/**
 * True when `timeZone` is an IANA zone this runtime knows.
 * @example isKnownTimeZone('Africa/Casablanca') // true
 */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    zoneCache(timeZone);
    return true;
  } catch {
    return false;
  }
}
