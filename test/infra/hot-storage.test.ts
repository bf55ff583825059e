/**
 * The Keyspaces tables of a Cassandra store (lib/constructs/hot-storage.ts) in both capacity
 * modes: on-demand (the default) and provisioned with auto scaling of reads and writes.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HotStorage } from '../../lib/constructs/hot-storage.ts';
import {
  DEFAULT_PROVISIONED,
  type KeyspacesCapacity,
  keyspacesCapacityOf,
} from '../../lib/storage/keyspaces-capacity.ts';
import { cdrTableDefinitions } from '../../shared/cdr/storage/cdr-schema.ts';

function synth(capacity?: KeyspacesCapacity): Template {
  const stack = new Stack(new App(), 'HotStorageTest');
  new HotStorage(stack, 'HotStorage', {
    keyspaceName: 'orion_test',
    tables: cdrTableDefinitions(),
    ...(capacity ? { capacity } : {}),
  });
  return Template.fromStack(stack);
}

const scaling = (min: number, max: number, target: number) => ({
  AutoScalingDisabled: false,
  MinimumUnits: min,
  MaximumUnits: max,
  ScalingPolicy: {
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: target,
      ScaleInCooldown: 60,
      ScaleOutCooldown: 60,
      DisableScaleIn: false,
    },
  },
});

describe('HotStorage capacity', () => {
  it('makes every table on-demand by default, without auto scaling', () => {
    const template = synth();
    const tables = template.findResources('AWS::Cassandra::Table');
    expect(Object.keys(tables)).toHaveLength(cdrTableDefinitions().length);
    for (const table of Object.values(tables)) {
      expect(table.Properties.BillingMode).toEqual({ Mode: 'ON_DEMAND' });
      expect(table.Properties.AutoScalingSpecifications).toBeUndefined();
    }
  });

  it('provisions every table at its minimum units, auto scaled between minimum and maximum', () => {
    const template = synth({
      mode: 'provisioned',
      read: { minimumUnits: 5, maximumUnits: 500, targetUtilizationPercent: 50 },
      write: { minimumUnits: 1_000, maximumUnits: 170_000, targetUtilizationPercent: 80 },
    });
    for (const name of cdrTableDefinitions().map((t) => t.name)) {
      template.hasResourceProperties('AWS::Cassandra::Table', {
        TableName: name,
        BillingMode: {
          Mode: 'PROVISIONED',
          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 1_000 },
        },
        AutoScalingSpecifications: {
          ReadCapacityAutoScaling: scaling(5, 500, 50),
          WriteCapacityAutoScaling: scaling(1_000, 170_000, 80),
        },
        PointInTimeRecoveryEnabled: true,
        EncryptionSpecification: Match.objectLike({ EncryptionType: 'AWS_OWNED_KMS_KEY' }),
      });
    }
  });

  it('refuses at synthesis what Keyspaces auto scaling refuses', () => {
    const bad = (write: object) => () =>
      synth({ ...DEFAULT_PROVISIONED, write: { ...DEFAULT_PROVISIONED.write, ...write } });
    expect(bad({ targetUtilizationPercent: 95 })).toThrow(/targetUtilizationPercent 95 .* 20…90/);
    expect(bad({ targetUtilizationPercent: 19 })).toThrow(/20…90/);
    expect(bad({ minimumUnits: 0 })).toThrow(/minimumUnits 0/);
    expect(bad({ minimumUnits: 200, maximumUnits: 100 })).toThrow(/maximumUnits 100 .* 200…/);
    expect(bad({ minimumUnits: 1.5 })).toThrow(/integer/);
  });
});

describe('keyspacesCapacityOf (a configuration value)', () => {
  it('is on-demand when unset or "on-demand"', () => {
    for (const value of [undefined, '', 'on-demand', { mode: 'on-demand' }, '{"mode":"on-demand"}']) {
      expect(keyspacesCapacityOf(value)).toEqual({ mode: 'on-demand' });
    }
  });

  it('takes the provisioned defaults for "provisioned", and merges a partial object over them', () => {
    expect(keyspacesCapacityOf('provisioned')).toEqual(DEFAULT_PROVISIONED);
    expect(
      keyspacesCapacityOf('{"mode":"provisioned","write":{"minimumUnits":2000,"maximumUnits":170000}}'),
    ).toEqual({
      mode: 'provisioned',
      read: DEFAULT_PROVISIONED.read,
      write: { minimumUnits: 2_000, maximumUnits: 170_000, targetUtilizationPercent: 70 },
    });
  });

  it('says what is wrong with a bad value', () => {
    expect(() => keyspacesCapacityOf('burst')).toThrow(/"on-demand", "provisioned" or a one-line JSON/);
    expect(() => keyspacesCapacityOf({ mode: 'PAY_PER_REQUEST' })).toThrow(/mode "PAY_PER_REQUEST"/);
    expect(() => keyspacesCapacityOf({ mode: 'on-demand', write: {} })).toThrow(/takes no read\/write/);
    expect(() => keyspacesCapacityOf({ mode: 'provisioned', read: { minimumUnits: -1 } })).toThrow(
      /read auto scaling: minimumUnits -1/,
    );
    expect(() => keyspacesCapacityOf(42)).toThrow(/must be/);
  });
});
