/** CDK context → deployment configuration: defaults, parsing, and errors that name the key. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { ORION_CONFIG_DEFAULTS, OrionConfigError, readOrionConfig } from '../../lib/config/orion-config.ts';
import { IMPORT_CONTEXT } from './support/synth-orion.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'orion-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (context: Record<string, unknown>) =>
  readOrionConfig(new App({ context }).node, { baseDir: dir });

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
      keyspacesCapacity: { mode: 'on-demand' },
    });
  });

  it('reads the Keyspaces capacity as a word, as JSON over the defaults, and names the key when wrong', () => {
    expect(read({ 'orion:keyspacesCapacity': 'provisioned' }).keyspacesCapacity).toMatchObject({
      mode: 'provisioned',
      write: { minimumUnits: 100, maximumUnits: 40_000 },
    });
    expect(
      read({ 'orion:keyspacesCapacity': '{"mode":"provisioned","write":{"minimumUnits":500}}' })
        .keyspacesCapacity,
    ).toMatchObject({ mode: 'provisioned', write: { minimumUnits: 500, maximumUnits: 40_000 } });
    expect(() => read({ 'orion:keyspacesCapacity': 'reserved' })).toThrow(/orion:keyspacesCapacity/);
    expect(() =>
      read({ 'orion:keyspacesCapacity': '{"mode":"provisioned","write":{"targetUtilizationPercent":95}}' }),
    ).toThrow(/orion:keyspacesCapacity/);
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

  it('reads an object value from a one-line JSON string, from file:<path>, or from a bare .json path', () => {
    const imported = IMPORT_CONTEXT['orion:mskImport'];
    writeFileSync(path.join(dir, 'msk-import.json'), JSON.stringify(imported, null, 2));
    const base = { 'orion:msk': 'import', 'orion:account': '123456789012', 'orion:region': 'eu-west-3' };
    for (const value of [
      JSON.stringify(imported),
      'file:msk-import.json',
      'file:./msk-import.json',
      `file:${path.join(dir, 'msk-import.json')}`,
      'msk-import.json',
    ]) {
      expect(read({ ...base, 'orion:mskImport': value }).mskImport).toMatchObject({
        clusterArn: imported.clusterArn,
        availabilityZones: imported.availabilityZones,
      });
    }
    writeFileSync(path.join(dir, 'sizing.json'), '{\n  "brokerCount": 2\n}\n');
    expect(
      read({ 'orion:msk': 'provisioned', 'orion:mskProvisioned': 'file:sizing.json' }).mskProvisioned,
    ).toEqual({
      ...ORION_CONFIG_DEFAULTS.mskProvisioned,
      brokerCount: 2,
    });
  });

  it('says a -c value was cut at its first newline, and names a missing file', () => {
    const context = { 'orion:msk': 'import', 'orion:mskImport': '{' };
    expect(() => read(context)).toThrowError(/"orion:mskImport".*not valid JSON.*first line of a -c value/);
    expect(() => read({ ...context, 'orion:mskImport': 'file:missing.json' })).toThrowError(
      /"orion:mskImport".*cannot read .*missing\.json/,
    );
  });

  it.each([
    // [context, AZs of the VPC]
    [{ 'orion:region': 'eu-west-3' }, ['eu-west-3a', 'eu-west-3b', 'eu-west-3c']],
    [
      { 'orion:region': 'eu-west-3', 'orion:mskProvisioned': '{"brokerCount":6}' },
      ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'],
    ],
    [
      { 'orion:region': 'eu-west-3', 'orion:mskProvisioned': '{"brokerCount":4}' },
      ['eu-west-3a', 'eu-west-3b'],
    ],
    [{ 'orion:mskProvisioned': '{"brokerCount":2}' }, undefined],
    [
      { 'orion:availabilityZones': 'eu-west-3a,eu-west-3c', 'orion:mskProvisioned': '{"brokerCount":4}' },
      ['eu-west-3a', 'eu-west-3c'],
    ],
  ])('MSK Provisioned %j: the brokers divide evenly over the AZs %j', (context, azs) => {
    expect(read({ 'orion:msk': 'provisioned', ...context }).availabilityZones).toEqual(azs);
  });

  it.each([
    [{}, /brokerCount 3 .*2 AZs \(Fn::GetAZs\)/],
    [
      { 'orion:region': 'eu-west-3', 'orion:mskProvisioned': '{"brokerCount":5}' },
      /brokerCount 5 .*eu-west-3a,eu-west-3b,eu-west-3c/,
    ],
    [
      { 'orion:availabilityZones': 'eu-west-3a,eu-west-3b' },
      /brokerCount 3 .*orion:availabilityZones gives 2 AZs/,
    ],
    [{ 'orion:availabilityZones': 'a,b,c,d', 'orion:mskProvisioned': '{"brokerCount":4}' }, /2 or 3 AZs/],
  ])('MSK Provisioned %j: refused with a message that says what to change', (context, message) => {
    expect(() => read({ 'orion:msk': 'provisioned', ...context })).toThrowError(OrionConfigError);
    expect(() => read({ 'orion:msk': 'provisioned', ...context })).toThrowError(message);
  });

  it('leaves Serverless and imported clusters alone (their AZs are not the broker placement)', () => {
    expect(read({}).availabilityZones).toBeUndefined();
    expect(read({ 'orion:region': 'eu-west-3' }).availabilityZones).toHaveLength(3);
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
