/**
 * The runtime configuration of a stage function, read from the environment and validated with
 * zod once, at cold start (module scope): a missing or wrong setting fails the init phase with a
 * message naming the variable and the fix, instead of failing at the first record.
 */
import { z } from 'zod';
import type { KafkaAuth } from '../kafka/types.ts';
import { ConfigError } from './errors.ts';

/** Validated runtime configuration. */
export interface RuntimeConfig {
  /** Bootstrap brokers (`host:port`). */
  readonly brokers: readonly string[];
  /** `none` = plaintext (local); `msk-iam` = SASL OAUTHBEARER over TLS with IAM (Amazon MSK). */
  readonly auth: KafkaAuth;
  /** AWS region (required for `msk-iam`: the token is signed for it). */
  readonly region?: string;
  readonly clientId: string;
  readonly serviceName: string;
  /** How long one batched produce may take before it counts as failed, ms. */
  readonly produceTimeoutMs: number;
}

/** How to fix each variable, appended to its error. */
const FIXES: Record<string, string> = {
  KAFKA_BROKERS:
    'set KAFKA_BROKERS to a comma-separated list of host:port, e.g. "127.0.0.1:9092" locally or the MSK IAM bootstrap brokers (port 9098) in AWS',
  KAFKA_AUTH: 'set KAFKA_AUTH to "none" (plaintext, local) or "msk-iam" (Amazon MSK with IAM)',
  AWS_REGION: 'set AWS_REGION (Lambda sets it); msk-iam signs its token for that region',
  KAFKA_CLIENT_ID: 'set KAFKA_CLIENT_ID to letters, digits, ".", "_" or "-"',
  KAFKA_PRODUCE_TIMEOUT_MS:
    'set KAFKA_PRODUCE_TIMEOUT_MS to a whole number of milliseconds between 100 and 900000',
};

const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const schema = z.object({
  KAFKA_BROKERS: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .transform((v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(BROKER, 'each broker must be host:port')).min(1, 'lists no broker')),
  KAFKA_AUTH: z.enum(['none', 'msk-iam'], { error: 'must be "none" or "msk-iam"' }).optional(),
  AWS_REGION: z.string().trim().min(1).optional(),
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
  KAFKA_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'has characters Kafka does not accept')
    .optional(),
  POWERTOOLS_SERVICE_NAME: z.string().trim().min(1).optional(),
  KAFKA_PRODUCE_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(100)
    .max(900_000)
    .optional(),
});

/**
 * Reads and validates the configuration; throws {@link ConfigError} listing every problem.
 *
 * @example
 * const config = loadRuntimeConfig(); // module scope: fails the cold start if invalid
 * @example
 * loadRuntimeConfig({ KAFKA_BROKERS: '127.0.0.1:9092' }).auth // 'none'
 */
export function loadRuntimeConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): RuntimeConfig {
  const parsed = schema.safeParse(env);
  const issues: Array<[name: string, message: string]> = parsed.success
    ? []
    : parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'environment'), issue.message]);
  // In Lambda, plaintext by accident would only fail at the first connection: require a choice.
  if (env.AWS_LAMBDA_FUNCTION_NAME && !env.KAFKA_AUTH) {
    issues.push(['KAFKA_AUTH', 'is required when running in AWS Lambda']);
  }
  if (env.KAFKA_AUTH === 'msk-iam' && !env.AWS_REGION?.trim()) {
    issues.push(['AWS_REGION', 'is required when KAFKA_AUTH=msk-iam']);
  }
  if (!parsed.success || issues.length > 0) {
    throw new ConfigError(
      issues.map(([name, message]) => `${name} ${message}.${FIXES[name] ? ` Fix: ${FIXES[name]}.` : ''}`),
    );
  }
  const e = parsed.data;
  const config: RuntimeConfig = {
    brokers: e.KAFKA_BROKERS,
    auth: e.KAFKA_AUTH ?? 'none',
    clientId: e.KAFKA_CLIENT_ID ?? e.AWS_LAMBDA_FUNCTION_NAME ?? 'orion',
    serviceName: e.POWERTOOLS_SERVICE_NAME ?? 'orion',
    produceTimeoutMs: e.KAFKA_PRODUCE_TIMEOUT_MS ?? 10_000,
    ...(e.AWS_REGION ? { region: e.AWS_REGION } : {}),
  };
  return config;
}
