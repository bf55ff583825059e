/**
 * The two entry-point kinds a pipeline declares, deployed by the unchanged `lib/` from the toy
 * outbox pipeline (`test/fixtures/toy-outbox-pipeline`, stub handlers, bundling skipped):
 *
 * - the HTTP API `items-api`: an API Gateway HTTP API, one route per declared route, one Lambda
 *   proxy integration (payload 2.0), the `$default` stage with the declared throttling and JSON
 *   access logs in a KMS-encrypted log group with a retention, no CORS, the URL as an output;
 *   its function traced by X-Ray and granted read-write on its store's tables and nothing else;
 * - the stream stage `outbox-publisher`: a DynamoDB Streams mapping on the outbox table's stream
 *   with every setting of the definition and an on-failure SQS queue (SSE, TLS only, 14 days);
 *   its function in the VPC, traced, granted that one stream, that one queue and produce on its
 *   one output topic, nothing else;
 * - their alarms (latency P99 and 5xx; iterator age, on-failure queue, errors) and dashboard rows;
 * - cdk-nag clean. (cfn-lint runs in `.ci/run` over every synthesized template, among them the
 *   commerce stack, which holds the same HTTP API and stream-mapping constructs.)
 *
 * Expected values are written out, not derived from the definition.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOY_OUTBOX_PIPELINE, TOY_OUTBOX_TOPIC } from '../fixtures/toy-outbox-pipeline/pipeline.ts';
import { type SynthesizedOrion, synthOrion } from './support/synth-orion.ts';
import {
  functionNamed,
  type RenderedStatement,
  type Resource,
  renderedMskArn,
  renderedStatements,
  renderValue,
  resourcesOf,
  tableReadWrite,
} from './support/template-queries.ts';

const API_FN = 'orion-dev-toy-outbox-items-api';
const PUBLISHER_FN = 'orion-dev-toy-outbox-outbox-publisher';
const CONSUME_FN = 'orion-dev-toy-outbox-consume';
const QUEUE = `${PUBLISHER_FN}-on-failure`;
const ACCESS_LOG_GROUP = `/aws/apigateway/${API_FN}/access`;
const CLUSTER = '<KafkaServerless3B746D71.Arn>';
const mskTopicArn = (name: string) => renderedMskArn('topic', name);

/** The one resource of `type` whose properties contain `match`; throws unless exactly one. */
function only(
  template: Template,
  type: string,
  match: (r: Resource) => boolean = () => true,
): [string, Resource] {
  const found = Object.entries(resourcesOf(template, type)).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`${found.length} ${type} resources match, expected 1`);
  return found[0]!;
}

/** Logical id of the table of `suffix` (`orion-dev-toy-outbox-<suffix>`). */
function tableId(template: Template, suffix: string): string {
  return only(
    template,
    'AWS::DynamoDB::Table',
    (r) => r.Properties.TableName === `orion-dev-toy-outbox-${suffix}`,
  )[0];
}

const X_RAY: RenderedStatement = {
  Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  Resource: ['*'],
};

