/**
 * `npm run build`: bundles every Lambda handler (`functions/<name>/handler.ts`) exactly as the CDK
 * stack deploys it — the same esbuild options, read from `lib/constructs/bundling.ts`: ES module
 * (`.mjs`), platform node, target node22, minified, source maps, tree-shaken, and NO external
 * modules. The AWS SDK v3 is bundled although the Lambda Node.js 22 runtime ships one: the
 * runtime's copy lags and changes under us, while a bundled SDK runs the exact version
 * `package-lock.json` pins and the tests ran (AWS recommends bundling for production for this
 * reason); tree-shaking keeps only the clients a function imports.
 *
 * Writes `dist/functions/<name>/index.mjs` (+ `.map`), prints a table of bundle sizes (raw and
 * zipped) with the largest packages of each bundle, and writes it to `dist/bundle-sizes.json`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { nodejsBundling } from '../lib/constructs/bundling.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FUNCTIONS_DIR = join(ROOT, 'functions');
const DIST = join(ROOT, 'dist');

/** Size report of one bundle. */
export interface BundleSize {
  readonly function: string;
  readonly file: string;
  readonly bytes: number;
  /** gzip -9 of the bundle: close to the zipped deployment package. */
  readonly gzipBytes: number;
  /** The largest npm packages in the bundle (bytes of output they contribute). */
  readonly topPackages: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
}

/**
 * The esbuild options the CDK's NodejsFunction uses (see `lib/constructs/bundling.ts`).
 * @example await build({ ...deployedEsbuildOptions(), entryPoints: ['functions/validation/handler.ts'], outfile })
 */
export function deployedEsbuildOptions(): BuildOptions {
  const b = nodejsBundling();
  return {
    bundle: true,
    platform: 'node',
    format: b.format === 'esm' ? 'esm' : 'cjs',
    target: b.target ?? 'node22',
    mainFields: b.mainFields ?? ['module', 'main'],
    minify: b.minify ?? true,
    sourcemap: b.sourceMap ? 'external' : false,
    sourcesContent: b.sourcesContent ?? false,
    external: [...(b.externalModules ?? [])],
    treeShaking: true,
    legalComments: 'none',
    ...(b.banner ? { banner: { js: b.banner } } : {}),
    alias: aliasesOf(b.esbuildArgs ?? {}),
    logLevel: 'warning',
    metafile: true,
  };
}

/** The `--alias:<from>` esbuild arguments of the CDK bundling, as esbuild's `alias` option. */
function aliasesOf(args: Readonly<Record<string, unknown>>): Record<string, string> {
  const alias: Record<string, string> = {};
  for (const [flag, to] of Object.entries(args)) {
    if (flag.startsWith('--alias:') && typeof to === 'string') alias[flag.slice('--alias:'.length)] = to;
  }
  return alias;
}

/** The npm package an esbuild input path belongs to (`(project)` for our own code). */
function packageOf(input: string): string {
  const idx = input.lastIndexOf('node_modules/');
  if (idx === -1) return '(project)';
  const rest = input.slice(idx + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
}

function topPackages(metafile: Metafile, outfile: string): BundleSize['topPackages'] {
  const output = Object.entries(metafile.outputs).find(([path]) =>
    path.endsWith(relative(ROOT, outfile)),
  )?.[1];
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    totals.set(packageOf(input), (totals.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, bytes]) => ({ name, bytes }));
}

/** Bundles one handler; returns its size report. */
async function bundle(name: string): Promise<BundleSize> {
  const outfile = join(DIST, 'functions', name, 'index.mjs');
  const result = await build({
    ...deployedEsbuildOptions(),
    absWorkingDir: ROOT,
    entryPoints: [join(FUNCTIONS_DIR, name, 'handler.ts')],
    outfile,
  });
  const code = readFileSync(outfile);
  return {
    function: name,
    file: relative(ROOT, outfile),
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    topPackages: topPackages(result.metafile!, outfile),
  };
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const names = readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(FUNCTIONS_DIR, d.name, 'handler.ts')))
    .map((d) => d.name)
    .sort();
  if (names.length === 0) throw new Error('no functions/<name>/handler.ts to build');
  rmSync(join(DIST, 'functions'), { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });

  const sizes: BundleSize[] = [];
  for (const name of names) sizes.push(await bundle(name));

  const rows = sizes.map((s) => [
    s.function,
    kib(s.bytes),
    kib(s.gzipBytes),
    s.topPackages.map((p) => `${p.name} ${kib(p.bytes)}`).join(', '),
  ]);
  const header = ['function', 'bundle', 'gzip', 'largest packages'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 3 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));

  writeFileSync(
    join(DIST, 'bundle-sizes.json'),
    `${JSON.stringify({ builtAt: new Date().toISOString(), bundles: sizes }, null, 2)}\n`,
  );
  console.log(`\nwrote ${relative(ROOT, join(DIST, 'bundle-sizes.json'))}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
