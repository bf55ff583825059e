/** MSK IAM topic/group ARNs cut out of a cluster ARN, literal or token. */
import { App, Stack, Token } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { mskClusterArnParts, mskResourceArn } from '../../lib/kafka/msk-iam-arns.ts';

const ARN = 'arn:aws:kafka:eu-west-3:123456789012:cluster/orion-dev/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-7';

describe('MSK IAM ARNs', () => {
  it('builds topic and group ARNs from a literal cluster ARN', () => {
    const stack = new Stack(new App(), 'S');
    const parts = mskClusterArnParts(stack, ARN);
    expect(parts).toEqual({
      partition: 'aws',
      region: 'eu-west-3',
      account: '123456789012',
      clusterName: 'orion-dev',
      clusterUuid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-7',
    });
    expect(mskResourceArn(parts, 'topic', 'cdr.dlq')).toBe(
      'arn:aws:kafka:eu-west-3:123456789012:topic/orion-dev/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-7/cdr.dlq',
    );
    expect(mskResourceArn(parts, 'group', 'orion-storage-hot.cdr.enriched')).toBe(
      'arn:aws:kafka:eu-west-3:123456789012:group/orion-dev/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-7/orion-storage-hot.cdr.enriched',
    );
  });

  it('splits a token cluster ARN with Fn::Split / Fn::Select', () => {
    const stack = new Stack(new App(), 'S');
    const parts = mskClusterArnParts(stack, Token.asString({ 'Fn::GetAtt': ['Cluster', 'Arn'] }));
    const resolved = stack.resolve(mskResourceArn(parts, 'topic', 'cdr.validated'));
    const json = JSON.stringify(resolved);
    expect(json).toContain('{"Fn::Select":[1,{"Fn::Split":["/",{"Fn::GetAtt":["Cluster","Arn"]}]}]}');
    expect(json).toContain('{"Fn::Select":[2,{"Fn::Split":["/",{"Fn::GetAtt":["Cluster","Arn"]}]}]}');
    expect(json).toContain(':topic/');
    expect(json).toMatch(/"\/cdr\.validated"\]/);
  });

  it('refuses an ARN that is not an MSK cluster ARN', () => {
    expect(() =>
      mskClusterArnParts(new Stack(new App(), 'S'), 'arn:aws:kafka:eu-west-3:123456789012:cluster/only-name'),
    ).toThrow(/Not an MSK cluster ARN/);
  });
});
