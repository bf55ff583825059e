/**
 * DynamoDB client factory. Locally (`DYNAMODB_ENDPOINT` set, e.g. the embedded stack's DynamoDB
 * Local on http://127.0.0.1:8000) it uses dummy credentials; in AWS the default credential chain
 * and Region. One document client per execution environment ({@link sharedDynamoDb}). Table names
 * come from the store (see `tables.ts`), not from here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ENV } from '../../pipeline/environment.ts';
import { configProblems, DynamoDbConfigError } from '../errors.ts';

/** Validated DynamoDB settings. */
export interface DynamoDbConfig {
  /** Custom endpoint (DynamoDB Local); absent in AWS. */
  readonly endpoint?: string;
  readonly region: string;
}

const schema = z.object({
  endpoint: z.url().optional(),
  region: z.string().min(1, `required (${ENV.region}) when ${ENV.dynamodbEndpoint} is not set`),
});

/**
 * Reads `DYNAMODB_ENDPOINT` and `AWS_REGION` (else `AWS_DEFAULT_REGION`; `us-east-1` against a
 * local endpoint) and validates them; throws {@link DynamoDbConfigError} naming the bad variable.
 *
 * @example dynamoDbConfigFromEnv({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' }) // { endpoint: 'http://127.0.0.1:8000', region: 'us-east-1' }
 */
export function dynamoDbConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoDbConfig {
  const endpoint = env[ENV.dynamodbEndpoint]?.trim() || undefined;
  const parsed = schema.safeParse({
    endpoint,
    region: env[ENV.region]?.trim() || env[ENV.defaultRegion]?.trim() || (endpoint ? 'us-east-1' : ''),
  });
  if (!parsed.success) {
    const names: Record<string, string> = { endpoint: ENV.dynamodbEndpoint, region: ENV.region };
    throw new DynamoDbConfigError(`Invalid DynamoDB configuration: ${configProblems(parsed.error, names)}`);
  }
  const { endpoint: ep, region } = parsed.data;
  return ep ? { endpoint: ep, region } : { region };
}

/**
 * A DynamoDB document client (plain JS values in and out) for a configuration.
 *
 * @example const doc = createDynamoDbDocumentClient({ endpoint: 'http://127.0.0.1:8000', region: 'us-east-1' });
 */
export function createDynamoDbDocumentClient(config: DynamoDbConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoint
      ? { endpoint: config.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    // Unprocessed items are retried by ORION's own loop (batch-get / batch-write); this bounds the
    // SDK's retries of errors.
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
