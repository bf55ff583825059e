/** Checks the tools the embedded stack needs: a Java 17+ runtime and Maven. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { StackError } from './errors.ts';

/** Minimum Java feature version: Cassandra 5.0 and Kafka 3.9 both run on 17. */
export const MIN_JAVA_VERSION = 17;

/** The `java` executable: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from PATH. */
export function javaExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/**
 * Parses the feature version out of `java -version` output.
 *
 * @example
 * parseJavaVersion('openjdk version "17.0.15" 2025-04-15') // 17
 * parseJavaVersion('java version "1.8.0_402"') // 8
 */
export function parseJavaVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** Throws a StackError saying how to install Java when there is no Java 17+ runtime. */
export function checkJava(env: NodeJS.ProcessEnv = process.env): { executable: string; version: number } {
  const executable = javaExecutable(env);
  const result = spawnSync(executable, ['-version'], { encoding: 'utf8', env });
  if (result.error) {
    throw new StackError(
      'JAVA_MISSING',
      `Java was not found (${executable}). The embedded stack needs a Java ${MIN_JAVA_VERSION}+ runtime: ` +
        'install one (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jdk-headless`) or set JAVA_HOME. ' +
        'Or use Docker with localstack/compose.yml and set KAFKA_BROKERS, CASSANDRA_CONTACT_POINTS, DYNAMODB_ENDPOINT.',
    );
  }
  const version = parseJavaVersion(`${result.stderr}${result.stdout}`);
  if (version === undefined || version < MIN_JAVA_VERSION) {
    throw new StackError(
      'JAVA_TOO_OLD',
      `Java ${version ?? 'of unknown version'} found (${executable}); the embedded stack needs Java ${MIN_JAVA_VERSION}+. ` +
        'Install one (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jdk-headless`) and point JAVA_HOME at it.',
    );
  }
  return { executable, version };
}

/** Throws a StackError saying how to install Maven when `mvn` is not on the PATH. */
export function checkMaven(env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync('mvn', ['-v'], { encoding: 'utf8', env });
  if (result.error || result.status !== 0) {
    throw new StackError(
      'MAVEN_MISSING',
      'Maven (`mvn`) was not found. The embedded stack resolves Kafka, Cassandra and DynamoDB Local from ' +
        'Maven Central with it: install it (Debian/Ubuntu: `sudo apt-get install -y maven`).',
    );
  }
  return /Apache Maven (\d+(?:\.\d+)*)/.exec(result.stdout)?.[1] ?? 'unknown';
}
