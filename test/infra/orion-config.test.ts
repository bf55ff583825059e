/** CDK context → deployment configuration: defaults, parsing, and errors that name the key. */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ORION_CONFIG_DEFAULTS, OrionConfigError, readOrionConfig } from '../../lib/config/orion-config.ts';
import { IMPORT_CONTEXT } from './support/synth-orion.ts';

const read = (context: Record<string, unknown>) => readOrionConfig(new App({ context }).node);

describe('readOrionConfig', () => {
  it('has documented defaults: dev, serverless, topics retained, 30-day logs, env-agnostic', () => {
    expect(read({})).toEqual({
      envName: 'dev',
      account: undefined,
      region: undefined,
      availabilityZones: undefined,
      msk: 'serverless',
      mskProvisioned: ORION_CONFIG_DEFAULTS.mskProvisioned,
      mskImport: undefined,
      deleteTopicsOnDestroy: false,
      alarmEmail: undefined,
      logRetentionDays: 30,
      keyspaceName: 'orion_dev',
      storageTtlDays: undefined,
    });
  });

  it('reads string context values as given on the command line (-c key=value)', () => {
    const config = read({
      'orion:env': 'prod-eu',
      'orion:region': 'eu-west-3',
      'orion:msk': 'provisioned',
      'orion:mskProvisioned': '{"brokerCount": 6}',
      'orion:deleteTopicsOnDestroy': 'true',
      'orion:logRetentionDays': '90',
    });
    expect(config).toMatchObject({
      envName: 'prod-eu',
      region: 'eu-west-3',
      availabilityZones: ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'],
      msk: 'provisioned',
      mskProvisioned: { instanceType: 'kafka.m7g.large', brokerCount: 6, volumeSizeGiB: 100 },
      deleteTopicsOnDestroy: true,
      logRetentionDays: 90,
      keyspaceName: 'orion_prod_eu',
    });
  });

  it('reads an imported cluster with its network', () => {
    expect(read(IMPORT_CONTEXT).mskImport).toMatchObject({
      clusterArn: IMPORT_CONTEXT['orion:mskImport'].clusterArn,
      privateSubnetIds: IMPORT_CONTEXT['orion:mskImport'].privateSubnetIds,
      serverless: false,
      brokerCount: 3,
    });
  });

  it.each([
    ['orion:env', { 'orion:env': 'Prod' }],
    ['orion:msk', { 'orion:msk': 'kubernetes' }],
    ['orion:mskImport', { 'orion:msk': 'import' }],
    [
      'orion:mskImport',
      {
        'orion:msk': 'import',
        'orion:mskImport': { ...IMPORT_CONTEXT['orion:mskImport'], clusterArn: 'arn:aws:s3:::x' },
      },
    ],
    [
      'orion:mskImport',
      {
        'orion:msk': 'import',
        'orion:mskImport': { ...IMPORT_CONTEXT['orion:mskImport'], privateSubnetIds: ['subnet-1'] },
      },
    ],
    ['orion:deleteTopicsOnDestroy', { 'orion:deleteTopicsOnDestroy': 'yes' }],
    ['orion:logRetentionDays', { 'orion:logRetentionDays': '-1' }],
    ['orion:mskProvisioned', { 'orion:mskProvisioned': '{"brokerCount": 1}' }],
    ['orion:mskProvisioned', { 'orion:mskProvisioned': '{nope' }],
  ])('names the key in the error for a bad %s', (key, context) => {
    expect(() => read(context)).toThrowError(OrionConfigError);
    expect(() => read(context)).toThrowError(new RegExp(`"${key}"`));
  });
});
