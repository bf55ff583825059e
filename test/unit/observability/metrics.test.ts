import { describe, expect, it } from 'vitest';
import {
  createStageMetrics,
  MAX_STAGE_METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  PIPELINE_AGE_SAMPLES,
  publishBatchMetrics,
  type StageMetric,
  stageMetricProblem,
} from '../../../shared/observability/metrics.ts';
import { quantileSample } from '../../../shared/observability/quantile-sample.ts';
import { captureOutput } from './capture.ts';

describe('quantileSample', () => {
  it('returns the sorted values when there are few', () => {
    expect(quantileSample([5, 1, 3], 10)).toEqual([1, 3, 5]);
  });
  it('returns evenly spaced quantiles including min and max', () => {
    const values = Array.from({ length: 10_001 }, (_, i) => 10_000 - i);
    const sample = quantileSample(values, 11);
    expect(sample).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
  });
  it('keeps the distribution: p99 of the sample ≈ p99 of the values', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i < 9_900 ? 100 : 5_000));
    const sample = quantileSample(values, 99);
    const share = sample.filter((v) => v === 5_000).length / sample.length;
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.03);
  });
});

describe('publishBatchMetrics', () => {
  it('writes one EMF line for the batch and one per reject reason, never one per record', async () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const metrics = createStageMetrics('validation', 'orion-test');
    const ages = Array.from({ length: 10_000 }, (_, i) => 50 + (i % 400));
    const lines = await captureOutput(() =>
      publishBatchMetrics(metrics, {
        recordsIn: 10_000,
        forwarded: 9_990,
        rejectedByReason: { MALFORMED_IMSI: 6, UNPARSEABLE: 4 },
        failed: 0,
        heldBack: 0,
        durationMs: 42,
        pipelineAgesMs: ages,
      }),
    );
    expect(lines).toHaveLength(3);
    const [batch, ...reasons] = lines.map((l) => JSON.parse(l));
    const directive = batch._aws.CloudWatchMetrics[0];
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive.Dimensions[0]).toContain('stage');
    expect(batch.stage).toBe('validation');
    expect(batch).toMatchObject({
      RecordsIn: 10_000,
      RecordsForwarded: 9_990,
      RecordsRejected: 10,
      RecordsFailed: 0,
      BatchDurationMs: 42,
    });
    expect(batch.PipelineAgeMs).toHaveLength(PIPELINE_AGE_SAMPLES);
    expect(Math.min(...batch.PipelineAgeMs)).toBe(50);
    expect(Math.max(...batch.PipelineAgeMs)).toBe(449);
    expect(reasons.map((r) => [r.reason, r.RecordsRejected])).toEqual([
      ['MALFORMED_IMSI', 6],
      ['UNPARSEABLE', 4],
    ]);
    expect(reasons[0]._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(
      expect.arrayContaining(['stage', 'reason']),
    );
  });
});

