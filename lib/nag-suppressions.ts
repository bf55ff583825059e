/**
 * cdk-nag (AwsSolutions) suppressions of a pipeline stack. Each is scoped as narrowly as cdk-nag
 * allows (a rule, on the resources concerned, limited to the findings named in `appliesTo`) and
 * says why the finding is acceptable. `test/infra` fails on any finding not listed here.
 */
import { aws_ec2 as ec2, aws_iam as iam, type aws_lambda as lambda, type Stack } from 'aws-cdk-lib';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { type NagPackSuppression, NagSuppressions } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { storesOfStage } from '../shared/pipeline/index.ts';
import { HttpApiFunction } from './constructs/http-api-function.ts';
import { ReplayFunction } from './constructs/replay-function.ts';
import { StageFunction } from './constructs/stage-function.ts';
import { StreamStageFunction } from './constructs/stream-stage-function.ts';

const MANAGED = (name: string) => `Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}`;

/**
 * Applies every documented suppression to `stack`.
 * @example applyNagSuppressions(new PipelineStack(app, 'Orion-dev', props));
 */
export function applyNagSuppressions(stack: Stack): void {
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM4',
      reason:
        'Lambda execution roles use only the two AWS managed policies Lambda itself documents for logging ' +
        '(AWSLambdaBasicExecutionRole: CreateLogStream/PutLogEvents) and for functions in a VPC ' +
        '(AWSLambdaVPCAccessExecutionRole: the ENI calls, which take no resource ARN). Data access is granted per ' +
        'topic, group and table in inline policies.',
      appliesTo: [MANAGED('AWSLambdaBasicExecutionRole'), MANAGED('AWSLambdaVPCAccessExecutionRole')],
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        'ORION functions are pinned to Node.js 24 (nodejs24.x, the current Node.js Lambda runtime), the runtime the ' +
        'esbuild target (node24) is built for; CDK-managed custom resource functions use the runtime their CDK version ships.',
    },
  ]);
  for (const construct of stack.node.findAll()) suppressFor(construct);
}

function suppressFor(construct: IConstruct): void {
  if (construct instanceof ec2.InterfaceVpcEndpoint) {
    NagSuppressions.addResourceSuppressions(
      construct,
      [
        {
          id: 'CdkNagValidationFailure',
          reason:
            'EC23 cannot evaluate the endpoint ingress rule because its source is the VPC CIDR (a token); the rule ' +
            'admits only the VPC CIDR on the service port, never 0.0.0.0/0.',
          appliesTo: ['AwsSolutions-EC23'],
        },
      ],
      true,
    );
  } else if (construct instanceof StageFunction) {
    NagSuppressions.addResourceSuppressions(construct.function.role!, stageRoleSuppressions(construct), true);
  } else if (construct instanceof ReplayFunction) {
    NagSuppressions.addResourceSuppressions(
      construct.function.role!,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The replay reader uses a transient consumer group per run, orion-replay-reader.<uuid>, so the group ARN ' +
            'ends with that prefix and a wildcard; no stage consumer group matches it.',
          appliesTo: [{ regex: '/^Resource::arn:.+:kafka:.+:group\\/.+\\/orion-replay-reader\\.\\*$/' }],
        },
      ],
      true,
    );
  } else if (construct instanceof HttpApiFunction) {
    suppressTracingPolicy(construct.function);
    for (const route of construct.routes) {
      NagSuppressions.addResourceSuppressions(route, [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'The pipeline definition declares no authorizer for this HTTP API (HttpApiSpec has no authorization field): ' +
            'the route is a public entry point, throttled on its stage, whose function validates every request and ' +
            'answers with a typed reason. An IAM or JWT authorizer is a definition field to add, not a default to guess.',
        },
      ]);
    }
  } else if (construct instanceof StreamStageFunction) {
    suppressTracingPolicy(construct.function);
    NagSuppressions.addResourceSuppressions(construct.onFailureQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          "This queue is the dead-letter destination itself: the DynamoDB Streams mapping's on-failure destination, " +
          'receiving the metadata of batches whose retries or record age ran out (14 days retention, alarmed on ' +
          'ApproximateNumberOfMessagesVisible). A DLQ behind it would only move those records further from the operator.',
      },
    ]);
  } else if (construct instanceof Provider) {
    NagSuppressions.addResourceSuppressions(
      construct,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'CDK Provider framework: its onEvent function may invoke the topics handler and its versions ' +
            '(<function ARN>:*), nothing else.',
          appliesTo: [{ regex: '/^Resource::<TopicsOnEvent[0-9A-F]+\\.Arn>:\\*$/' }],
        },
      ],
      true,
    );
  }
}

