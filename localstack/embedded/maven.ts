/**
 * Resolves each component's runtime classpath from Maven Central with `mvn dependency:build-classpath`
 * (artifacts land in the Maven cache, ~/.m2, outside the repository). The result is cached in
 * `.orion/classpath/<component>.txt` and re-resolved when the pom changes or a jar disappears.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from './errors.ts';
import { DEFAULT_STACK_HOME, pomOf, stackPaths } from './paths.ts';
import { checkMaven } from './prerequisites.ts';
import type { ComponentName } from './types.ts';

/** The main artifact of each component, whose version the stack reports. */
const MAIN_ARTIFACT: Record<ComponentName, string> = {
  kafka: 'kafka_2.13',
  cassandra: 'cassandra-all',
  dynamodb: 'DynamoDBLocal',
};

/** A component's resolved runtime. */
export interface ResolvedClasspath {
  readonly component: ComponentName;
  readonly version: string;
  /** File holding the classpath (jars joined by `:`). */
  readonly classpathFile: string;
  /** Jars only. */
  readonly jars: readonly string[];
  /** Native libraries (`.so`, `.dylib`, `.dll`) that came with the dependencies. */
  readonly natives: readonly string[];
  /** True when Maven ran; false when the cached classpath was still valid. */
  readonly resolvedNow: boolean;
  readonly ms: number;
}

/**
 * Version of the component's main artifact, read from its pom (the one place it is written).
 *
 * @example
 * componentVersion('kafka') // '3.9.1'
 */
export function componentVersion(component: ComponentName): string {
  const pom = readFileSync(pomOf(component), 'utf8');
  const artifact = MAIN_ARTIFACT[component];
  const match = new RegExp(`<artifactId>${artifact}</artifactId>\\s*<version>([^<]+)</version>`).exec(pom);
  if (!match?.[1]) throw new Error(`No version for ${artifact} in ${pomOf(component)}`);
  return match[1];
}

function runMaven(pom: string, outputFile: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      'mvn',
      ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${outputFile}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', (error) => resolve({ code: -1, output: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function split(classpath: string): { jars: string[]; natives: string[] } {
  const entries = classpath
    .trim()
    .split(':')
    .filter((e) => e.length > 0);
  return {
    jars: entries.filter((e) => e.endsWith('.jar')),
    natives: entries.filter((e) => /\.(so|dylib|dll)$/.test(e)),
  };
}

/**
 * Resolves (or reuses the cached) classpath of a component.
 *
 * @example
 * const { jars } = await resolveClasspath('kafka');
 */
export async function resolveClasspath(component: ComponentName): Promise<ResolvedClasspath> {
  const started = Date.now();
  const dir = stackPaths(DEFAULT_STACK_HOME).classpathDir;
  mkdirSync(dir, { recursive: true });
  const pom = pomOf(component);
  const pomHash = createHash('sha256').update(readFileSync(pom)).digest('hex');
  const rawFile = join(dir, `${component}.raw.txt`);
  const hashFile = join(dir, `${component}.pom.sha256`);
  const classpathFile = join(dir, `${component}.txt`);
  const version = componentVersion(component);

  if (existsSync(rawFile) && existsSync(hashFile) && readFileSync(hashFile, 'utf8') === pomHash) {
    const cached = split(readFileSync(rawFile, 'utf8'));
    if ([...cached.jars, ...cached.natives].every((f) => existsSync(f))) {
      return { component, version, classpathFile, ...cached, resolvedNow: false, ms: Date.now() - started };
    }
  }

  checkMaven();
  const { code, output } = await runMaven(pom, rawFile);
  if (code !== 0 || !existsSync(rawFile)) {
    const tail = output.trim().split('\n').slice(-15).join('\n');
    throw new StackError(
      'ARTIFACT_UNRESOLVED',
      `Maven could not resolve the ${component} artifacts (${pom}). Check that Maven Central ` +
        '(https://repo.maven.apache.org) is reachable, or your mirror/proxy in ~/.m2/settings.xml, then run ' +
        `\`npx orion stack resolve\` again.\n${tail}`,
    );
  }
  const resolved = split(readFileSync(rawFile, 'utf8'));
  writeFileSync(classpathFile, resolved.jars.join(':'));
  writeFileSync(hashFile, pomHash);
  return { component, version, classpathFile, ...resolved, resolvedNow: true, ms: Date.now() - started };
}
