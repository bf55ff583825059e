/**
 * The main job's pipeline-specific half: a pipeline's local-run module found from its definition,
 * a clear error for one without, the CDR module's load, and the report worded by its labels.
 */
import { describe, expect, it } from 'vitest';
import { loadLocalRunModule, localRunModulePathOf } from '../../../localstack/load/local-run-module.ts';
import {
  accountingHolds,
  countByMessage,
  formatMainJobReport,
  type MainJobReport,
} from '../../../localstack/main-job/report.ts';
import { pipelineNamed } from '../../../shared/pipelines.ts';
import { TOY_PIPELINE } from '../../fixtures/toy-pipeline/pipeline.ts';

const cdr = pipelineNamed('cdr');

describe('local-run modules', () => {
  it('loads the module the definition names, from the repository root', async () => {
    expect(localRunModulePathOf(cdr)).toMatch(/\/shared\/cdr\/local-run\.ts$/);
    const localRun = await loadLocalRunModule(cdr);
    expect(localRun.labels.record).toBe('CDR');
    expect(localRun.options?.map((o) => o.flags)).toEqual(['--countries <list>']);
  });

  it('says so when a pipeline has none', async () => {
    expect(localRunModulePathOf(TOY_PIPELINE)).toBeUndefined();
    await expect(loadLocalRunModule(TOY_PIPELINE)).rejects.toThrow(/Pipeline "toy" has no local run/);
  });

  it("builds the CDR load from the request and the module's own options", async () => {
    const localRun = await loadLocalRunModule(cdr);
    const request = { count: 2000, rate: 1000, invalidRatio: 0.05, seed: 7, options: { countries: 'fr,ma' } };
    const load = localRun.createLoad(request);
    expect(load.description).toBe('2,000 CDRs over 2 countries at 1000/s, 5.0 % invalid, seed 7');
    const records = load.next(200);
    expect(new Set(records.map((r) => r.topic))).toEqual(new Set(['cdr.raw.fr', 'cdr.raw.ma']));
    // Deterministic from the seed (start times follow the clock, keys and outcomes do not).
    const again = localRun.createLoad(request).next(200);
    expect(again.map((r) => [r.topic, r.key, r.expected])).toEqual(
      records.map((r) => [r.topic, r.key, r.expected]),
    );
    load.acknowledged(records, Date.now());
    const valid = records.filter((r) => r.expected === 'valid').length;
    expect(load.expected.size).toBeGreaterThan(0);
    expect(load.expected.size).toBeLessThanOrEqual(valid);
    expect(() => localRun.createLoad({ ...request, options: { countries: 'xx' } })).toThrow(
      /unknown country "xx"/,
    );
  });
});

describe('main job report', () => {
  const report: MainJobReport = {
    pipeline: 'cdr',
    labels: {
      record: 'CDR',
      landed: 'stored',
      landedUnits: 'rows in cdr_by_id',
      latency: 'raw produce → stored',
      samples: 'sample stored rows (cdr_by_id, IMSI/MSISDN masked)',
    },
    seed: 1,
    generated: 2000,
    refusedByBroker: 0,
    expectedByOutcome: { valid: 1900, MALFORMED_IMSI: 100 },
    stored: 1900,
    storedRows: 1900,
    rejected: 100,
    rejectedByReason: { MALFORMED_IMSI: 100 },
    rejectedByStage: { validation: 100 },
    dlq: 0,
    dlqByReason: {},
    latency: { count: 1900, p50: 10, p95: 20, p99: 30, max: 40 },
    generationMs: 2000,
    endToEndMs: 2100,
    stageTotals: {},
    sampleRows: ['row one'],
    stalled: false,
    pipelineErrors: 0,
    cpuSeconds: {},
    cores: 2,
  };

  it('words outcomes with the labels and keeps the accounting line', () => {
    const text = formatMainJobReport(report);
    expect(accountingHolds(report)).toBe(true);
    expect(text).toContain('  stored                1,900   (1,900 rows in cdr_by_id)');
    expect(text).toContain('end-to-end latency (raw produce → stored), 1,900 CDRs:');
    expect(text).toContain('sample stored rows (cdr_by_id, IMSI/MSISDN masked):\n  row one');
    expect(text).toContain(
      'accounting: stored 1,900 + rejected 100 + dlq 0 = 2,000 == generated 2,000  → OK',
    );
    expect(accountingHolds({ ...report, dlq: 1 })).toBe(false);
  });

  it('counts stage worker restarts when the stages ran in workers', () => {
    expect(formatMainJobReport(report)).not.toContain('restarts');
    expect(formatMainJobReport({ ...report, workerRestarts: { validation: 0, storage: 0 } })).toContain(
      'stage worker restarts: 0\n',
    );
    expect(formatMainJobReport({ ...report, workerRestarts: { validation: 2, storage: 0 } })).toContain(
      'stage worker restarts: validation 2 (a new worker took over; its in-flight batches were delivered again from the committed offsets)',
    );
    // Rejects written twice by a redelivered batch: the report says why the sum is over.
    const over = formatMainJobReport({ ...report, rejected: 130, workerRestarts: { validation: 1 } });
    expect(over).toContain('!= generated 2,000  → MISMATCH');
    expect(over).toContain('its rejects and dead letters can be written twice');
    expect(formatMainJobReport({ ...report, workerRestarts: { validation: 1 } })).not.toContain(
      'written twice',
    );
  });

  it('says where a stalled run stood and which emulator errors it survived, most frequent first', () => {
    const errors = [
      ...Array.from({ length: 3 }, () => new Error('The group is rebalancing, so a rejoin is needed\nstack')),
      new Error('Connection error: connect ECONNREFUSED 127.0.0.1:23094'),
    ];
    const byMessage = countByMessage(errors);
    expect(Object.entries(byMessage)).toEqual([
      ['The group is rebalancing, so a rejoin is needed', 3],
      ['Connection error: connect ECONNREFUSED 127.0.0.1:23094', 1],
    ]);
    const text = formatMainJobReport({
      ...report,
      stalled: true,
      stall: {
        laggingPartitions: [
          { stage: 'validation', topic: 'cdr.raw.fr', partition: 2, committed: 120, end: 131 },
        ],
        pendingByStage: { validation: 11 },
        functionsBusy: 0,
      },
      pipelineErrors: errors.length,
      pipelineErrorsByMessage: byMessage,
    });
    expect(text).toContain(
      'nothing moved any more: validation cdr.raw.fr[2] committed 120 of 131; pending validation 11',
    );
    expect(text).toContain('4 emulator error(s) were survived during the run');
    expect(text).toContain('  3 × The group is rebalancing, so a rejoin is needed');
  });
});