/**
 * The X-Ray statement CDK adds for active tracing (`Tracing.ACTIVE`), in a policy of its own:
 * `xray:PutTraceSegments` and `xray:PutTelemetryRecords` on `*`, as AWS's own
 * AWSXRayDaemonWriteAccess policy grants them; these X-Ray actions take no resource ARN. The
 * suppression goes on that policy only, found by its content (every action `xray:`), so a wildcard
 * anywhere else in the role is still reported.
 */
function suppressTracingPolicy(fn: lambda.Function): void {
  for (const child of fn.node.findAll()) {
    if (!(child instanceof iam.Policy)) continue;
    const statements =
      (child.document.toJSON() as { Statement?: { Action: string | string[] }[] }).Statement ?? [];
    const xrayOnly =
      statements.length > 0 &&
      statements.every((st) => [st.Action].flat().every((a) => a.startsWith('xray:')));
    if (!xrayOnly) continue;
    NagSuppressions.addResourceSuppressions(child, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords take no resource ARN (AWS managed ' +
          'policy AWSXRayDaemonWriteAccess grants them on "*"). Write-only trace data, no read.',
        appliesTo: ['Resource::*'],
      },
    ]);
  }
}

/**
 * The wildcards of a stage role. Every stage runs MSK event source mappings, whose EC2 statements
 * (`lib/kafka/msk-grants.ts`) cannot name resources; a stage using a Cassandra store also reads
 * the Keyspaces system tables.
 */
function stageRoleSuppressions(stage: StageFunction): NagPackSuppression[] {
  const usesKeyspaces = storesOfStage(stage.pipeline, stage.stage).some(
    ({ store }) => store.kind === 'cassandra',
  );
  const suppressions: NagPackSuppression[] = [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'MSK event source mappings need ec2:DescribeNetworkInterfaces, DescribeVpcs, DescribeSubnets and ' +
        'DescribeSecurityGroups (Lambda guide, with-msk-permissions). The EC2 User Guide (iam-policy-structure): ' +
        '"the Amazon EC2 Describe* API actions do not support resource-level permissions", and the Lambda guide ' +
        '(configuration-vpc) says DescribeNetworkInterfaces "only works if it\'s allowed on all resources". ' +
        'Read-only calls.' +
        (usesKeyspaces
          ? ' A stage using Keyspaces also has ec2:DescribeNetworkInterfaces and ec2:DescribeVpcEndpoints so that Keyspaces lists ' +
            'its VPC endpoint in system.peers; neither supports resource-level permissions.'
          : ''),
      appliesTo: ['Resource::*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        "The mappings' pollers create and delete their ENIs (ec2:CreateNetworkInterface, DeleteNetworkInterface) in " +
        'the subnets and security groups Lambda reads from the MSK cluster, which this stack does not choose; the ' +
        'statement is limited to the EC2 resources of this account and region, the form the Lambda guide ' +
        '(configuration-vpc) gives: arn:aws:ec2:<region>:<account>:*/*.',
      appliesTo: [{ regex: '/^Resource::arn:.+:ec2:.+:\\*\\/\\*$/' }],
    },
  ];
  if (usesKeyspaces) {
    suppressions.push({
      id: 'AwsSolutions-IAM5',
      reason:
        'The Cassandra driver reads system tables (system.local, system.peers, system_schema.*) to discover the ' +
        'Keyspaces endpoint and the schema; Keyspaces names them /keyspace/system*. Select only, no Modify.',
      appliesTo: [{ regex: '/^Resource::arn:.+:cassandra:.+:\\/keyspace\\/system\\*$/' }],
    });
  }
  return suppressions;
}
