/**
 * Every synthesized stage role holds every action AWS lists for an MSK event source mapping, and
 * no wildcard resource beyond the ones `lib/nag-suppressions.ts` justifies. The list is the Lambda
 * guide's, "Configuring Lambda permissions for Amazon MSK event source mappings"
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html): MSK cluster
 * (`kafka:DescribeClusterV2` — "You only need one of these permissions" with `kafka:DescribeCluster` —
 * and `kafka:GetBootstrapBrokers`), VPC (six EC2 actions), CloudWatch Logs (three actions), and
 * with IAM auth `kafka-cluster:Connect`, `AlterGroup`, `DescribeGroup`, `DescribeTopic`, `ReadData`;
 * plus `kafka-cluster:WriteData` on the Kafka on-failure destination (kafka-on-failure.html).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESM_EC2_DESCRIBE_ACTIONS, ESM_EC2_ENI_ACTIONS } from '../../lib/kafka/msk-grants.ts';
import { STAGES, TOPIC } from '../../shared/cdr/pipeline.ts';
import { IMPORT_CONTEXT, synthOrion } from './support/synth-orion.ts';

/** Typed out from the Lambda guide page, on purpose not imported from the code under test. */
const AWS_LISTED_ACTIONS = [
  'kafka:DescribeClusterV2',
  'kafka:GetBootstrapBrokers',
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'kafka-cluster:Connect',
  'kafka-cluster:AlterGroup',
  'kafka-cluster:DescribeGroup',
  'kafka-cluster:DescribeTopic',
  'kafka-cluster:ReadData',
];
/** The CloudWatch Logs actions of the list, all in the AWSLambdaBasicExecutionRole managed policy. */
const BASIC_EXECUTION_ROLE = 'AWSLambdaBasicExecutionRole';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

/** The stage roles of a template: function name → inline statements and managed policy ARNs. */
function stageRoles(template: Template): Map<string, { statements: Statement[]; managed: string }> {
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>);
  const roles = template.findResources('AWS::IAM::Role') as Record<string, Resource>;
  const out = new Map<string, { statements: Statement[]; managed: string }>();
  for (const stage of STAGES) {
    const fn = Object.values(functions).find((f) => f.Properties.FunctionName === `orion-dev-${stage.name}`);
    if (!fn) throw new Error(`no function for ${stage.name}`);
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = policies
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    out.set(stage.name, { statements, managed: JSON.stringify(roles[roleId]?.Properties.ManagedPolicyArns) });
  }
  return out;
}

const actionsOf = (s: Statement) => [s.Action].flat();
const hasWildcard = (resource: unknown) => JSON.stringify(resource).includes('*');

/** The wildcards the nag suppressions justify (see `stageRoleSuppressions`). */
function isJustifiedWildcard(stage: string, s: Statement): boolean {
  const actions = actionsOf(s);
  const resource = JSON.stringify(s.Resource);
  const describe: readonly string[] = [
    ...ESM_EC2_DESCRIBE_ACTIONS,
    ...(stage === 'storage' ? ['ec2:DescribeVpcEndpoints'] : []),
  ];
  if (resource === '"*"') return actions.every((a) => describe.includes(a));
  if (/:ec2:.*:\*\/\*"/.test(resource)) {
    return actions.every((a) => (ESM_EC2_ENI_ACTIONS as readonly string[]).includes(a));
  }
  if (stage === 'storage' && /\/keyspace\/system\*"/.test(resource)) {
    return actions.every((a) => a === 'cassandra:Select');
  }
  return false;
}

describe.each([
  ['MSK Serverless (default)', {}],
  ['MSK Provisioned', { 'orion:msk': 'provisioned', 'orion:region': 'eu-west-3' }],
  ['imported cluster', IMPORT_CONTEXT],
])('stage roles, %s', (_, context) => {
  let roles: ReturnType<typeof stageRoles>;
  beforeAll(() => {
    roles = stageRoles(synthOrion({ ...context, 'orion:nag': false }).template);
  }, 180_000);

  it.each(STAGES.map((s) => s.name))(
    '%s has every action AWS lists for MSK event source mappings',
    (name) => {
      const { statements, managed } = roles.get(name)!;
      const inline = new Set(statements.flatMap(actionsOf));
      for (const action of AWS_LISTED_ACTIONS) expect(inline, action).toContain(action);
      // The Kafka on-failure destination, written by the mapping with this role.
      const dlq = statements.find(
        (s) =>
          actionsOf(s).includes('kafka-cluster:WriteData') &&
          JSON.stringify(s.Resource).includes(`/${TOPIC.dlq}"`),
      );
      expect(dlq).toBeDefined();
      // logs:CreateLogGroup, CreateLogStream, PutLogEvents.
      expect(managed).toContain(BASIC_EXECUTION_ROLE);
    },
  );

  it.each(STAGES.map((s) => s.name))('%s has no wildcard resource beyond the justified ones', (name) => {
    const { statements } = roles.get(name)!;
    const unjustified = statements.filter((s) => hasWildcard(s.Resource) && !isJustifiedWildcard(name, s));
    expect(unjustified).toEqual([]);
    expect(statements.flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
  });

  it.each(STAGES.map((s) => s.name))('%s scopes the MSK control-plane actions to the cluster', (name) => {
    const { statements } = roles.get(name)!;
    const control = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kafka:')));
    expect(control).toHaveLength(1);
    expect(hasWildcard(control[0]!.Resource)).toBe(false);
  });
});
