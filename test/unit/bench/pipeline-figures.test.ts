import { describe, expect, it } from 'vitest';
import { flagOption, stringOption } from '../../bench/support/cli.ts';
import {
  accountingLine,
  type CommitFigures,
  comparisonRows,
  deltaPercent,
  runFigures,
} from '../../bench/support/pipeline-figures.ts';

/** A main job report as the child writes it (JSON: NaN became null). */
const report = {
  generated: 1_000,
  stored: 940,
  rejected: 50,
  dlq: 10,
  stalled: false,
  endToEndMs: 2_000,
  generationMs: 500,
  latency: { count: 940, p50: 120, p95: 300, p99: 450, max: 900 },
  cpuSeconds: { validation: 0.2, storage: 0.3, kafka: 0.5 },
  cores: 2,
  workerPeakRssMb: { validation: 120, storage: 180 },
  pipelineErrors: 0,
};

describe('runFigures', () => {
  it('reads throughput, latency, CPU per CDR per process, RSS and the accounting of a report', () => {
    const f = runFigures(report);
    expect(f.records).toBe(1_000);
    expect(f.cdrPerSecond).toBe(500);
    expect(f.generatedPerSecond).toBe(2_000);
    expect(f.latencyMs).toEqual({ p50: 120, p95: 300, p99: 450, max: 900 });
    expect(f.cpuMicrosPerCdr).toBe(1_000);
    expect(f.cpuMicrosPerCdrByProcess).toEqual({ validation: 200, storage: 300, kafka: 500 });
    expect(f.maxWorkerRssMb).toBe(180);
    expect(f.accounting).toBe('holds');
  });

  it('counts records entered by HTTP in the records and the accounting', () => {
    const f = runFigures({ ...report, stored: 1_040, drive: { entered: 100, sent: 100 } });
    expect(f.records).toBe(1_100);
    expect(f.accounting).toBe('holds');
  });

  it('says FAILS when a record is missing or the run stalled', () => {
    expect(runFigures({ ...report, stored: 939 }).accounting).toBe('FAILS');
    expect(runFigures({ ...report, stalled: true }).accounting).toBe('FAILS');
  });

  it('leaves out what an older report lacks instead of printing zeros', () => {
    const f = runFigures({ generated: 10, stored: 10, rejected: 0, dlq: 0, latency: { p50: null, p99: 5 } });
    expect(f.latencyMs).toEqual({ p99: 5 });
    expect(f.cdrPerSecond).toBeUndefined();
    expect(f.generatedPerSecond).toBeUndefined();
    expect(f.cpuMicrosPerCdr).toBeUndefined();
    expect(f.cpuMicrosPerCdrByProcess).toEqual({});
    expect(f.maxWorkerRssMb).toBeUndefined();
    expect(runFigures({ latency: {} }).accounting).toBe('unknown');
    expect(runFigures(null).records).toBeUndefined();
  });
});

describe('deltaPercent', () => {
  it.each([
    [110, 100, '+10.0 %'],
    [90, 100, '-10.0 %'],
    [100, 100, '+0.0 %'],
    [5, 0, '—'],
    [undefined, 100, '—'],
    [100, undefined, '—'],
  ])('%s against %s → %s', (current, baseline, expected) => {
    expect(deltaPercent(current, baseline)).toBe(expected);
  });
});

describe('comparisonRows', () => {
  const loads = { full: 'full load', default: 'default load', half: 'half load' };
  const current: CommitFigures = {
    runs: {
      full: runFigures(report),
      default: runFigures({ ...report, cpuSeconds: { validation: 0.3, storage: 0.3 } }),
    },
    writeUnitsPerCdr: 2,
    bytesPerCdr: 1_234,
  };
  const baseline: CommitFigures = {
    runs: {
      full: runFigures({ ...report, endToEndMs: 4_000, cpuSeconds: { validation: 0.4, dynamodb: 0.1 } }),
    },
  };
  const rows = comparisonRows(current, baseline, loads);
  const row = (metric: string, after = 0) => rows.slice(after).find((r) => r[0] === metric);
  const sectionStart = (title: string) => rows.findIndex((r) => r[0].includes(title));

  it('compares each figure with the baseline, in percent', () => {
    expect(row('  CDR/s end to end')).toEqual(['  CDR/s end to end', '500', '250', '+100.0 %']);
  });

  it('lists every process either commit metered, with — where one did not', () => {
    expect(row('    kafka')).toEqual(['    kafka', '500', '—', '—']);
    expect(row('    dynamodb')).toEqual(['    dynamodb', '—', '100', '—']);
  });

  it('shows — for a load the baseline did not run, and the accounting of each', () => {
    const at = sectionStart('default load');
    expect(row('  latency P99 ms', at)).toEqual(['  latency P99 ms', '450', '—', '—']);
    expect(row('  accounting (stored + rejected + dlq = in)')).toEqual([
      '  accounting (stored + rejected + dlq = in)',
      'holds',
      'holds',
      '',
    ]);
  });

  it('gives the CPU ratio of the default rate to full speed, and the storage footprint when known', () => {
    expect(row('  ratio (goal ≤ 1.5)')?.[1]).toBe('0.60');
    expect(row('  Keyspaces write units')).toEqual(['  Keyspaces write units', '2.00', '—', '—']);
    expect(row('  bytes written (encoded rows)')?.[1]).toBe('1,234');
    expect(row('  bytes in storage')?.[1]).toBe('—');
  });

  it('leaves the storage rows out when neither commit has a footprint', () => {
    const none = comparisonRows({ runs: current.runs }, baseline, loads);
    expect(none.some((r) => r[0].includes('write units'))).toBe(false);
  });
});

describe('string and flag options', () => {
  const argv = ['node', 'bench', '--baseline', 'HEAD~3', '--no-baseline'];
  it('reads a value, a fallback and a flag', () => {
    expect(stringOption('baseline', 'HEAD~1', argv)).toBe('HEAD~3');
    expect(stringOption('other', 'x', argv)).toBe('x');
    expect(flagOption('no-baseline', argv)).toBe(true);
    expect(flagOption('verbose', argv)).toBe(false);
  });
  it('refuses an option without its value', () => {
    expect(() => stringOption('baseline', 'HEAD~1', ['node', 'bench', '--baseline'])).toThrow(
      /needs a value/,
    );
    expect(() => stringOption('baseline', 'HEAD~1', ['node', 'bench', '--baseline', '--count'])).toThrow();
  });
});

describe('accountingLine', () => {
  it('spells the sum out, equal or not', () => {
    expect(accountingLine(runFigures(report))).toBe('stored 940 + rejected 50 + dlq 10 = 1,000 = in 1,000');
    expect(accountingLine(runFigures({ ...report, dlq: 2_887, stalled: true }))).toBe(
      'stored 940 + rejected 50 + dlq 2,887 = 3,877 ≠ in 1,000, stalled',
    );
    expect(accountingLine(runFigures({}))).toBe('no counts in the report');
  });
});
