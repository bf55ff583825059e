/** The stage definitions: wired to catalog topics, within AWS's limits, one consumer group per mapping. */
import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, isCountryCode } from '../../../shared/cdr/countries.ts';
import { rawTopicOf, STAGES, stageSpec, TOPIC, TOPICS } from '../../../shared/cdr/pipeline.ts';
import { allEventSourceMappings, eventSourceMappingsOf } from '../../../shared/pipeline/index.ts';

const catalog = new Set(TOPICS.map((t) => t.name));

describe('stages', () => {
  it('run validation → normalization → enrichment → storage, each consuming the previous output', () => {
    expect(STAGES.map((s) => s.name)).toEqual(['validation', 'normalization', 'enrichment', 'storage']);
    for (let i = 1; i < STAGES.length; i++) {
      expect(STAGES[i]!.sourceTopics).toEqual(STAGES[i - 1]!.outputTopics);
    }
    expect(stageSpec('validation').sourceTopics).toEqual(COUNTRY_CODES.map(rawTopicOf));
    expect(stageSpec('storage').outputTopics).toEqual([]);
  });

  it('only name topics of the catalog', () => {
    for (const s of STAGES) {
      for (const t of [...s.sourceTopics, s.rejectTopic, s.onFailureTopic, ...s.outputTopics]) {
        expect(catalog.has(t), `${s.name} → ${t}`).toBe(true);
      }
      expect(s.rejectTopic).toBe(TOPIC.rejected);
      expect(s.onFailureTopic).toBe(TOPIC.dlq);
    }
  });

  it('stay within the event source mapping limits', () => {
    for (const s of STAGES) {
      expect(s.batchSize).toBeGreaterThanOrEqual(1);
      expect(s.batchSize).toBeLessThanOrEqual(10_000);
      expect(s.maximumBatchingWindowInSeconds).toBeGreaterThanOrEqual(0);
      expect(s.maximumBatchingWindowInSeconds).toBeLessThanOrEqual(300);
      expect(s.pollers.minimum).toBeGreaterThanOrEqual(1);
      expect(s.pollers.maximum).toBeGreaterThanOrEqual(s.pollers.minimum);
      expect(s.retry.maximumRecordAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(s.retry.reportBatchItemFailures).toBe(true);
    }
  });

  it('throws on an unknown stage, naming the known ones', () => {
    expect(() => stageSpec('billing')).toThrow(/validation, normalization, enrichment, storage/);
  });
});

describe('event source mappings', () => {
  it('give every source topic its own mapping and a consumer group unique across the pipeline', () => {
    const mappings = allEventSourceMappings(STAGES);
    expect(mappings).toHaveLength(STAGES.reduce((n, s) => n + s.sourceTopics.length, 0));
    expect(new Set(mappings.map((m) => m.consumerGroupId)).size).toBe(mappings.length);
    expect(eventSourceMappingsOf(stageSpec('normalization'))).toEqual([
      {
        stage: 'normalization',
        topic: 'cdr.validated',
        consumerGroupId: 'orion-normalization.cdr.validated',
      },
    ]);
  });
});

describe('countries', () => {
  it.each([
    ['fr', true],
    ['mg', true],
    ['FR', false],
    ['de', false],
  ])('isCountryCode(%s) is %s', (code, expected) => {
    expect(isCountryCode(code)).toBe(expected);
  });
});
