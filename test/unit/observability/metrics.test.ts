import { describe, expect, it } from 'vitest';
import {
  createStageMetrics,
  METRICS_NAMESPACE,
  PIPELINE_AGE_SAMPLES,
  publishBatchMetrics,
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
