import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, type CountryCode } from '../../../shared/cdr/countries.ts';
import {
  COUNTRY_FORMATS,
  compileFormat,
  type ValidatedCdr,
  validateRawCdr,
} from '../../../shared/cdr/index.ts';
import { NOW } from './records.ts';

/** One hand-written record per country and what it must read as (independent of the generator's encoder). */
const SAMPLES: [CountryCode, string, Partial<ValidatedCdr>][] = [
  [
    'fr',
    'GPRS;FR-9;208101234567890;0712345678;;20260329033000;600;52428800;1,05;208-10-1-2;N',
    {
      recordType: 'GPRS',
      msisdn: '+33712345678',
      counterpart: null,
      startMs: Date.UTC(2026, 2, 29, 1, 30),
      durationS: 600,
      volumeBytes: 52_428_800,
      chargeMinorUnits: 105,
      currency: 'EUR',
    },
  ],
  [
    'be',
    '30|BE-9|206011234567890|+32471234567||29/03/2026 02:30:00|01:02:03|100|300|0,50|206-01-1-2|0',
    {
      msisdn: '+32471234567',
      startMs: Date.UTC(2026, 2, 29, 1, 30),
      durationS: 3723,
      volumeBytes: 400 * 1024,
      chargeMinorUnits: 50,
    },
  ],
  [
    'ma',
    '{"type_appel":"VOICE_OUT","id_cdr":"MA-9","imsi":"604001234567890","msisdn":"212612345678","correspondant":"0612345679","date_debut":"2026-03-29T11:00:00","duree_sec":61,"volume_octets":0,"montant":2.5,"devise":"MAD","cellule":"604-00-1-2","roaming":false}',
    {
      msisdn: '+212612345678',
      counterpart: '+212612345679',
      startMs: Date.UTC(2026, 2, 29, 10),
      durationS: 61,
      chargeMinorUnits: 250,
      currency: 'MAD',
    },
  ],
  [
    'tn',
    'APP_ENTR,TN-9,605021234567890,98765432,21234567,2026-03-29 12:00:00,30,0,0,0,605-02-1-2,N',
    {
      msisdn: '+21698765432',
      counterpart: '+21621234567',
      startMs: Date.UTC(2026, 2, 29, 11),
      durationS: 30,
      chargeMinorUnits: 0,
      currency: 'TND',
    },
  ],
  [
    'tn',
    'SMS_SORT,TN-10,605021234567890,98765432,0033612345678,2026-03-29 12:00:00,,,,060,605-02-1-2,N',
    { counterpart: '+33612345678', durationS: 0, chargeMinorUnits: 60 },
  ],
  [
    'pl',
    '{"rekord":{"typ":"TRANSMISJA","id":"PL-9"},"abonent":{"imsi":"260061234567890","msisdn":"+48501234567"},"polaczenie":{"poczatek":"2026-03-29T10:00:00Z","czas_trwania_s":"120","komorka":"260-06-1-2"},"dane":{"bajty":"2048"},"oplata":{"kwota":"0.01","waluta":"PLN"},"roaming":"N"}',
    {
      recordType: 'TRANSMISJA',
      counterpart: null,
      startMs: Date.UTC(2026, 2, 29, 10),
      durationS: 120,
      volumeBytes: 2048,
      chargeMinorUnits: 1,
    },
  ],
  [
    'eg',
    '1;EG-9;602011234567890;01012345678;0201234567;2026-03-29 12:00:00;2026-03-29 12:01:30;0;150;602-01-1-2;0',
    {
      msisdn: '+201012345678',
      counterpart: '+20201234567',
      startMs: Date.UTC(2026, 2, 29, 10),
      durationS: 90,
      chargeMinorUnits: 150,
      currency: 'EGP',
    },
  ],
  [
    'ci',
    '{"cdr":{"type":"DATA","seq":"CI-9"},"abonne":{"imsi":"612051234567890","msisdn":"+2250701234567"},"evenement":{"debut":"20260329110000","duree_ms":1500,"cellule":"612-05-1-2"},"data":{"up_kb":1,"down_kb":3},"taxation":{"montant":25,"devise":"XOF"},"itinerance":false}',
    {
      msisdn: '+2250701234567',
      startMs: Date.UTC(2026, 2, 29, 11),
      durationS: 2,
      volumeBytes: 4096,
      chargeMinorUnits: 25,
      currency: 'XOF',
    },
  ],
  [
    'sn',
    'APPEL_SORTANT,SN-9,608011234567890,00221771234567,00225070123456,29/03/2026 11:00:00,45,0,100,608-01-1-2,NON',
    {
      msisdn: '+221771234567',
      counterpart: '+225070123456',
      startMs: Date.UTC(2026, 2, 29, 11),
      chargeMinorUnits: 100,
      currency: 'XOF',
    },
  ],
  [
    'cm',
    `GP|CM-9|624011234567890|237671234567||${Date.UTC(2026, 2, 29, 11) / 1000}|60|10|0|624-01-1-2|H`,
    { msisdn: '+237671234567', startMs: Date.UTC(2026, 2, 29, 11), volumeBytes: 10_240, currency: 'XAF' },
  ],
  [
    'mg',
    `{"t":"A","i":"MG-9","imsi":"646021234567890","a":"0321234567","b":"+33612345678","ts":${Date.UTC(2026, 2, 29, 11)},"d":61000,"v":0,"m":"200.00","c":"MGA","cell":"646-02-1-2","r":0}`,
    {
      msisdn: '+261321234567',
      counterpart: '+33612345678',
      durationS: 61,
      chargeMinorUnits: 20_000,
      currency: 'MGA',
    },
  ],
];