describe('an HTTP API and a stream stage, from the toy outbox pipeline', () => {
  let synth: SynthesizedOrion;
  let template: Template;
  beforeAll(() => {
    synth = synthOrion({}, { pipeline: TOY_OUTBOX_PIPELINE });
    template = synth.template;
  }, 180_000);

  describe('the HTTP API', () => {
    it('is one HTTP API named after its function, without CORS', () => {
      const [, api] = only(template, 'AWS::ApiGatewayV2::Api');
      expect(api.Properties).toEqual({
        Name: API_FN,
        ProtocolType: 'HTTP',
        Description: TOY_OUTBOX_PIPELINE.httpApis[0]!.description,
      });
    });

    it('has one route per declared route, all on one Lambda proxy integration with payload 2.0', () => {
      const [integrationId, integration] = only(template, 'AWS::ApiGatewayV2::Integration');
      const [fnId] = functionNamed(template, API_FN);
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] },
      });
      const routes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));
      expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(['GET /items/{itemId}', 'POST /items']);
      for (const route of routes) {
        expect(renderValue(route.Properties.Target)).toBe(`integrations/<${integrationId}>`);
        // No authorizer is declared (the cdk-nag suppression of APIG4 says why).
        expect(route.Properties.AuthorizationType).toBe('NONE');
      }
      // API Gateway may invoke the function for exactly those two routes.
      const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter(
        (p) => p.Properties.Principal === 'apigateway.amazonaws.com',
      );
      expect(permissions.map((p) => renderValue(p.Properties.SourceArn).split(':').pop()).sort()).toEqual([
        expect.stringMatching(/^<HttpApiitemsapiApi[0-9A-F]+>\/\*\/\*\/items$/),
        expect.stringMatching(/^<HttpApiitemsapiApi[0-9A-F]+>\/\*\/\*\/items\/\{itemId\}$/),
      ]);
    });

    it('serves the auto-deployed $default stage with the declared throttling and JSON access logs', () => {
      const [, stage] = only(template, 'AWS::ApiGatewayV2::Stage');
      const [logsId] = only(
        template,
        'AWS::Logs::LogGroup',
        (r) => r.Properties.LogGroupName === ACCESS_LOG_GROUP,
      );
      expect(stage.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [logsId, 'Arn'] } },
      });
      const settings = stage.Properties.AccessLogSettings as { Format: string };
      const format = JSON.parse(settings.Format) as Record<string, string>;
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        responseLatency: '$context.responseLatency',
        integrationErrorMessage: '$context.integrationErrorMessage',
      });
      // Nothing that can carry customer data.
      expect(settings.Format).not.toMatch(/sourceIp|userAgent|\$context\.path|caller|user\b/);
    });

    it('writes the access logs to a log group encrypted with a rotated key only that log group may use', () => {
      const [, logGroup] = only(
        template,
        'AWS::Logs::LogGroup',
        (r) => r.Properties.LogGroupName === ACCESS_LOG_GROUP,
      );
      expect(logGroup.Properties.RetentionInDays).toBe(30);
      const keyId = (logGroup.Properties.KmsKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const key = resourcesOf(template, 'AWS::KMS::Key')[keyId]!;
      expect(key.Properties.EnableKeyRotation).toBe(true);
      const statements = (key.Properties.KeyPolicy as { Statement: Array<Record<string, unknown>> })
        .Statement;
      const logs = statements.find((s) => s.Sid === 'CloudWatchLogsAccessLogGroup')!;
      expect(renderValue((logs.Principal as { Service: unknown }).Service)).toBe(
        'logs.<AWS::Region>.amazonaws.com',
      );
      expect(
        renderValue(
          (logs.Condition as { ArnEquals: Record<string, unknown> }).ArnEquals[
            'kms:EncryptionContext:aws:logs:arn'
          ],
        ),
      ).toBe(`arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${ACCESS_LOG_GROUP}`);
    });

    it('has a traced Node.js 24 arm64 function in the VPC with its environment contract and no Kafka', () => {
      const [, fn] = functionNamed(template, API_FN);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Timeout: 10,
        LoggingConfig: { LogFormat: 'JSON' },
      });
      expect(fn.Properties.VpcConfig).toBeDefined();
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toEqual({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'orion-toy-outbox-items-api',
        POWERTOOLS_METRICS_NAMESPACE: 'Orion',
        LOG_LEVEL: 'INFO',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ORION_STAGE: 'items-api',
        ORION_ENV: 'dev',
        TOY_ITEMS_TABLE_PREFIX: 'orion-dev-toy-outbox-',
        TOY_API_FLAG: 'on',
        ORION_HTTP_MAX_BODY_BYTES: '65536',
      });
    });

    it("is granted read-write on its store's two tables, X-Ray, and nothing else", () => {
      expect(renderedStatements(template, API_FN)).toEqual([
        ...tableReadWrite(`<${tableId(template, 'items')}.Arn>`),
        ...tableReadWrite(`<${tableId(template, 'item-outbox')}.Arn>`),
        X_RAY,
      ]);
    });

    it('exports its URL', () => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
      const [apiId] = only(template, 'AWS::ApiGatewayV2::Api');
      expect(renderValue(outputs.HttpApiUrlitemsapi!.Value)).toBe(
        `https://<${apiId}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/`,
      );
      expect(outputs.HttpApiUrlitemsapi!.Description).toContain('POST /items, GET /items/{itemId}');
    });
  });

  describe('the stream stage', () => {
    it("maps the outbox table's stream with every setting of the definition and its on-failure queue", () => {
      const [, mapping] = only(
        template,
        'AWS::Lambda::EventSourceMapping',
        (r) => r.Properties.Topics === undefined,
      );
      const [fnId] = functionNamed(template, PUBLISHER_FN);
      const [queueId] = only(template, 'AWS::SQS::Queue');
      expect(mapping.Properties).toEqual({
        FunctionName: { Ref: fnId },
        EventSourceArn: { 'Fn::GetAtt': [tableId(template, 'item-outbox'), 'StreamArn'] },
        Enabled: true,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 250,
        MaximumBatchingWindowInSeconds: 1,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 3_600,
        BisectBatchOnFunctionError: true,
        ParallelizationFactor: 2,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
        MetricsConfig: { Metrics: ['EventCount'] },
      });
      // Created once its role and policy (stream read, queue send) exist, since Lambda checks them,
      // and once the topics exist, since the function produces from its first batch.
      const [, fn] = functionNamed(template, PUBLISHER_FN);
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const [policyId] = only(template, 'AWS::IAM::Policy', (r) =>
        JSON.stringify(r.Properties.PolicyDocument).includes('dynamodb:DescribeStream'),
      );
      const [topicsId] = only(template, 'Custom::OrionKafkaTopics');
      expect(mapping.DependsOn).toEqual(expect.arrayContaining([roleId, policyId, topicsId]));
    });

    it('keeps its table stream as declared (NEW_IMAGE) and streams no other table', () => {
      const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'));
      expect(
        tables.map((t) => [t.Properties.TableName, t.Properties.StreamSpecification ?? null]).sort(),
      ).toEqual([
        ['orion-dev-toy-outbox-audit', null],
        ['orion-dev-toy-outbox-item-outbox', { StreamViewType: 'NEW_IMAGE' }],
        ['orion-dev-toy-outbox-items', null],
      ]);
    });

    it('sends failures to an encrypted, TLS-only queue that keeps them 14 days', () => {
      const [queueId, queue] = only(template, 'AWS::SQS::Queue');
      expect(queue.Properties).toEqual({
        QueueName: QUEUE,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
      const [, policy] = only(template, 'AWS::SQS::QueuePolicy');
      expect((policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
        {
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
        },
      ]);
    });

    it('has a traced function in the VPC with Kafka in its environment and no store', () => {
      const [, fn] = functionNamed(template, PUBLISHER_FN);
      expect(fn.Properties).toMatchObject({
        TracingConfig: { Mode: 'Active' },
        Runtime: 'nodejs24.x',
        Timeout: 60,
      });
      expect(JSON.stringify(fn.Properties.VpcConfig)).toContain('FunctionsSecurityGroup');
      const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({ KAFKA_AUTH: 'msk-iam', ORION_STAGE: 'outbox-publisher', ORION_ENV: 'dev' });
      expect(renderValue(env.KAFKA_BROKERS)).toMatch(/BootstrapBrokerStringSaslIam/);
      expect(Object.keys(env).some((k) => k.endsWith('_TABLE_PREFIX'))).toBe(false);
    });

    it('is granted that one stream, its own queue, produce on its one topic, X-Ray, and nothing else', () => {
      const [queueId] = only(template, 'AWS::SQS::Queue');
      expect(renderedStatements(template, PUBLISHER_FN)).toEqual([
        {
          Action: [
            'dynamodb:DescribeStream',
            'dynamodb:GetShardIterator',
            'dynamodb:GetRecords',
            'dynamodb:ListStreams',
          ],
          Resource: [`<${tableId(template, 'item-outbox')}.StreamArn>`],
        },
        {
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Resource: [`<${queueId}.Arn>`],
        },
        {
          Sid: 'ProducerConnect',
          Action: [
            'kafka-cluster:Connect',
            'kafka-cluster:DescribeClusterDynamicConfiguration',
            'kafka-cluster:WriteDataIdempotently',
          ],
          Resource: [CLUSTER],
        },
        {
          Sid: 'WriteTopics',
          Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
          Resource: [mskTopicArn(TOY_OUTBOX_TOPIC.events)],
        },
        X_RAY,
      ]);
    });
  });

  it('leaves the Kafka stage as it was: its own store, no tracing, no stream, no API', () => {
    const [, fn] = functionNamed(template, CONSUME_FN);
    expect(fn.Properties.TracingConfig).toBeUndefined();
    const statements = renderedStatements(template, CONSUME_FN);
    const dynamo = statements.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual(tableReadWrite(`<${tableId(template, 'audit')}.Arn>`));
    expect(JSON.stringify(statements)).not.toMatch(/xray|sqs:|StreamArn/);
  });

  it('alarms on the API latency P99 and 5xx, and on the stream iterator age, failures and errors', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    // The Kafka stage's 4 per mapping + 2, then 2 for the API and 3 for the stream stage.
    expect(alarms).toHaveLength(6 + 2 + 3);
    const byName = new Map(alarms.map((a) => [a.Properties.AlarmName, a.Properties]));
    const [apiId] = only(template, 'AWS::ApiGatewayV2::Api');
    const stageDims = [
      { Name: 'ApiId', Value: { Ref: apiId } },
      { Name: 'Stage', Value: '$default' },
    ];
    expect(byName.get(`${API_FN}-latency-p99`)).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Dimensions: stageDims,
      Period: 60,
      Threshold: 1_500,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(byName.get(`${API_FN}-5xx`)).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Statistic: 'Sum',
      Dimensions: stageDims,
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    const [publisherId] = functionNamed(template, PUBLISHER_FN);
    const fnDims = [{ Name: 'FunctionName', Value: { Ref: publisherId } }];
    expect(byName.get(`${PUBLISHER_FN}-iterator-age`)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Dimensions: fnDims,
      Threshold: 60_000,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const [queueId] = only(template, 'AWS::SQS::Queue');
    expect(byName.get(`${PUBLISHER_FN}-on-failure`)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(byName.get(`${PUBLISHER_FN}-errors`)).toMatchObject({
      MetricName: 'Errors',
      Statistic: 'Sum',
      Dimensions: fnDims,
      Threshold: 1,
      DatapointsToAlarm: 3,
      EvaluationPeriods: 5,
    });
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toHaveLength(1);
    }
  });

  it('has a dashboard row for each, after the stage rows', () => {
    const [, dashboard] = only(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    const titles = [
      'consume: records per minute',
      'items-api: requests per minute',
      'items-api: 4xx rate (throttled, refused)',
      'items-api: latency (ms)',
      'outbox-publisher: iterator age (ms)',
      'outbox-publisher: batches given up',
    ];
    const positions = titles.map((t) => body.indexOf(t));
    expect(
      positions.every((p) => p >= 0),
      titles.join(', '),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(body).toContain('IF(requests > 0, clientErrors / requests, 0)');
  });

  it('is cdk-nag clean', () => {
    expect(synth.findings).toEqual([]);
  });
});
