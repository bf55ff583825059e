import { describe, expect, it } from 'vitest';
import { compileTimeFormat, isoUtc, localToUtcMs, zoneOffsetMs } from '../../../shared/cdr/index.ts';

const H = 3_600_000;

describe('zone offsets from the runtime tz data', () => {
  it.each([
    ['Europe/Paris', Date.UTC(2026, 0, 15), 1],
    ['Europe/Paris', Date.UTC(2026, 6, 15), 2],
    ['Europe/Brussels', Date.UTC(2026, 6, 15), 2],
    ['Europe/Warsaw', Date.UTC(2026, 0, 15), 1],
    ['Africa/Casablanca', Date.UTC(2026, 0, 15), 1],
    ['Africa/Casablanca', Date.UTC(2026, 2, 1), 0], // Ramadan 2026: back to +00
    ['Africa/Casablanca', Date.UTC(2026, 3, 1), 1],
    ['Africa/Cairo', Date.UTC(2026, 0, 15), 2],
    ['Africa/Cairo', Date.UTC(2026, 6, 15), 3], // Egyptian DST, reinstated in 2023
    ['Africa/Tunis', Date.UTC(2026, 6, 15), 1],
    ['Africa/Abidjan', Date.UTC(2026, 6, 15), 0],
    ['Africa/Dakar', Date.UTC(2026, 6, 15), 0],
    ['Africa/Douala', Date.UTC(2026, 6, 15), 1],
    ['Indian/Antananarivo', Date.UTC(2026, 6, 15), 3],
  ])('%s at %d is UTC%+d', (zone, at, hours) => {
    expect(zoneOffsetMs(zone, at)).toBe(hours * H);
  });
});

describe('local wall-clock time → UTC across DST changes', () => {
  it.each([
    // [zone, local wall clock (as UTC fields), expected UTC, why]
    ['Europe/Paris', Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2026, 2, 29, 0, 30), 'before the spring gap'],
    [
      'Europe/Paris',
      Date.UTC(2026, 2, 29, 2, 30),
      Date.UTC(2026, 2, 29, 1, 30),
      '02:30 does not exist: read as 03:30 CEST',
    ],
    ['Europe/Paris', Date.UTC(2026, 2, 29, 3, 30), Date.UTC(2026, 2, 29, 1, 30), 'after the gap'],
    [
      'Europe/Paris',
      Date.UTC(2026, 9, 25, 2, 30),
      Date.UTC(2026, 9, 25, 0, 30),
      'ambiguous autumn 02:30: earlier (CEST)',
    ],
    ['Europe/Paris', Date.UTC(2026, 9, 25, 3, 30), Date.UTC(2026, 9, 25, 2, 30), 'after the overlap'],
    ['Europe/Brussels', Date.UTC(2026, 2, 29, 2, 15), Date.UTC(2026, 2, 29, 1, 15), 'Brussels spring gap'],
    [
      'Africa/Casablanca',
      Date.UTC(2026, 1, 15, 2, 30),
      Date.UTC(2026, 1, 15, 1, 30),
      'Ramadan start: ambiguous, earlier (+01)',
    ],
    ['Africa/Casablanca', Date.UTC(2026, 2, 1, 12, 0), Date.UTC(2026, 2, 1, 12, 0), 'during Ramadan: +00'],
    [
      'Africa/Casablanca',
      Date.UTC(2026, 2, 22, 2, 30),
      Date.UTC(2026, 2, 22, 2, 30),
      'Ramadan end gap: read as 03:30 +01',
    ],
    ['Africa/Casablanca', Date.UTC(2026, 2, 22, 4, 0), Date.UTC(2026, 2, 22, 3, 0), 'after Ramadan: +01'],
    [
      'Africa/Cairo',
      Date.UTC(2026, 3, 24, 0, 30),
      Date.UTC(2026, 3, 23, 22, 30),
      'Egypt spring gap at midnight',
    ],
    [
      'Africa/Cairo',
      Date.UTC(2026, 9, 29, 23, 30),
      Date.UTC(2026, 9, 29, 20, 30),
      'Egypt autumn overlap: earlier (+03)',
    ],
    ['Africa/Abidjan', Date.UTC(2026, 2, 29, 2, 30), Date.UTC(2026, 2, 29, 2, 30), 'no DST'],
    [
      'Indian/Antananarivo',
      Date.UTC(2026, 5, 1, 0, 0),
      Date.UTC(2026, 4, 31, 21, 0),
      'UTC+3, previous UTC day',
    ],
  ])('%s %s', (zone, wall, utc) => {
    expect(localToUtcMs(wall, zone)).toBe(utc);
  });
});

