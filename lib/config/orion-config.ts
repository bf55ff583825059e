/**
 * The deployment configuration of the ORION stack, read from CDK context (`cdk.json` or
 * `-c key=value`). Every key has a documented default so that `npx cdk synth` works with no
 * argument, offline and without AWS credentials: nothing here triggers a context lookup.
 *
 * | key | default | meaning |
 * | --- | --- | --- |
 * | `orion:env` | `dev` | environment name, part of every resource name |
 * | `orion:account` / `orion:region` | unset (environment-agnostic) | pin the stack to an account/region |
 * | `orion:availabilityZones` | `<region>a,b,c` when a region is pinned, else 2 AZs via `Fn::GetAZs` | AZs of the new VPC |
 * | `orion:msk` | `serverless` | `serverless` \| `provisioned` \| `import` |
 * | `orion:mskProvisioned` | `{ "instanceType": "kafka.m7g.large", "brokerCount": 3, "volumeSizeGiB": 100 }` | provisioned cluster sizing |
 * | `orion:mskImport` | required when `orion:msk=import` | `{ clusterArn, bootstrapBrokers, vpcId, availabilityZones, privateSubnetIds, securityGroupId, serverless?, brokerCount? }` |
 * | `orion:nag` | `true` | `false` skips cdk-nag (read by `lib/config/orion-app.ts`) |
 * | `orion:deleteTopicsOnDestroy` | `false` | delete the Kafka topics when the stack is deleted |
 * | `orion:alarmEmail` | unset | e-mail address subscribed to the alarm topic |
 * | `orion:logRetentionDays` | `30` | retention of every function's log group |
 * | `orion:keyspace` | `orion_<env>` | Keyspaces keyspace of the hot-storage tables |
 * | `orion:storageTtlDays` | the CQL schema's `default_time_to_live` | override of the hot-storage TTL |
 * | `orion:keyspacesCapacity` | `on-demand` | `on-demand`, `provisioned` or an object (auto scaling) |
 *
 * Object values (`orion:mskProvisioned`, `orion:mskImport`) are a JSON object in `cdk.json`, a
 * one-line JSON string on the command line, or `file:<path>` (a JSON file, relative to the
 * directory `cdk` runs in). A multi-line JSON value cannot be passed with `-c`: the CDK CLI keeps
 * only its first line.
 *
 * With `orion:msk=provisioned` the broker count must be a multiple of the AZ count: MSK spreads
 * the brokers evenly over the client subnets, one per AZ, two or three of them ("Create an MSK
 * Provisioned cluster", https://docs.aws.amazon.com/msk/latest/developerguide/msk-create-cluster.html;
 * `AWS::MSK::Cluster BrokerNodeGroupInfo.ClientSubnets`,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-brokernodegroupinfo.html).
 * When the AZs are defaulted from the region, the first 2 are used if the count is even but not a
 * multiple of 3; otherwise a mismatch is an error that says what to change.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'constructs';
import { type KeyspacesCapacity, keyspacesCapacityOf } from '../storage/keyspaces-capacity.ts';

/** Every context key ORION reads; docs/DEPLOY.md's "Context keys" table lists exactly these. */
export const ORION_CONTEXT_KEYS = [
  'orion:env',
  'orion:account',
  'orion:region',
  'orion:availabilityZones',
  'orion:msk',
  'orion:mskProvisioned',
  'orion:mskImport',
  'orion:deleteTopicsOnDestroy',
  'orion:alarmEmail',
  'orion:logRetentionDays',
  'orion:keyspace',
  'orion:storageTtlDays',
  'orion:keyspacesCapacity',
  'orion:nag',
] as const;

/**
 * AZ count of the new VPC of an environment-agnostic stack (no `orion:region`): CDK resolves
 * two AZs with `Fn::GetAZs` there, and `OrionNetwork` asks for 2 (`maxAzs`).
 */
export const ENV_AGNOSTIC_AZ_COUNT = 2;

/** How many client subnets (hence AZs) an MSK Provisioned cluster accepts (see the module comment). */
const MSK_PROVISIONED_AZ_COUNTS = [2, 3];

