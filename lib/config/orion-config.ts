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
 * | `orion:deleteTopicsOnDestroy` | `false` | delete the Kafka topics when the stack is deleted |
 * | `orion:alarmEmail` | unset | e-mail address subscribed to the alarm topic |
 * | `orion:logRetentionDays` | `30` | retention of every function's log group |
 * | `orion:keyspace` | `orion_<env>` | Keyspaces keyspace of the hot-storage tables |
 * | `orion:storageTtlDays` | the CQL schema's `default_time_to_live` | override of the hot-storage TTL |
 */
import type { Node } from 'constructs';

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

/**
 * Reads the ORION configuration from a construct node's context (usually the App's).
 *
 * @example
 * const config = readOrionConfig(app.node); // { envName: 'dev', msk: 'serverless', … }
 */
export function readOrionConfig(node: Node): OrionConfig {
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
  const azs =
    list(node, 'orion:availabilityZones') ??
    (region ? [`${region}a`, `${region}b`, `${region}c`] : undefined);
  const provisioned = {
    ...ORION_CONFIG_DEFAULTS.mskProvisioned,
    ...(obj(node, 'orion:mskProvisioned') as Partial<MskProvisionedConfig> | undefined),
  };
  if (!Number.isInteger(provisioned.brokerCount) || provisioned.brokerCount < 2) {
    throw new OrionConfigError('orion:mskProvisioned', 'brokerCount must be an integer ≥ 2');
  }
  const ttlDays = num(node, 'orion:storageTtlDays');
  return {
    envName,
    account,
    region,
    availabilityZones: azs,
    msk,
    mskProvisioned: provisioned,
    mskImport: msk === 'import' ? readImport(node) : undefined,
    deleteTopicsOnDestroy:
      bool(node, 'orion:deleteTopicsOnDestroy') ?? ORION_CONFIG_DEFAULTS.deleteTopicsOnDestroy,
    alarmEmail: str(node, 'orion:alarmEmail'),
    logRetentionDays: num(node, 'orion:logRetentionDays') ?? ORION_CONFIG_DEFAULTS.logRetentionDays,
    keyspaceName: str(node, 'orion:keyspace') ?? `orion_${envName.replaceAll('-', '_')}`,
    storageTtlDays: ttlDays,
  };
}

function readImport(node: Node): MskImportConfig {
  const key = 'orion:mskImport';
  const raw = obj(node, key);
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

function obj(node: Node, key: string): Record<string, unknown> | undefined {
  const value = raw(node, key);
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = typeof value === 'string' ? safeJson(key, value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OrionConfigError(key, 'must be an object (JSON)');
  }
  return parsed as Record<string, unknown>;
}

function safeJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OrionConfigError(key, 'is not valid JSON');
  }
}