describe('time formats', () => {
  const paris = compileTimeFormat({ kind: 'local', pattern: 'YYYYMMDDHHmmss' }, 'Europe/Paris');
  const brussels = compileTimeFormat({ kind: 'local', pattern: 'DD/MM/YYYY HH:mm:ss' }, 'Europe/Brussels');
  const iso = compileTimeFormat({ kind: 'iso-offset' }, 'Europe/Warsaw');
  const epochS = compileTimeFormat({ kind: 'epoch-seconds' }, 'Africa/Douala');
  const epochMs = compileTimeFormat({ kind: 'epoch-millis' }, 'Indian/Antananarivo');

  it.each([
    [paris, '20260329023000', Date.UTC(2026, 2, 29, 1, 30)],
    [paris, '20260115120000', Date.UTC(2026, 0, 15, 11)],
    [brussels, '25/10/2026 02:30:00', Date.UTC(2026, 9, 25, 0, 30)],
    [iso, '2026-03-29T03:30:00+02:00', Date.UTC(2026, 2, 29, 1, 30)],
    [iso, '2026-03-29T01:30:00Z', Date.UTC(2026, 2, 29, 1, 30)],
    [iso, '2026-03-29T01:30:00-01:30', Date.UTC(2026, 2, 29, 3, 0)],
    [epochS, '1774780000', 1_774_780_000_000],
    [epochS, 1_774_780_000, 1_774_780_000_000],
    [epochMs, 1_774_780_000_123, 1_774_780_000_123],
  ] as const)('parses %#', (codec, value, expected) => {
    expect(codec.parse(value)).toBe(expected);
  });

  it.each([
    [paris, '20260230120000', 'February 30th'],
    [paris, '20261301120000', 'month 13'],
    [paris, '20260101240000', 'hour 24'],
    [paris, '2026010112000', 'too short'],
    [paris, '2026O101120000', 'letter O'],
    [brussels, '2026-01-01 12:00:00', 'wrong separators'],
    [iso, '2026-03-29T03:30:00+25:00', 'offset too large'],
    [iso, '2026-03-29 03:30:00+02:00', 'space instead of T'],
    [epochS, '-1', 'negative'],
    [epochS, '17747800OO', 'letters'],
    [epochMs, 1.5, 'fraction'],
    [epochMs, true, 'boolean'],
  ] as const)('rejects %s (%s)', (codec, value, _why) => {
    expect(codec.parse(value)).toBeNaN();
  });

  it('formats what it parses, through DST', () => {
    for (const at of [
      Date.UTC(2026, 2, 29, 0, 59, 59),
      Date.UTC(2026, 2, 29, 1),
      Date.UTC(2026, 9, 25, 0, 30),
      Date.UTC(2026, 9, 25, 1, 30),
    ]) {
      expect(iso.parse(iso.format(at))).toBe(at);
      expect(epochS.parse(epochS.format(at))).toBe(at);
    }
    // The second 02:30 of the Paris overlap is written as 02:30 and read back as the first: inherent to local times.
    expect(paris.parse(paris.format(Date.UTC(2026, 9, 25, 1, 30)))).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(paris.format(Date.UTC(2026, 2, 29, 1, 30))).toBe('20260329033000');
  });
});

describe('isoUtc', () => {
  it('writes exactly what Date.prototype.toISOString writes', () => {
    const edges = [
      0,
      951_782_400_000,
      4_107_542_400_000,
      Date.UTC(2026, 1, 28, 23, 59, 59, 999),
      Date.UTC(2024, 1, 29, 12),
      253_402_300_799_999,
    ];
    let seed = 1;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      edges.push(Math.floor((seed / 2 ** 31) * 253_402_300_799_999));
    }
    for (const ms of edges) expect(isoUtc(ms)).toBe(new Date(ms).toISOString());
  });
});
