/**
 * MSK IAM access-control resource ARNs. A cluster ARN is
 * `arn:<partition>:kafka:<region>:<account>:cluster/<clusterName>/<clusterUuid>`; the topic and
 * group resources of that cluster are `…:topic/<clusterName>/<clusterUuid>/<topic>` and
 * `…:group/<clusterName>/<clusterUuid>/<group>` (MSK developer guide, "IAM access control:
 * resources"). CloudFormation gives only the cluster ARN (`Ref`), so name and UUID are cut out of
 * it with `Fn::Split`/`Fn::Select`, which works for tokens and literal ARNs alike.
 */
import { Arn, ArnFormat, Fn, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The parts of an MSK cluster ARN needed to build topic and group ARNs. */
export interface MskClusterArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly clusterName: string;
  readonly clusterUuid: string;
}

/**
 * Splits a cluster ARN (literal or token) into the parts IAM resources need.
 *
 * @example
 * mskClusterArnParts(scope, 'arn:aws:kafka:eu-west-3:123456789012:cluster/orion-dev/abcd-1')
 * // { partition: 'aws', region: 'eu-west-3', account: '123456789012', clusterName: 'orion-dev', clusterUuid: 'abcd-1' }
 */
export function mskClusterArnParts(scope: IConstruct, clusterArn: string): MskClusterArnParts {
  if (!Token.isUnresolved(clusterArn)) {
    const parsed = Arn.split(clusterArn, ArnFormat.SLASH_RESOURCE_NAME);
    const [clusterName, clusterUuid] = (parsed.resourceName ?? '').split('/');
    if (!clusterName || !clusterUuid) throw new Error(`Not an MSK cluster ARN: ${clusterArn}`);
    return {
      partition: parsed.partition ?? 'aws',
      region: parsed.region ?? Stack.of(scope).region,
      account: parsed.account ?? Stack.of(scope).account,
      clusterName,
      clusterUuid,
    };
  }
  const stack = Stack.of(scope);
  return {
    partition: stack.partition,
    region: stack.region,
    account: stack.account,
    clusterName: Fn.select(1, Fn.split('/', clusterArn)),
    clusterUuid: Fn.select(2, Fn.split('/', clusterArn)),
  };
}

/** Kinds of MSK IAM resources below a cluster. */
export type MskResourceKind = 'topic' | 'group' | 'transactional-id';

/**
 * The ARN of a topic, group or transactional id of a cluster; `name` may end with `*`.
 *
 * @example
 * mskResourceArn(parts, 'topic', 'orders.validated') // arn:aws:kafka:eu-west-3:123…:topic/orion-dev/abcd-1/orders.validated
 */
export function mskResourceArn(parts: MskClusterArnParts, kind: MskResourceKind, name: string): string {
  return `arn:${parts.partition}:kafka:${parts.region}:${parts.account}:${kind}/${parts.clusterName}/${parts.clusterUuid}/${name}`;
}