describe("publishBatchMetrics: the stage's own metrics", () => {
  const batch = {
    recordsIn: 6,
    forwarded: 5,
    rejectedByReason: { BAD: 1 },
    failed: 0,
    heldBack: 0,
    durationMs: 3,
    pipelineAgesMs: [],
  };

  it('writes one line per dimension set, with the runtime dimensions, in the same call', async () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const metrics = createStageMetrics('sorting', 'orion-test');
    const extra: StageMetric[] = [
      { name: 'WidgetsSeen', value: 4, dimensions: { color: 'blue' } },
      { name: 'WidgetsLost', value: 0, dimensions: { color: 'blue' } },
      { name: 'WidgetsSeen', value: 2, dimensions: { color: 'red' } },
      { name: 'SortMs', value: 7.5, unit: 'Milliseconds' },
    ];
    let published: ReturnType<typeof publishBatchMetrics> | undefined;
    const lines = await captureOutput(() => {
      published = publishBatchMetrics(metrics, { ...batch, extra });
    });
    expect(published).toEqual({ lines: 5, skipped: [] });
    const docs = lines.map((l) => JSON.parse(l));
    expect(docs).toHaveLength(5); // batch, reason BAD, color=blue, color=red, no extra dimension
    const [, , blue, red, plain] = docs;
    expect(blue).toMatchObject({
      stage: 'sorting',
      service: 'orion-test',
      color: 'blue',
      WidgetsSeen: 4,
      WidgetsLost: 0,
    });
    expect(blue._aws.CloudWatchMetrics[0].Dimensions).toEqual([
      expect.arrayContaining(['service', 'stage', 'color']),
    ]);
    expect(blue._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: 'WidgetsSeen', Unit: 'Count' },
      { Name: 'WidgetsLost', Unit: 'Count' },
    ]);
    expect(red).toMatchObject({ color: 'red', WidgetsSeen: 2 });
    expect(red.WidgetsLost).toBeUndefined();
    expect(plain).toMatchObject({ stage: 'sorting', SortMs: 7.5 });
    expect(plain.color).toBeUndefined(); // a line's dimensions never leak into the next one
    expect(plain._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'SortMs', Unit: 'Milliseconds' }]);
    // The next batch's main line carries no leftover dimension either.
    const next = await captureOutput(() => publishBatchMetrics(metrics, { ...batch, rejectedByReason: {} }));
    expect(next).toHaveLength(1);
    expect(JSON.parse(next[0]!).color).toBeUndefined();
  });

  it('splits a dimension set over lines of at most 100 metrics (EMF)', async () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const metrics = createStageMetrics('sorting', 'orion-test');
    const extra = Array.from({ length: 150 }, (_, i) => ({
      name: `M${i}`,
      value: i,
      dimensions: { d: 'x' },
    }));
    const lines = await captureOutput(() =>
      publishBatchMetrics(metrics, { ...batch, rejectedByReason: {}, extra }),
    );
    const docs = lines.slice(1).map((l) => JSON.parse(l));
    expect(docs.map((d) => d._aws.CloudWatchMetrics[0].Metrics.length)).toEqual([100, 50]);
    expect(docs.every((d) => d.d === 'x')).toBe(true);
  });

  it('leaves out what CloudWatch or the runtime would refuse, and says why, without throwing', async () => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const metrics = createStageMetrics('sorting', 'orion-test');
    const extra: StageMetric[] = [
      { name: 'Ok', value: 1, dimensions: { color: 'blue' } },
      { name: 'Ok', value: 2, dimensions: { color: 'blue' } }, // same name, same dimensions
      { name: 'RecordsIn', value: 1 },
      { name: 'Nan', value: Number.NaN },
      { name: 'Stage', value: 1, dimensions: { stage: 'other' } },
    ];
    let published: ReturnType<typeof publishBatchMetrics> | undefined;
    const lines = await captureOutput(() => {
      published = publishBatchMetrics(metrics, { ...batch, rejectedByReason: {}, extra });
    });
    expect(published!.lines).toBe(2);
    expect(published!.skipped).toHaveLength(4);
    expect(JSON.parse(lines[1]!)).toMatchObject({ color: 'blue', Ok: 1 });
  });
});

describe('stageMetricProblem', () => {
  const tooMany = Object.fromEntries(
    Array.from({ length: MAX_STAGE_METRIC_DIMENSIONS + 1 }, (_, i) => [`d${i}`, 'v']),
  );
  it.each<[string, StageMetric, RegExp | undefined]>([
    ['a plain count', { name: 'WidgetsSeen', value: 3 }, undefined],
    [
      '28 dimensions',
      { name: 'W', value: 1, dimensions: Object.fromEntries(Object.entries(tooMany).slice(1)) },
      undefined,
    ],
    ['an empty name', { name: '', value: 1 }, /metric name/],
    ['a blank name', { name: '   ', value: 1 }, /metric name/],
    ['a non-ASCII name', { name: 'Widgetsé', value: 1 }, /metric name/],
    ['a 256-character name', { name: 'W'.repeat(256), value: 1 }, /metric name/],
    ['a runtime metric name', { name: 'RecordsRejected', value: 1 }, /runtime/],
    ['an infinite value', { name: 'W', value: Number.POSITIVE_INFINITY }, /finite/],
    ['an unknown unit', { name: 'W', value: 1, unit: 'Parsecs' as never }, /unit/],
    ['29 dimensions', { name: 'W', value: 1, dimensions: tooMany }, /at most 28/],
    ['the stage dimension', { name: 'W', value: 1, dimensions: { stage: 'x' } }, /set by the runtime/],
    ['the service dimension', { name: 'W', value: 1, dimensions: { service: 'x' } }, /set by the runtime/],
    ['a dimension named like the metric', { name: 'W', value: 1, dimensions: { W: 'x' } }, /metric's name/],
    [
      'a dimension name starting with a colon',
      { name: 'W', value: 1, dimensions: { ':d': 'x' } },
      /dimension name/,
    ],
    ['an empty dimension value', { name: 'W', value: 1, dimensions: { d: '' } }, /value of dimension/],
    [
      'a control character in a value',
      { name: 'W', value: 1, dimensions: { d: 'a\u001bb' } },
      /value of dimension/,
    ],
    [
      'a 1025-character value',
      { name: 'W', value: 1, dimensions: { d: 'v'.repeat(1025) } },
      /value of dimension/,
    ],
  ])('%s', (_, metric, problem) => {
    const found = stageMetricProblem(metric);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});
