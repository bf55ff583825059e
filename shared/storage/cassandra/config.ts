/**
 * Cassandra / Amazon Keyspaces connection settings, read from the environment and validated with
 * zod at cold start: a missing or wrong setting fails at init with a message naming the variable.
 * The variable names are the env contract's (`ENV` in `shared/pipeline/environment.ts`).
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | `CASSANDRA_TARGET` | `cassandra` | `cassandra` (plain contact points) or `keyspaces` (Amazon Keyspaces, TLS + SigV4) |
 * | `CASSANDRA_CONTACT_POINTS` | `127.0.0.1:9042` | comma-separated `host[:port]` (local target) |
 * | `CASSANDRA_LOCAL_DC` | `datacenter1` (local), the Region (Keyspaces) | the driver's local data center |
 * | `AWS_REGION` | — (required for `keyspaces`) | Region of the Keyspaces endpoint and of the SigV4 signature |
 * | `KEYSPACES_ENDPOINT` | `cassandra.<region>.amazonaws.com` | Keyspaces host (port 9142), e.g. a VPC endpoint |
 * | `CASSANDRA_KEYSPACE` | `orion` | keyspace of the pipeline's tables |
 * | `CASSANDRA_WRITE_CONCURRENCY` | `64` | statements in flight per batch (bounded concurrency; 64 was the best of 8/32/64/128 measured on the embedded Cassandra) |
 * | `CASSANDRA_REQUEST_TIMEOUT_MS` | `10000` | per-request read timeout |
 * | `CASSANDRA_WRITE_MODE` | `unlogged-batch` | `unlogged-batch` (the INSERTs of several rows per request), `independent` (one request per INSERT) or `logged-batch` (atomic INSERTs of one row); see {@link WriteMode} |
 * | `CASSANDRA_ROWS_PER_BATCH` | `30` | rows per unlogged batch, one batch per table (Amazon Keyspaces takes at most 30 statements per batch) |
 */
import { z } from 'zod';
import { ENV } from '../../pipeline/environment.ts';
import { CassandraConfigError, configProblems } from '../errors.ts';
import { DEFAULT_KEYSPACE } from './keyspace.ts';
import { DEFAULT_ROWS_PER_BATCH, type WriteMode } from './row-writer.ts';

/** Port of the Amazon Keyspaces TLS endpoint. */
export const KEYSPACES_PORT = 9142;

const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'expected host or host:port');

const common = {
  keyspace: z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'expected [a-z][a-z0-9_]{0,47}'),
  writeConcurrency: z.coerce.number().int().min(1).max(2048),
  requestTimeoutMs: z.coerce.number().int().min(100).max(120_000),
  writeMode: z.enum([
    'independent',
    'logged-batch',
    'unlogged-batch',
  ] as const satisfies readonly WriteMode[]),
  rowsPerBatch: z.coerce.number().int().min(1).max(30),
};

const localSchema = z.object({
  target: z.literal('cassandra'),
  contactPoints: z.array(hostPort).min(1),
  localDataCenter: z.string().min(1),
  ...common,
});

const keyspacesSchema = z.object({
  target: z.literal('keyspaces'),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS Region such as eu-west-1'),
  endpoint: z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a host name without port'),
  localDataCenter: z.string().min(1),
  ...common,
});

/** Validated connection settings. */
export type CassandraConfig = z.infer<typeof localSchema> | z.infer<typeof keyspacesSchema>;

/** Settings for the local target (`CASSANDRA_TARGET=cassandra`). */
export type LocalCassandraConfig = z.infer<typeof localSchema>;

/** Settings for Amazon Keyspaces (`CASSANDRA_TARGET=keyspaces`). */
export type KeyspacesConfig = z.infer<typeof keyspacesSchema>;

/**
 * Reads and validates the Cassandra settings from an environment (default `process.env`).
 * Throws {@link CassandraConfigError} listing every wrong variable.
 *
 * @example
 * const config = cassandraConfigFromEnv({ CASSANDRA_CONTACT_POINTS: '10.0.0.5:9042' });
 */
export function cassandraConfigFromEnv(env: NodeJS.ProcessEnv = process.env): CassandraConfig {
  const read = (name: string): string | undefined => env[name]?.trim() || undefined;
  const target = read(ENV.cassandraTarget) ?? 'cassandra';
  const shared = {
    keyspace: read(ENV.cassandraKeyspace) ?? DEFAULT_KEYSPACE,
    writeConcurrency: read(ENV.cassandraWriteConcurrency) ?? 64,
    requestTimeoutMs: read(ENV.cassandraRequestTimeoutMs) ?? 10_000,
    writeMode: read(ENV.cassandraWriteMode) ?? 'unlogged-batch',
    rowsPerBatch: read(ENV.cassandraRowsPerBatch) ?? DEFAULT_ROWS_PER_BATCH,
  };
  const names: Record<string, string> = {
    contactPoints: ENV.cassandraContactPoints,
    localDataCenter: ENV.cassandraLocalDc,
    region: ENV.region,
    endpoint: ENV.keyspacesEndpoint,
    keyspace: ENV.cassandraKeyspace,
    writeConcurrency: ENV.cassandraWriteConcurrency,
    requestTimeoutMs: ENV.cassandraRequestTimeoutMs,
    writeMode: ENV.cassandraWriteMode,
    rowsPerBatch: ENV.cassandraRowsPerBatch,
    target: ENV.cassandraTarget,
  };
  let parsed: z.ZodSafeParseResult<CassandraConfig>;
  if (target === 'keyspaces') {
    const region = read(ENV.region) ?? '';
    parsed = keyspacesSchema.safeParse({
      target,
      region,
      endpoint: read(ENV.keyspacesEndpoint) ?? `cassandra.${region}.amazonaws.com`,
      localDataCenter: read(ENV.cassandraLocalDc) ?? region,
      ...shared,
    });
  } else if (target === 'cassandra') {
    parsed = localSchema.safeParse({
      target,
      contactPoints: (read(ENV.cassandraContactPoints) ?? '127.0.0.1:9042')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      localDataCenter: read(ENV.cassandraLocalDc) ?? 'datacenter1',
      ...shared,
    });
  } else {
    throw new CassandraConfigError(
      `${ENV.cassandraTarget} must be "cassandra" or "keyspaces", got "${target}"`,
    );
  }
  if (!parsed.success) {
    throw new CassandraConfigError(
      `Invalid Cassandra configuration (${target}): ${configProblems(parsed.error, names)}`,
    );
  }
  return parsed.data;
}
