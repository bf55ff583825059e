/** Prerequisite checks fail with a code and the fix. */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StackError } from '../../../localstack/embedded/errors.ts';
import { checkJava, checkMaven, parseJavaVersion } from '../../../localstack/embedded/prerequisites.ts';

/** A JAVA_HOME whose `bin/java -version` prints `banner` on stderr. */
function fakeJavaHome(banner: string): string {
  const home = mkdtempSync(join(tmpdir(), 'orion-java-'));
  mkdirSync(join(home, 'bin'));
  writeFileSync(join(home, 'bin', 'java'), `#!/bin/sh\necho '${banner}' >&2\n`);
  chmodSync(join(home, 'bin', 'java'), 0o755);
  return home;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(StackError);
    return (error as StackError).code;
  }
}

describe('parseJavaVersion', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_402"', 8],
    ['openjdk version "11.0.2" 2019-01-15', 11],
    ['no version here', undefined],
  ])('%s → %s', (banner, version) => {
    expect(parseJavaVersion(banner)).toBe(version);
  });
});

describe('checkJava', () => {
  it('accepts Java 17', () => {
    expect(
      checkJava({ ...process.env, JAVA_HOME: fakeJavaHome('openjdk version "17.0.15" 2025-04-15') }).version,
    ).toBe(17);
  });

  it('refuses Java 11 and says how to install 17', () => {
    const env = { ...process.env, JAVA_HOME: fakeJavaHome('openjdk version "11.0.2" 2019-01-15') };
    expect(codeOf(() => checkJava(env))).toBe('JAVA_TOO_OLD');
    expect(() => checkJava(env)).toThrow(/openjdk-17-jdk-headless/);
  });

  it('reports a missing Java with the install command and the Docker alternative', () => {
    const env = { ...process.env, JAVA_HOME: '/nonexistent/jdk' };
    expect(codeOf(() => checkJava(env))).toBe('JAVA_MISSING');
    expect(() => checkJava(env)).toThrow(/compose\.yml/);
  });
});

describe('checkMaven', () => {
  it('reports a missing Maven with the install command', () => {
    const env = { ...process.env, PATH: '/nonexistent' };
    expect(codeOf(() => checkMaven(env))).toBe('MAVEN_MISSING');
    expect(() => checkMaven(env)).toThrow(/apt-get install -y maven/);
  });
});