describe('country formats read hand-written records', () => {
  it.each(SAMPLES)('%s: %s', (country, raw, expected) => {
    expect(validateRawCdr(country, Buffer.from(raw), { nowMs: NOW })).toMatchObject({ country, ...expected });
  });

  it('covers every country', () => {
    expect(new Set(SAMPLES.map(([c]) => c))).toEqual(new Set(COUNTRY_CODES));
  });
});

describe('format mappings are consistent data', () => {
  it.each(COUNTRY_CODES)(
    '%s compiles, names only real columns, and has voice, sms and data codes',
    (country) => {
      const format = COUNTRY_FORMATS[country];
      expect(() => compileFormat(format)).not.toThrow();
      expect(format.country).toBe(country);
      const types = new Set(Object.values(format.recordTypes).map((m) => `${m.type}/${m.direction}`));
      for (const t of ['voice/mo', 'voice/mt', 'sms/mo', 'sms/mt', 'data/mo']) expect(types).toContain(t);
      expect(format.duration.kind === 'end-time' ? format.fields.end : format.fields.duration).toBeDefined();
      expect(
        format.fields.volume !== undefined ||
          (format.fields.volumeUp !== undefined && format.fields.volumeDown !== undefined),
      ).toBe(true);
    },
  );

  it('uses at least three encodings and the expected zones, calling codes, currencies and MCCs', () => {
    const encodings = new Set(
      COUNTRY_CODES.map((c) => {
        const e = COUNTRY_FORMATS[c].encoding;
        return e.kind === 'delimited' ? `delimited ${e.separator}` : `json ${e.shape}`;
      }),
    );
    expect(encodings.size).toBeGreaterThanOrEqual(5);
    const facts = COUNTRY_CODES.map((c) => {
      const f = COUNTRY_FORMATS[c];
      return [c, f.timeZone, f.numbering.callingCode, f.currency, f.homeMcc];
    });
    expect(facts).toEqual([
      ['fr', 'Europe/Paris', '33', 'EUR', '208'],
      ['be', 'Europe/Brussels', '32', 'EUR', '206'],
      ['ma', 'Africa/Casablanca', '212', 'MAD', '604'],
      ['tn', 'Africa/Tunis', '216', 'TND', '605'],
      ['pl', 'Europe/Warsaw', '48', 'PLN', '260'],
      ['eg', 'Africa/Cairo', '20', 'EGP', '602'],
      ['ci', 'Africa/Abidjan', '225', 'XOF', '612'],
      ['sn', 'Africa/Dakar', '221', 'XOF', '608'],
      ['cm', 'Africa/Douala', '237', 'XAF', '624'],
      ['mg', 'Indian/Antananarivo', '261', 'MGA', '646'],
    ]);
  });
});
