/** `orion generate`: produces realistic raw CDRs to the per-country raw topics (see localstack/load). */
import type { Command } from 'commander';
import { localEndpoints } from '../../localstack/embedded/endpoints.ts';
import { generateToKafka } from '../../localstack/load/generate-to-kafka.ts';
import { COUNTRY_CODES, type CountryCode, isCountryCode } from '../../shared/cdr/countries.ts';

/** Parses `--countries fr,ma` (or `all`). */
export function parseCountries(value: string): CountryCode[] {
  if (value === 'all') return [...COUNTRY_CODES];
  const codes = value.split(',').map((c) => c.trim().toLowerCase());
  for (const c of codes) {
    if (!isCountryCode(c))
      throw new Error(`unknown country "${c}"; countries are: ${COUNTRY_CODES.join(', ')}`);
  }
  return codes as CountryCode[];
}

/** Registers `orion generate`. */
export function registerGenerateCommand(program: Command): void {
  const num = (v: string) => Number(v);
  program
    .command('generate')
    .description('Produce realistic raw CDRs (deterministic from a seed) to the raw topics, keyed by IMSI')
    .option('--countries <list>', 'comma-separated country codes, or "all"', 'all')
    .option('--count <n>', 'records to produce', num, 10_000)
    .option('--rate <n>', 'records per second (0: as fast as possible)', num, 5000)
    .option('--speed <x>', 'rate multiplier (1, 10, 100 …)', num, 1)
    .option('--invalid-ratio <r>', 'share of invalid records (0–1)', num, 0.05)
    .option('--seed <n>', 'generator seed', num, 42)
    .action(
      async (opts: {
        countries: string;
        count: number;
        rate: number;
        speed: number;
        invalidRatio: number;
        seed: number;
      }) => {
        for (const [name, v] of Object.entries({
          count: opts.count,
          rate: opts.rate,
          speed: opts.speed,
          seed: opts.seed,
        })) {
          if (!Number.isFinite(v) || v < 0)
            throw new Error(`--${name} must be a non-negative number, got ${v}`);
        }
        const brokers = localEndpoints().kafkaBrokers;
        let lastPrint = 0;
        const report = await generateToKafka({
          brokers,
          countries: parseCountries(opts.countries),
          count: Math.floor(opts.count),
          rate: opts.rate,
          speed: opts.speed,
          invalidRatio: opts.invalidRatio,
          seed: Math.floor(opts.seed),
          onProgress: (r) => {
            if (Date.now() - lastPrint < 2000) return;
            lastPrint = Date.now();
            console.log(
              `produced ${r.produced} (${((r.produced / Math.max(r.durationMs, 1)) * 1000).toFixed(0)} rec/s)`,
            );
          },
        });
        const rate = (report.produced / Math.max(report.durationMs, 1)) * 1000;
        console.log(
          `produced ${report.produced} record(s) in ${(report.durationMs / 1000).toFixed(1)} s (${rate.toFixed(0)} rec/s)` +
            `${report.refusedByBroker ? `; ${report.refusedByBroker} refused by the broker (too large)` : ''}`,
        );
        console.log(
          `per topic: ${Object.entries(report.perTopic)
            .map(([t, n]) => `${t}=${n}`)
            .join(' ')}`,
        );
        console.log(
          `expected:  ${Object.entries(report.expected)
            .sort()
            .map(([k, n]) => `${k}=${n}`)
            .join(' ')}`,
        );
      },
    );
}
