/**
 * Command-line options of the benchmarks (`npm run bench:… -- --count 1000`): numbers and lists
 * after `--name`, `--help` to print the usage and exit. A value that does not parse is an error,
 * never a silent default.
 */

/**
 * The number after `--name`, or `fallback` when the option is absent.
 * @example numberOption('count', 300_000) // 1000 with `--count 1000` (underscores allowed: 1_000)
 */
export function numberOption(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const raw = argv[i + 1];
  const value = Number(raw?.replaceAll('_', ''));
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new Error(`--${name} needs a non-negative number, got ${raw ?? 'nothing'}`);
  return value;
}

/**
 * The comma-separated numbers after `--name`, or `fallback`.
 * @example numberListOption('brokers', [1, 3]) // [3] with `--brokers 3`
 */
export function numberListOption(
  name: string,
  fallback: readonly number[],
  argv: readonly string[] = process.argv,
): number[] {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return [...fallback];
  const raw = argv[i + 1] ?? '';
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (raw.trim() === '' || values.some((v) => !Number.isInteger(v) || v < 1))
    throw new Error(`--${name} needs comma-separated positive integers, got ${raw || 'nothing'}`);
  return values;
}

/**
 * Prints `usage` and exits 0 when `--help` or `-h` is on the command line.
 * @example exitOnHelp('npm run bench:commerce -- [--count 300000]')
 */
export function exitOnHelp(usage: string, argv: readonly string[] = process.argv): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage.trim());
    process.exit(0);
  }
}

/**
 * The text after `--name`, or `fallback` when the option is absent.
 * @example stringOption('baseline', 'HEAD~1') // 'v1.2' with `--baseline v1.2`
 */
export function stringOption(name: string, fallback: string, argv: readonly string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const raw = argv[i + 1];
  if (raw === undefined || raw.trim() === '' || raw.startsWith('--'))
    throw new Error(`--${name} needs a value, got ${raw ?? 'nothing'}`);
  return raw;
}

/**
 * True when the flag `--name` is on the command line.
 * @example flagOption('no-baseline') // true with `--no-baseline`
 */
export function flagOption(name: string, argv: readonly string[] = process.argv): boolean {
  return argv.includes(`--${name}`);
}
