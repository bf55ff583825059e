import { describe, expect, it } from 'vitest';
import { formatAge, formatLag } from '../../../bin/commands/lag.ts';
import { parseStagePollers, parseStages } from '../../../bin/commands/run.ts';
import type { PartitionLag } from '../../../localstack/esm/lag.ts';
import { COUNTRY_CODES } from '../../../shared/cdr/countries.ts';
import { invalidSharesFor, parseCountries } from '../../../shared/cdr/local/cdr-load.ts';
import { CDR_PIPELINE, STAGES } from '../../../shared/cdr/pipeline.ts';

describe('orion run / lag / generate options', () => {
  it('parses --stages against the pipeline definition', () => {
    expect(parseStages(CDR_PIPELINE, undefined)).toBe(STAGES);
    expect(parseStages(CDR_PIPELINE, 'validation, storage').map((s) => s.name)).toEqual([
      'validation',
      'storage',
    ]);
    expect(() => parseStages(CDR_PIPELINE, 'validation,nope')).toThrow(/has no stage "nope"/);
  });

  it('parses --stage-pollers', () => {
    expect(parseStagePollers(CDR_PIPELINE, 'storage=8,enrichment=4')).toEqual({ storage: 8, enrichment: 4 });
    expect(() => parseStagePollers(CDR_PIPELINE, 'storage=0')).toThrow(/<stage>=<n>/);
    expect(() => parseStagePollers(CDR_PIPELINE, 'nope=2')).toThrow(/has no stage "nope"/);
  });

  it('parses --countries', () => {
    expect(parseCountries('all')).toEqual([...COUNTRY_CODES]);
    expect(parseCountries('FR,ma')).toEqual(['fr', 'ma']);
    expect(() => parseCountries('fr,xx')).toThrow(/unknown country "xx"/);
  });

  it('scales the default invalid mix to --invalid-ratio', () => {
    const sum = (shares: Record<string, number | undefined>) =>
      Object.values(shares).reduce((a: number, b) => a + (b ?? 0), 0);
    expect(sum(invalidSharesFor(0.05))).toBeCloseTo(0.05, 10);
    expect(sum(invalidSharesFor(0.2))).toBeCloseTo(0.2, 10);
    expect(sum(invalidSharesFor(0))).toBe(0);
    expect(() => invalidSharesFor(1.5)).toThrow(/between 0 and 1/);
  });

  it('formats lag rows with a total per stage', () => {
    const row = (partition: number, lag: number, age: number | null): PartitionLag => ({
      stage: 'validation',
      topic: 'cdr.raw.fr',
      consumerGroupId: 'g',
      partition,
      committed: partition === 0 ? null : 10,
      end: 10 + lag,
      lag,
      oldestUnprocessedAgeMs: age,
    });
    const text = formatLag([row(0, 5, 90_000), row(1, 0, null)], false);
    expect(text).toContain('1.5 min');
    expect(text.split('\n')).toHaveLength(3); // header, the lagging partition, the stage total
    expect(formatLag([row(0, 5, 1000), row(1, 0, null)], true).split('\n')).toHaveLength(4);
    expect(formatAge(null)).toBe('-');
    expect(formatAge(2_000)).toBe('2.0 s');
    expect(formatAge(7_200_000)).toBe('2.0 h');
  });
});