/** How the stack gets its Kafka cluster. */
export type MskMode = 'serverless' | 'provisioned' | 'import';

/** Sizing of a provisioned MSK cluster. */
export interface MskProvisionedConfig {
  /** Broker instance type. @default 'kafka.m7g.large' */
  readonly instanceType: string;
  /** Broker count, a multiple of the AZ count. @default 3 */
  readonly brokerCount: number;
  /** EBS volume per broker in GiB. @default 100 */
  readonly volumeSizeGiB: number;
}

/** An existing MSK cluster (IAM auth enabled) and the network it lives in. */
export interface MskImportConfig {
  /** `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`. */
  readonly clusterArn: string;
  /** The cluster's SASL/IAM bootstrap string (`GetBootstrapBrokers` → `BootstrapBrokerStringSaslIam`). */
  readonly bootstrapBrokers: string;
  readonly vpcId: string;
  /** AZs of `privateSubnetIds`, same order. */
  readonly availabilityZones: readonly string[];
  /** Private subnets the functions run in (they must reach the brokers). */
  readonly privateSubnetIds: readonly string[];
  /** A security group of the cluster that admits port 9098 from itself. */
  readonly securityGroupId: string;
  /** Whether the cluster is MSK Serverless (only some topic configs are settable there). @default false */
  readonly serverless: boolean;
  /** Broker count, to fit replication factor and min ISR (`resolveTopics`). @default 3 */
  readonly brokerCount: number;
}

/** The resolved ORION deployment configuration. */
export interface OrionConfig {
  readonly envName: string;
  readonly account?: string;
  readonly region?: string;
  readonly availabilityZones?: readonly string[];
  readonly msk: MskMode;
  readonly mskProvisioned: MskProvisionedConfig;
  readonly mskImport?: MskImportConfig;
  readonly deleteTopicsOnDestroy: boolean;
  readonly alarmEmail?: string;
  readonly logRetentionDays: number;
  readonly keyspaceName: string;
  readonly storageTtlDays?: number;
  /** Capacity mode of the Keyspaces tables (`lib/storage/keyspaces-capacity.ts`). */
  readonly keyspacesCapacity: KeyspacesCapacity;
}

/** The defaults of every key (see the module comment). */
export const ORION_CONFIG_DEFAULTS = {
  envName: 'dev',
  msk: 'serverless',
  mskProvisioned: { instanceType: 'kafka.m7g.large', brokerCount: 3, volumeSizeGiB: 100 },
  deleteTopicsOnDestroy: false,
  logRetentionDays: 30,
} as const satisfies Partial<OrionConfig>;

/** A context value that is missing or malformed; the message says which key and what is expected. */
export class OrionConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`Invalid CDK context "${key}": ${message}`);
    this.name = 'OrionConfigError';
  }
}

/** Options of {@link readOrionConfig}. */
export interface ReadOrionConfigOptions {
  /** Directory that `file:<path>` context values are relative to. @default process.cwd() */
  readonly baseDir?: string;
}

/**
 * Reads the ORION configuration from a construct node's context (usually the App's).
 *
 * @example
 * const config = readOrionConfig(app.node); // { envName: 'dev', msk: 'serverless', … }
 */
