/**
 * DynamoDB client factory. Locally (`DYNAMODB_ENDPOINT` set, e.g. the embedded stack's DynamoDB
 * Local on http://127.0.0.1:8000) it uses dummy credentials; in AWS the default credential chain
 * and Region. One document client per execution environment ({@link sharedDynamoDb}).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { DEFAULT_REFERENCE_TABLE_PREFIX } from './reference-tables.ts';

/** Validated DynamoDB settings. */
export interface DynamoDbConfig {
  /** Custom endpoint (DynamoDB Local); absent in AWS. */
  readonly endpoint?: string;
  readonly region: string;
  /** Physical-name prefix of the reference tables. */
  readonly tablePrefix: string;
  /** Reference cache TTL, ms. */
  readonly cacheTtlMs: number;
}

const schema = z.object({
  endpoint: z.url().optional(),
  region: z.string().min(1, 'required (AWS_REGION) when DYNAMODB_ENDPOINT is not set'),
  tablePrefix: z.string().regex(/^[A-Za-z0-9_.-]{0,200}$/, 'expected [A-Za-z0-9_.-]*'),
  cacheTtlMs: z.coerce.number().int().min(0).max(86_400_000),
});

/**
 * Reads `DYNAMODB_ENDPOINT`, `AWS_REGION`, `REFERENCE_TABLE_PREFIX` and `REFERENCE_CACHE_TTL_MS`
 * (default 300,000 = 5 min) and validates them; throws a message naming the bad variable.
 *
 * @example dynamoDbConfigFromEnv({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })
 */
export function dynamoDbConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoDbConfig {
  const endpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
  const parsed = schema.safeParse({
    endpoint,
    region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || (endpoint ? 'us-east-1' : ''),
    tablePrefix: env.REFERENCE_TABLE_PREFIX ?? DEFAULT_REFERENCE_TABLE_PREFIX,
    cacheTtlMs: env.REFERENCE_CACHE_TTL_MS?.trim() || 300_000,
  });
  if (!parsed.success) {
    const names: Record<string, string> = {
      endpoint: 'DYNAMODB_ENDPOINT',
      region: 'AWS_REGION',
      tablePrefix: 'REFERENCE_TABLE_PREFIX',
      cacheTtlMs: 'REFERENCE_CACHE_TTL_MS',
    };
    const problems = parsed.error.issues.map(
      (i) => `${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`,
    );
    throw new Error(`Invalid DynamoDB configuration: ${problems.join('; ')}`);
  }
  const { endpoint: ep, ...rest } = parsed.data;
  return ep ? { endpoint: ep, ...rest } : rest;
}

/**
 * A DynamoDB document client (plain JS values in and out) for a configuration.
 *
 * @example const doc = createDynamoDbDocumentClient({ endpoint: 'http://127.0.0.1:8000', region: 'us-east-1', tablePrefix: 'orion-', cacheTtlMs: 300_000 });
 */
export function createDynamoDbDocumentClient(config: DynamoDbConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoint
      ? { endpoint: config.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    // Unprocessed items are retried by ORION's own loop; this bounds the SDK's retries of errors.
    maxAttempts: 3,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

let shared: { doc: DynamoDBDocumentClient; config: DynamoDbConfig } | undefined;

/**
 * The execution environment's document client and configuration, created on first use (from
 * `config`, or `process.env` when not given) and reused across invocations.
 *
 * @example const { doc, config } = sharedDynamoDb();
 */
export function sharedDynamoDb(config?: DynamoDbConfig): {
  doc: DynamoDBDocumentClient;
  config: DynamoDbConfig;
} {
  if (!shared) {
    const resolved = config ?? dynamoDbConfigFromEnv();
    shared = { doc: createDynamoDbDocumentClient(resolved), config: resolved };
  }
  return shared;
}
