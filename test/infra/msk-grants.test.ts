/** The one builder of MSK/EC2 statements: what each grant contains and on which resources. */
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import {
  consumeStatements,
  ESM_REQUIRED_ACTIONS,
  eventSourceMappingStatements,
  produceStatements,
  topicAdminStatements,
} from '../../lib/kafka/msk-grants.ts';
import { mskClusterArnParts } from '../../lib/kafka/msk-iam-arns.ts';

const ARN = 'arn:aws:kafka:eu-west-3:123456789012:cluster/orion-dev/0f1e2d3c-7';
const stack = new Stack(new App(), 'S');
const cluster = { clusterArn: ARN, arnParts: mskClusterArnParts(stack, ARN) };
const json = (statements: { toStatementJson(): unknown }[]) =>
  statements.map(
    (s) => s.toStatementJson() as { Sid: string; Action: string | string[]; Resource: string | string[] },
  );

describe('MSK grants', () => {
  it('an event source mapping gets every action the Lambda guide lists, Kafka actions scoped to its topics and groups', () => {
    const statements = json(
      eventSourceMappingStatements(cluster, {
        sourceTopics: ['cdr.validated'],
        consumerGroups: ['orion-normalization.cdr.validated'],
        onFailureTopic: 'cdr.dlq',
      }),
    );
    const actions = statements.flatMap((s) => [s.Action].flat());
    for (const action of ESM_REQUIRED_ACTIONS) expect(actions).toContain(action);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.EsmMskControlPlane!.Resource).toBe(ARN);
    expect(bySid.EsmVpcDescribe!.Resource).toBe('*');
    expect(bySid.EsmVpcNetworkInterfaces!.Resource).toBe('arn:aws:ec2:eu-west-3:123456789012:*/*');
    expect(bySid.ReadSourceTopics!.Resource).toBe(
      'arn:aws:kafka:eu-west-3:123456789012:topic/orion-dev/0f1e2d3c-7/cdr.validated',
    );
    expect(bySid.OwnConsumerGroups!.Resource).toBe(
      'arn:aws:kafka:eu-west-3:123456789012:group/orion-dev/0f1e2d3c-7/orion-normalization.cdr.validated',
    );
    expect(bySid.WriteOnFailureTopic!.Resource).toBe(
      'arn:aws:kafka:eu-west-3:123456789012:topic/orion-dev/0f1e2d3c-7/cdr.dlq',
    );
  });

  it('writes no on-failure topic when the mapping has none', () => {
    const sids = json(
      eventSourceMappingStatements(cluster, { sourceTopics: ['a'], consumerGroups: ['g.a'] }),
    ).map((s) => s.Sid);
    expect(sids).not.toContain('WriteOnFailureTopic');
  });

  it('a producer is idempotent by default and writes exactly its topics, once each', () => {
    const [connect, write] = json(produceStatements(cluster, ['t1', 't2', 't1']));
    expect(connect!.Action).toEqual([
      'kafka-cluster:Connect',
      'kafka-cluster:DescribeClusterDynamicConfiguration',
      'kafka-cluster:WriteDataIdempotently',
    ]);
    expect(write!.Resource).toHaveLength(2);
    expect(
      json(produceStatements(cluster, ['t'], { idempotent: false, describeClusterConfiguration: false }))[0]!
        .Action,
    ).toBe('kafka-cluster:Connect');
  });

  it('a consumer may delete its groups only when asked; a topic admin may delete topics only when asked', () => {
    expect(json(consumeStatements(cluster, { topics: ['t'], groups: ['g.*'] }))[2]!.Action).toEqual([
      'kafka-cluster:AlterGroup',
      'kafka-cluster:DescribeGroup',
    ]);
    expect(
      json(consumeStatements(cluster, { topics: ['t'], groups: ['g.*'], deleteGroups: true }))[2]!.Action,
    ).toContain('kafka-cluster:DeleteGroup');
    expect(JSON.stringify(json(topicAdminStatements(cluster, ['t'])))).not.toContain('DeleteTopic');
    expect(JSON.stringify(json(topicAdminStatements(cluster, ['t'], { deleteTopics: true })))).toContain(
      'kafka-cluster:DeleteTopic',
    );
  });
});