export function readOrionConfig(node: Node, options: ReadOrionConfigOptions = {}): OrionConfig {
  const baseDir = options.baseDir ?? process.cwd();
  const envName = str(node, 'orion:env') ?? ORION_CONFIG_DEFAULTS.envName;
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(envName)) {
    throw new OrionConfigError('orion:env', `"${envName}" must match ^[a-z][a-z0-9-]{0,15}$`);
  }
  const msk = (str(node, 'orion:msk') ?? ORION_CONFIG_DEFAULTS.msk) as MskMode;
  if (!['serverless', 'provisioned', 'import'].includes(msk)) {
    throw new OrionConfigError('orion:msk', `"${msk}" is not one of serverless, provisioned, import`);
  }
  const region = str(node, 'orion:region');
  const account = str(node, 'orion:account');
  const explicitAzs = list(node, 'orion:availabilityZones');
  const provisioned: MskProvisionedConfig = {
    ...ORION_CONFIG_DEFAULTS.mskProvisioned,
    ...(obj(node, 'orion:mskProvisioned', baseDir) as Partial<MskProvisionedConfig> | undefined),
  };
  if (!Number.isInteger(provisioned.brokerCount) || provisioned.brokerCount < 2) {
    throw new OrionConfigError('orion:mskProvisioned', 'brokerCount must be an integer ≥ 2');
  }
  const azs =
    explicitAzs ??
    (region ? defaultAzs(region, msk === 'provisioned' ? provisioned.brokerCount : undefined) : undefined);
  if (msk === 'provisioned') checkBrokersFitAzs(provisioned.brokerCount, explicitAzs, azs, region);
  const ttlDays = num(node, 'orion:storageTtlDays');
  return {
    envName,
    account,
    region,
    availabilityZones: azs,
    msk,
    mskProvisioned: provisioned,
    mskImport: msk === 'import' ? readImport(node, baseDir) : undefined,
    deleteTopicsOnDestroy:
      bool(node, 'orion:deleteTopicsOnDestroy') ?? ORION_CONFIG_DEFAULTS.deleteTopicsOnDestroy,
    alarmEmail: str(node, 'orion:alarmEmail'),
    logRetentionDays: num(node, 'orion:logRetentionDays') ?? ORION_CONFIG_DEFAULTS.logRetentionDays,
    keyspaceName: str(node, 'orion:keyspace') ?? `orion_${envName.replaceAll('-', '_')}`,
    storageTtlDays: ttlDays,
    keyspacesCapacity: readKeyspacesCapacity(node, baseDir),
  };
}

/** `on-demand` / `provisioned` as words, anything else as an object value (JSON or `file:`). */
function readKeyspacesCapacity(node: Node, baseDir: string): KeyspacesCapacity {
  const key = 'orion:keyspacesCapacity';
  const value = raw(node, key);
  try {
    if (value === 'on-demand' || value === 'provisioned') return keyspacesCapacityOf(value);
    return keyspacesCapacityOf(obj(node, key, baseDir));
  } catch (error) {
    if (error instanceof OrionConfigError) throw error;
    throw new OrionConfigError(key, error instanceof Error ? error.message : String(error));
  }
}

/**
 * `<region>a,b,c`; for a provisioned cluster whose broker count is even but not a multiple of 3,
 * `<region>a,b`, so that the brokers spread evenly.
 */
function defaultAzs(region: string, brokerCount: number | undefined): string[] {
  const three = [`${region}a`, `${region}b`, `${region}c`];
  if (brokerCount !== undefined && brokerCount % 3 !== 0 && brokerCount % 2 === 0) return three.slice(0, 2);
  return three;
}

/** MSK Provisioned: 2 or 3 AZs, and a broker count that is a multiple of the AZ count. */
function checkBrokersFitAzs(
  brokerCount: number,
  explicitAzs: readonly string[] | undefined,
  azs: readonly string[] | undefined,
  region: string | undefined,
): void {
  const azCount = azs?.length ?? ENV_AGNOSTIC_AZ_COUNT;
  const where = explicitAzs
    ? `orion:availabilityZones gives ${azCount} AZs`
    : region
      ? `the AZs default to ${azs?.join(',')}`
      : `without orion:region the VPC gets ${ENV_AGNOSTIC_AZ_COUNT} AZs (Fn::GetAZs)`;
  if (!MSK_PROVISIONED_AZ_COUNTS.includes(azCount)) {
    throw new OrionConfigError(
      explicitAzs ? 'orion:availabilityZones' : 'orion:mskProvisioned',
      `MSK Provisioned needs client subnets in 2 or 3 AZs, but ${where}`,
    );
  }
  if (brokerCount % azCount !== 0) {
    const fix = region
      ? `use a brokerCount that is a multiple of ${azCount}, or set orion:availabilityZones to 2 or 3 AZs that divide ${brokerCount}`
      : `use an even brokerCount, or pin orion:region (AZs <region>a,b,c) for ${brokerCount} brokers`;
    throw new OrionConfigError(
      'orion:mskProvisioned',
      `brokerCount ${brokerCount} is not a multiple of the AZ count: ${where}, and MSK spreads brokers evenly over the AZs; ${fix}`,
    );
  }
}

