import { describe, expect, it } from 'vitest';
import { COUNTRY_FORMATS, formatNumber, toE164 } from '../../../shared/cdr/index.ts';

const plan = (cc: keyof typeof COUNTRY_FORMATS) => COUNTRY_FORMATS[cc].numbering;

describe('toE164', () => {
  it.each([
    ['fr', '0612345678', '+33612345678', 'national with trunk 0'],
    ['fr', '0033612345678', '+33612345678', '00-prefixed'],
    ['fr', '+33612345678', '+33612345678', 'already E.164'],
    ['fr', '33612345678', '+33612345678', 'home code without +'],
    ['fr', '0021698765432', '+21698765432', 'international from France'],
    ['be', '0471234567', '+32471234567', 'Belgian mobile (NSN 9)'],
    ['be', '022345678', '+3222345678', 'Belgian fixed (NSN 8)'],
    ['ma', '0612345678', '+212612345678', 'Moroccan national'],
    ['tn', '98765432', '+21698765432', 'Tunisia: no trunk prefix'],
    ['pl', '501234567', '+48501234567', 'Poland: no trunk prefix'],
    ['eg', '01012345678', '+201012345678', 'Egypt: NSN 10'],
    ['ci', '0701234567', '+2250701234567', "Côte d'Ivoire: leading 0 is part of the NSN"],
    ['sn', '00221771234567', '+221771234567', 'Senegal 00-prefixed'],
    ['cm', '237671234567', '+237671234567', 'Cameroon without +'],
    ['mg', '0321234567', '+261321234567', 'Madagascar national'],
  ] as const)('%s %s → %s (%s)', (cc, raw, expected, _why) => {
    expect(toE164(raw, plan(cc))).toBe(expected);
  });

  it('reads bare international digits of any country only for feeds that write numbers that way', () => {
    expect(toE164('201012345678', plan('ma'), 'international')).toBe('+201012345678');
    expect(toE164('201012345678', plan('fr'), 'national')).toBeNull();
  });

  it.each([
    ['fr', '061234567', 'national too short'],
    ['fr', '06123456789', 'national too long'],
    ['fr', '+3361234567', 'E.164 home too short'],
    ['fr', '+336123456789', 'E.164 home too long'],
    ['fr', '+1234567890123456', 'more than 15 digits'],
    ['fr', '+0612345678', 'E.164 with leading 0'],
    ['fr', '0012', 'international too short'],
    ['fr', '06 12 34 56 78', 'spaces'],
    ['fr', '06-12-34-56-78', 'dashes'],
    ['fr', '', 'empty'],
    ['fr', '+', 'plus alone'],
    ['tn', '9876543', 'Tunisia 7 digits'],
    ['ci', '701234567', "Côte d'Ivoire old 9-digit plan"],
  ] as const)('%s %s is not a number (%s)', (cc, raw, _why) => {
    expect(toE164(raw, plan(cc))).toBeNull();
  });

  it.each([
    ['national', '0612345678'],
    ['e164', '+33612345678'],
    ['international', '33612345678'],
    ['idd', '0033612345678'],
  ] as const)('formats %s and reads it back', (style, written) => {
    expect(formatNumber('+33612345678', style, plan('fr'))).toBe(written);
    expect(toE164(written, plan('fr'), style)).toBe('+33612345678');
  });

  it('writes foreign numbers with the international prefix in national style', () => {
    expect(formatNumber('+21698765432', 'national', plan('fr'))).toBe('0021698765432');
  });
});
