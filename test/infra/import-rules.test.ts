/**
 * The import rules of DESIGN §1, checked on the source: every import (static, `export … from`,
 * dynamic `import()`) of every `lib/**\/*.ts` and `shared/**\/*.ts` file, parsed with the
 * TypeScript compiler's own pre-processor.
 *
 * - `lib/` (CDK) imports nothing from `shared/` but the framework's vocabulary
 *   (`shared/pipeline/**`); the pipeline definitions (`shared/pipelines.ts`,
 *   `shared/<pipeline>/pipeline.ts`) only from the app builder (`lib/config/orion-app.ts`), every
 *   construct taking its definition as a prop; nothing from `functions/`, `localstack/` or `bin/`
 *   (a custom resource's handler is an entry path, a string, not an import).
 * - `shared/`: no import cycle between its folders; a framework folder never imports a pipeline
 *   folder; a pipeline folder never imports another one; only the registry (`shared/pipelines.ts`)
 *   knows every pipeline, and no folder imports it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './support/synth-orion.ts';

/** The framework folders of `shared/` (DESIGN §1); every other folder is a pipeline's. */
const FRAMEWORK_FOLDERS = ['pipeline', 'runtime', 'kafka', 'storage', 'replay', 'observability', 'util'];
/** The node of `shared/`'s own files (the registry `pipelines.ts`). */
const REGISTRY = '(shared)';
/** The one `lib/` file that may import the pipeline definitions. */
const APP_BUILDER = 'lib/config/orion-app.ts';
/** Packages `lib/` may import besides Node's built-ins. */
const LIB_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag'];

/** One import: the importing file and the specifier, resolved to a repository path when relative. */
interface ImportEdge {
  readonly from: string;
  readonly specifier: string;
  /** Repository-relative path of a relative import; undefined for a package. */
  readonly target?: string;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return typeScriptFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Every import of every `.ts` file under `folder` (repository-relative). */
function importsUnder(folder: string): ImportEdge[] {
  return typeScriptFiles(path.join(PROJECT_ROOT, folder)).flatMap((file) => {
    const from = path.relative(PROJECT_ROOT, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return importedFiles.map(({ fileName: specifier }): ImportEdge => {
      if (!specifier.startsWith('.')) return { from, specifier };
      return {
        from,
        specifier,
        target: path.relative(PROJECT_ROOT, path.resolve(path.dirname(file), specifier)),
      };
    });
  });
}

const isDefinition = (target: string) =>
  target === 'shared/pipelines.ts' || /^shared\/[^/]+\/pipeline\.ts$/.test(target);

/** Why `lib/` may not import this, or undefined when it may. */
function libViolation(edge: ImportEdge): string | undefined {
  if (edge.target === undefined) {
    const pkg = edge.specifier.startsWith('@')
      ? edge.specifier.split('/').slice(0, 2).join('/')
      : edge.specifier.split('/')[0]!;
    if (edge.specifier.startsWith('node:') || builtinModules.includes(pkg)) return undefined;
    return LIB_PACKAGES.includes(pkg) ? undefined : `package "${pkg}" is not a CDK dependency`;
  }
  const { target } = edge;
  if (target.startsWith('lib/')) return undefined;
  if (target.startsWith('shared/pipeline/')) return undefined;
  if (isDefinition(target)) {
    return edge.from === APP_BUILDER
      ? undefined
      : `a pipeline definition is imported only by ${APP_BUILDER}; take it as a prop`;
  }
  return 'lib/ imports only shared/pipeline/** and the pipeline definitions';
}

/** The `shared/` folder of a repository path (`shared/storage/cassandra/x.ts` → `storage`). */
function sharedFolderOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : REGISTRY;
}

/** Folder → folders it imports, from every import of `shared/**`. */
function sharedFolderGraph(edges: readonly ImportEdge[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!edge.target?.startsWith('shared/')) continue;
    const from = sharedFolderOf(edge.from);
    const to = sharedFolderOf(edge.target);
    if (from === to) continue;
    graph.set(from, (graph.get(from) ?? new Set()).add(to));
  }
  return graph;
}

/** Every cycle of a directed graph, each as its path (`a → b → a`). */
function cyclesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (node: string, trail: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(node)), node].join(' → '));
      return;
    }
    state.set(node, 'visiting');
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  return cycles;
}

describe('lib/ imports', () => {
  const edges = importsUnder('lib');

  it('parses the imports of every lib file', () => {
    expect(edges.length).toBeGreaterThan(50);
    expect(
      edges.some((e) => e.from === 'lib/pipeline-stack.ts' && e.target === 'shared/pipeline/index.ts'),
    ).toBe(true);
  });

  it('imports from shared/ only the framework vocabulary, and the definitions only in the app builder', () => {
    const violations = edges.flatMap((edge) => {
      const why = libViolation(edge);
      return why ? [`${edge.from} imports "${edge.specifier}": ${why}`] : [];
    });
    expect(violations).toEqual([]);
  });

  it('the checker itself refuses what the rule forbids', () => {
    const from = 'lib/constructs/x.ts';
    expect(
      libViolation({ from, specifier: '../../shared/storage/a.ts', target: 'shared/storage/a.ts' }),
    ).toBeDefined();
    expect(
      libViolation({ from, specifier: '../../shared/cdr/pipeline.ts', target: 'shared/cdr/pipeline.ts' }),
    ).toBeDefined();
    expect(
      libViolation({ from, specifier: '../../functions/a/handler.ts', target: 'functions/a/handler.ts' }),
    ).toBeDefined();
    expect(libViolation({ from, specifier: 'kafkajs' })).toBeDefined();
    expect(
      libViolation({
        from: APP_BUILDER,
        specifier: '../../shared/pipelines.ts',
        target: 'shared/pipelines.ts',
      }),
    ).toBeUndefined();
    expect(libViolation({ from, specifier: 'aws-cdk-lib/assertions' })).toBeUndefined();
    expect(libViolation({ from, specifier: 'node:path' })).toBeUndefined();
  });
});

describe('shared/ folders', () => {
  const graph = sharedFolderGraph(importsUnder('shared'));
  const folders = readdirSync(path.join(PROJECT_ROOT, 'shared')).filter((n) =>
    statSync(path.join(PROJECT_ROOT, 'shared', n)).isDirectory(),
  );
  const pipelineFolders = folders.filter((f) => !FRAMEWORK_FOLDERS.includes(f));

  it('has the framework folders DESIGN §1 names and at least one pipeline folder', () => {
    expect(folders).toEqual(expect.arrayContaining(['pipeline', 'runtime', 'kafka']));
    expect(pipelineFolders.length).toBeGreaterThan(0);
  });

  it('has no import cycle between folders', () => {
    expect(graph.size).toBeGreaterThan(0);
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('framework folders import no pipeline folder and not the registry', () => {
    const bad = FRAMEWORK_FOLDERS.flatMap((f) =>
      [...(graph.get(f) ?? [])]
        .filter((to) => pipelineFolders.includes(to) || to === REGISTRY)
        .map((to) => `${f} → ${to}`),
    );
    expect(bad).toEqual([]);
  });

  it('pipeline folders import no other pipeline folder and not the registry', () => {
    const bad = pipelineFolders.flatMap((f) =>
      [...(graph.get(f) ?? [])]
        .filter((to) => (pipelineFolders.includes(to) && to !== f) || to === REGISTRY)
        .map((to) => `${f} → ${to}`),
    );
    expect(bad).toEqual([]);
  });

  it('the cycle finder finds a cycle', () => {
    const cyclic = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(cyclesOf(cyclic)).toEqual(['a → b → c → a']);
  });
});
