/**
 * DynamoDB Local (AWS's own, from Maven Central) on port 8000 by default (it has no bind-address option, so
 * it listens on every interface; clients use 127.0.0.1), with its native SQLite library
 * (sqlite4java) copied where sqlite4java looks for it.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ComponentDriver } from '../component.ts';
import { ENDPOINT_ENV, LOCAL_HOST } from '../endpoints.ts';
import { StackError } from '../errors.ts';
import { dynamodbHealth } from '../health.ts';
import { baseJvmOptions } from '../jvm.ts';
import { launchDetached } from '../process.ts';

const NAME = 'dynamodb';

/**
 * The file name sqlite4java loads for a Maven native artifact: the artifact without its version,
 * e.g. `libsqlite4java-linux-amd64-1.0.392.so` → `libsqlite4java-linux-amd64.so`.
 *
 * @example
 * sqliteLibraryName('/m2/libsqlite4java-linux-amd64-1.0.392.so') // 'libsqlite4java-linux-amd64.so'
 */
export function sqliteLibraryName(file: string): string {
  return basename(file).replace(/-\d+(\.\d+)*(\.(so|dylib|dll))$/, '$2');
}

/** The DynamoDB Local driver. */
export const dynamodbDriver: ComponentDriver = {
  name: 'dynamodb',
  envVar: ENDPOINT_ENV.dynamodb,
  healthTimeoutMs: 60_000,
  processes: (ctx) => [{ name: NAME, ports: [ctx.dynamodbPort] }],
  address: (ctx) => `http://${LOCAL_HOST}:${ctx.dynamodbPort}`,

  async launch(ctx) {
    const nativeDir = ctx.paths.dataDir(join(NAME, 'native'));
    const dbDir = ctx.paths.dataDir(join(NAME, 'db'));
    mkdirSync(nativeDir, { recursive: true });
    mkdirSync(dbDir, { recursive: true });
    const linux = ctx.classpath.natives.filter((f) => f.includes('linux-amd64'));
    if (process.platform === 'linux' && process.arch === 'x64' && linux.length === 0) {
      throw new StackError(
        'ARTIFACT_UNRESOLVED',
        'The sqlite4java native library for linux-amd64 was not resolved; check localstack/embedded/maven/dynamodb/pom.xml.',
      );
    }
    for (const file of ctx.classpath.natives) {
      const target = join(nativeDir, sqliteLibraryName(file));
      if (!existsSync(target)) copyFileSync(file, target);
    }
    const logFile = ctx.paths.logFile(NAME);
    const pid = launchDetached({
      name: NAME,
      executable: ctx.java,
      args: [
        ...baseJvmOptions(NAME, '512m'),
        `-Djava.library.path=${nativeDir}`,
        '-cp',
        readFileSync(ctx.classpath.classpathFile, 'utf8'),
        'com.amazonaws.services.dynamodbv2.local.main.ServerRunner',
        '-port',
        String(ctx.dynamodbPort),
        '-dbPath',
        dbDir,
        '-sharedDb',
        // No usage reports from developer machines or CI (and no outbound calls that could hang).
        '-disableTelemetry',
      ],
      cwd: dbDir,
      logFile,
      pidFile: ctx.paths.pidFile(NAME),
    });
    return [{ name: NAME, pid, ports: [ctx.dynamodbPort], logFile }];
  },

  health: (address) => dynamodbHealth(address),
};
