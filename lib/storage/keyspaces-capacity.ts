/**
 * The capacity mode of the Keyspaces tables: on-demand (the default: pay per request, nothing to
 * size) or provisioned with auto scaling (pay per provisioned unit-hour, cheaper at a steady high
 * rate such as the seeds' peak volume). Mapped to `AWS::Cassandra::Table`'s `BillingMode`
 * (`PROVISIONED` + `ProvisionedThroughput`) and `AutoScalingSpecifications`, whose rules this
 * checks at synthesis:
 *
 * - auto scaling keeps the ratio of consumed to provisioned capacity near a target "between 20
 *   and 90" percent (`AWS::Cassandra::Table ScalingPolicy`,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cassandra-table-scalingpolicy.html);
 * - minimum and maximum units are "between 1 and the max throughput per second quota for your
 *   account (40,000 by default)" (`AutoScalingSetting`,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cassandra-table-autoscalingsetting.html).
 *   Above 40,000 the account's table quota must be raised first: the check allows it, since a
 *   raised quota is not visible at synthesis.
 *
 * The table starts at its minimum units (`ProvisionedThroughput`); auto scaling moves it between
 * minimum and maximum.
 */
import type { aws_cassandra as cassandra } from 'aws-cdk-lib';

/** Auto scaling of one capacity (reads or writes) of a provisioned table. */
export interface KeyspacesAutoScaling {
  /** Units the table never goes below (and starts at), ≥ 1. */
  readonly minimumUnits: number;
  /** Units the table never goes above, ≥ `minimumUnits`. */
  readonly maximumUnits: number;
  /** Consumed / provisioned ratio auto scaling aims at, 20–90 %. @default 70 */
  readonly targetUtilizationPercent?: number;
  /** Seconds after a scale-in before the next one. @default 60 */
  readonly scaleInCooldownSeconds?: number;
  /** Seconds after a scale-out before the next one. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
}

/** How every Keyspaces table of a store is billed. */
export type KeyspacesCapacity =
  | { readonly mode: 'on-demand' }
  | {
      readonly mode: 'provisioned';
      readonly read: KeyspacesAutoScaling;
      readonly write: KeyspacesAutoScaling;
    };

/** The default: on-demand. */
export const ON_DEMAND: KeyspacesCapacity = { mode: 'on-demand' };

/**
 * Provisioned defaults, per table: writes 100 to 40,000 WCU (the default per-table quota), reads
 * 10 to 4,000 RCU, both aiming at 70 % utilization. A record under 1 KB takes 1 WCU in each
 * table it is written to, so 40,000 WCU hold 40,000 records/s; the seeds'
 * peak volume is 166,667 records/s (see docs/DEPLOY.md for the sizing and the quota to raise).
 */
export const DEFAULT_PROVISIONED = {
  mode: 'provisioned',
  read: { minimumUnits: 10, maximumUnits: 4_000, targetUtilizationPercent: 70 },
  write: { minimumUnits: 100, maximumUnits: 40_000, targetUtilizationPercent: 70 },
} as const satisfies KeyspacesCapacity;

const DEFAULT_TARGET_PERCENT = 70;
const DEFAULT_COOLDOWN_SECONDS = 60;

/**
 * Reads the capacity from a configuration value: `on-demand`, `provisioned` (the defaults), or an
 * object `{ "mode": "provisioned", "write": { "minimumUnits": …, "maximumUnits": … }, "read": … }`
 * (as a value or its one-line JSON) whose missing fields take {@link DEFAULT_PROVISIONED}'s.
 * Throws an `Error` saying what is wrong.
 *
 * @example keyspacesCapacityOf(app.node.tryGetContext('orion:keyspacesCapacity'))
 */
export function keyspacesCapacityOf(value: unknown): KeyspacesCapacity {
  if (value === undefined || value === null || value === '' || value === 'on-demand') return ON_DEMAND;
  if (value === 'provisioned') return checkCapacity(DEFAULT_PROVISIONED);
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value);
    } catch {
      throw new Error(
        `Keyspaces capacity "${value}" must be "on-demand", "provisioned" or a one-line JSON object`,
      );
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new Error('Keyspaces capacity must be "on-demand", "provisioned" or an object');
  }
  const given = object as { mode?: unknown; read?: object; write?: object };
  if (given.mode === 'on-demand') {
    if (given.read || given.write) throw new Error('Keyspaces on-demand capacity takes no read/write sizing');
    return ON_DEMAND;
  }
  if (given.mode !== 'provisioned') {
    throw new Error(
      `Keyspaces capacity mode ${JSON.stringify(given.mode)} must be "on-demand" or "provisioned"`,
    );
  }
  return checkCapacity({
    mode: 'provisioned',
    read: { ...DEFAULT_PROVISIONED.read, ...(given.read as Partial<KeyspacesAutoScaling>) },
    write: { ...DEFAULT_PROVISIONED.write, ...(given.write as Partial<KeyspacesAutoScaling>) },
  });
}

/** Checks a capacity against Keyspaces' ranges (see the module comment); returns it. */
export function checkCapacity(capacity: KeyspacesCapacity): KeyspacesCapacity {
  if (capacity.mode === 'on-demand') return capacity;
  for (const [which, scaling] of [
    ['read', capacity.read],
    ['write', capacity.write],
  ] as const) {
    const where = `Keyspaces ${which} auto scaling`;
    const whole = (name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw new Error(`${where}: ${name} ${JSON.stringify(v)} must be an integer in ${min}…${max}`);
      }
    };
    whole('minimumUnits', scaling.minimumUnits, 1);
    whole('maximumUnits', scaling.maximumUnits, scaling.minimumUnits);
    whole('targetUtilizationPercent', scaling.targetUtilizationPercent ?? DEFAULT_TARGET_PERCENT, 20, 90);
    whole('scaleInCooldownSeconds', scaling.scaleInCooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS, 0);
    whole('scaleOutCooldownSeconds', scaling.scaleOutCooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS, 0);
  }
  return capacity;
}

/** The `BillingMode` and `AutoScalingSpecifications` of `AWS::Cassandra::Table` for a capacity. */
export function keyspacesBillingProps(
  capacity: KeyspacesCapacity,
): Pick<cassandra.CfnTableProps, 'billingMode' | 'autoScalingSpecifications'> {
  const checked = checkCapacity(capacity);
  if (checked.mode === 'on-demand') return { billingMode: { mode: 'ON_DEMAND' } };
  const setting = (s: KeyspacesAutoScaling): cassandra.CfnTable.AutoScalingSettingProperty => ({
    autoScalingDisabled: false,
    minimumUnits: s.minimumUnits,
    maximumUnits: s.maximumUnits,
    scalingPolicy: {
      targetTrackingScalingPolicyConfiguration: {
        targetValue: s.targetUtilizationPercent ?? DEFAULT_TARGET_PERCENT,
        scaleInCooldown: s.scaleInCooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS,
        scaleOutCooldown: s.scaleOutCooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS,
        disableScaleIn: false,
      },
    },
  });
  return {
    billingMode: {
      mode: 'PROVISIONED',
      provisionedThroughput: {
        readCapacityUnits: checked.read.minimumUnits,
        writeCapacityUnits: checked.write.minimumUnits,
      },
    },
    autoScalingSpecifications: {
      readCapacityAutoScaling: setting(checked.read),
      writeCapacityAutoScaling: setting(checked.write),
    },
  };
}
