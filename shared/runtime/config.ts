/**
 * The runtime configuration of a stage function, read from the environment and validated with
 * zod once, at cold start (module scope): a missing or wrong setting fails the init phase with a
 * message naming the variable and the fix, instead of failing at the first record.
 */
import { z } from 'zod';
import type { KafkaAuth } from '../kafka/types.ts';
import { ENV } from '../pipeline/environment.ts';
import { ConfigError } from './errors.ts';

/**
 * Variables the runtime reads beyond the env contract (`ENV`): Lambda's own, and a tuning knob a
 * stage may set in its `environment`.
 */
const LAMBDA_FUNCTION_NAME = 'AWS_LAMBDA_FUNCTION_NAME';
const PRODUCE_TIMEOUT_MS = 'KAFKA_PRODUCE_TIMEOUT_MS';

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
  [ENV.kafkaBrokers]: `set ${ENV.kafkaBrokers} to a comma-separated list of host:port, e.g. "127.0.0.1:9092" locally or the MSK IAM bootstrap brokers (port 9098) in AWS`,
  [ENV.kafkaAuth]: `set ${ENV.kafkaAuth} to "none" (plaintext, local) or "msk-iam" (Amazon MSK with IAM)`,
  [ENV.region]: `set ${ENV.region} (Lambda sets it); msk-iam signs its token for that region`,
  [ENV.kafkaClientId]: `set ${ENV.kafkaClientId} to letters, digits, ".", "_" or "-"`,
  [PRODUCE_TIMEOUT_MS]: `set ${PRODUCE_TIMEOUT_MS} to a whole number of milliseconds between 100 and 900000`,
};

const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const schema = z.object({
  [ENV.kafkaBrokers]: z
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
  [ENV.kafkaAuth]: z.enum(['none', 'msk-iam'], { error: 'must be "none" or "msk-iam"' }).optional(),
  [ENV.region]: z.string().trim().min(1).optional(),
  [LAMBDA_FUNCTION_NAME]: z.string().optional(),
  [ENV.kafkaClientId]: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'has characters Kafka does not accept')
    .optional(),
  [ENV.serviceName]: z.string().trim().min(1).optional(),
  [PRODUCE_TIMEOUT_MS]: z.coerce
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
  if (env[LAMBDA_FUNCTION_NAME] && !env[ENV.kafkaAuth]) {
    issues.push([ENV.kafkaAuth, 'is required when running in AWS Lambda']);
  }
  if (env[ENV.kafkaAuth] === 'msk-iam' && !env[ENV.region]?.trim()) {
    issues.push([ENV.region, `is required when ${ENV.kafkaAuth}=msk-iam`]);
  }
  if (!parsed.success || issues.length > 0) {
    throw new ConfigError(
      issues.map(([name, message]) => `${name} ${message}.${FIXES[name] ? ` Fix: ${FIXES[name]}.` : ''}`),
    );
  }
  const e = parsed.data;
  const config: RuntimeConfig = {
    brokers: e[ENV.kafkaBrokers],
    auth: e[ENV.kafkaAuth] ?? 'none',
    clientId: e[ENV.kafkaClientId] ?? e[LAMBDA_FUNCTION_NAME] ?? 'orion',
    serviceName: e[ENV.serviceName] ?? 'orion',
    produceTimeoutMs: e[PRODUCE_TIMEOUT_MS] ?? 10_000,
    ...(e[ENV.region] ? { region: e[ENV.region] } : {}),
  };
  return config;
}