function readImport(node: Node, baseDir: string): MskImportConfig {
  const key = 'orion:mskImport';
  const raw = obj(node, key, baseDir);
  if (!raw) throw new OrionConfigError(key, 'required when orion:msk=import');
  const field = (name: string): string => {
    const value = raw[name];
    if (typeof value !== 'string' || value === '')
      throw new OrionConfigError(key, `"${name}" must be a string`);
    return value;
  };
  const strings = (name: string): string[] => {
    const value = raw[name];
    const items = typeof value === 'string' ? value.split(',') : value;
    if (!Array.isArray(items) || items.length === 0 || items.some((v) => typeof v !== 'string' || v === '')) {
      throw new OrionConfigError(key, `"${name}" must be a non-empty list of strings`);
    }
    return items.map((v: string) => v.trim());
  };
  const clusterArn = field('clusterArn');
  if (!/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[^/]+\/[^/]+$/.test(clusterArn)) {
    throw new OrionConfigError(key, `clusterArn "${clusterArn}" is not an MSK cluster ARN`);
  }
  const availabilityZones = strings('availabilityZones');
  const privateSubnetIds = strings('privateSubnetIds');
  if (availabilityZones.length !== privateSubnetIds.length) {
    throw new OrionConfigError(key, 'availabilityZones and privateSubnetIds must have the same length');
  }
  return {
    clusterArn,
    bootstrapBrokers: field('bootstrapBrokers'),
    vpcId: field('vpcId'),
    availabilityZones,
    privateSubnetIds,
    securityGroupId: field('securityGroupId'),
    serverless: raw.serverless === true || raw.serverless === 'true',
    brokerCount: raw.brokerCount === undefined ? 3 : Number(raw.brokerCount),
  };
}

function raw(node: Node, key: string): unknown {
  return node.tryGetContext(key);
}

function str(node: Node, key: string): string | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new OrionConfigError(key, 'must be a string');
  return value;
}

function num(node: Node, key: string): number | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0)
    throw new OrionConfigError(key, 'must be a positive number');
  return n;
}

function bool(node: Node, key: string): boolean | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new OrionConfigError(key, 'must be true or false');
}

function list(node: Node, key: string): string[] | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null || value === '') return undefined;
  const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(items) || items.some((v) => typeof v !== 'string')) {
    throw new OrionConfigError(key, 'must be a list of strings (JSON array or comma-separated)');
  }
  return items;
}

function obj(node: Node, key: string, baseDir: string): Record<string, unknown> | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = typeof value === 'string' ? parseObjectValue(key, value.trim(), baseDir) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OrionConfigError(key, 'must be an object (JSON)');
  }
  return parsed as Record<string, unknown>;
}

/**
 * A string object value: `file:<path>` (or a bare path ending in `.json`) names a JSON file,
 * anything else is the JSON itself.
 */
function parseObjectValue(key: string, text: string, baseDir: string): unknown {
  const file = text.startsWith('file:')
    ? text.slice('file:'.length)
    : !text.startsWith('{') && text.endsWith('.json')
      ? text
      : undefined;
  if (file === undefined) return safeJson(key, text);
  const resolved = path.resolve(baseDir, file);
  let content: string;
  try {
    content = readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new OrionConfigError(key, `cannot read ${resolved}: ${(error as Error).message}`);
  }
  return safeJson(key, content, resolved);
}

function safeJson(key: string, text: string, file?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // `-c 'key={` + newline…: the CDK CLI passes only the first line of a multi-line value.
    const hint =
      !file && text.startsWith('{') && !text.endsWith('}')
        ? ' (cut short? the CDK CLI keeps only the first line of a -c value: put the JSON on one line or in a file and pass file:<path>)'
        : !file && !text.startsWith('{')
          ? ' (to read a JSON file, pass file:<path>)'
          : '';
    throw new OrionConfigError(
      key,
      `${file ? `${file} ` : ''}is not valid JSON: ${(error as Error).message}${hint}`,
    );
  }
}
