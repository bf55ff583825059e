/**
 * One HTTP entry point of a pipeline (`pipeline.httpApis`), entirely from its definition: an API
 * Gateway HTTP API with one Lambda proxy route per `HttpRouteSpec` (payload format 2.0), its
 * `$default` stage auto-deployed with the declared throttling and JSON access logs, in front of a
 * NodejsFunction (`orionNodejsFunction`: Node.js 24, arm64, in the VPC) named
 * `functionNameOf(pipeline, api.name)` with X-Ray active tracing and the environment of
 * `httpApiEnvironment`. The stores it declares are granted by the pipeline stack, like a stage's.
 *
 * AWS behaviour this relies on:
 * - Payload format 2.0 and the proxy integration: "Create AWS Lambda proxy integrations for HTTP
 *   APIs in API Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html.
 * - Stage throttling (`DefaultRouteSettings.ThrottlingRateLimit` / `ThrottlingBurstLimit`, token
 *   bucket, 429 beyond it; the account quota of 10,000 requests/s per Region still applies on top):
 *   "Throttle requests to your HTTP APIs", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html.
 * - Access logs to CloudWatch Logs (the JSON fields are `$context` variables of "Customize HTTP
 *   API access logs", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html);
 *   the source IP and user agent are left out, as customer data is everywhere else in ORION.
 * - No X-Ray on the stage: "X-Ray only supports tracing for REST APIs through API Gateway"
 *   ("Amazon API Gateway active tracing support for AWS X-Ray",
 *   https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html); the function's
 *   own active tracing starts the trace instead.
 * - The request payload quota of an HTTP API is 10 MB and cannot be changed ("Quotas for
 *   configuring and running an HTTP API in API Gateway",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html), so
 *   `maxBodyBytes` is the function's to enforce: it gets it in `ORION_HTTP_MAX_BODY_BYTES`.
 * - No CORS configuration: the definition declares none, and a browser origin would be a
 *   definition field of its own.
 */
import {
  ArnFormat,
  aws_apigateway as apigw,
  aws_apigatewayv2 as apigwv2,
  Duration,
  aws_iam as iam,
  aws_apigatewayv2_integrations as integrations,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  type aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  type HttpApiSpec,
  httpApiEnvironment,
  type PipelineDefinition,
} from '../../shared/pipeline/index.ts';
import type { HttpApiStageRef } from '../monitoring/function-metrics.ts';
import { type PipelineFunctionProps, pipelineNodejsFunction } from './orion-function.ts';

/** The variable an HTTP API's function reads its largest accepted body (bytes) from. */
export const HTTP_MAX_BODY_BYTES_VARIABLE = 'ORION_HTTP_MAX_BODY_BYTES';

/** Name of the stage every ORION HTTP API serves from (the API's root URL). */
export const HTTP_API_STAGE_NAME = '$default';

/**
 * Fields of every access log line (JSON), each a `$context` variable of HTTP APIs. No source IP,
 * user agent, path or query string: those can carry customer data; the route key names the
 * route.
 */
export const HTTP_ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationErrorMessage: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  errorResponseType: '$context.error.responseType',
} as const;

/** Properties of {@link HttpApiFunction}. */
export interface HttpApiFunctionProps extends PipelineFunctionProps {
  readonly api: HttpApiSpec;
  /**
   * Below the integration's 29 s so that API Gateway sees the function's own answer.
   * @default 10 seconds
   */
  readonly timeout?: Duration;
}

/** An HTTP API, its routes, its default stage and the function behind them. */
export class HttpApiFunction extends Construct {
  readonly pipeline: PipelineDefinition;
  readonly spec: HttpApiSpec;
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** One per route, in `spec.routes` order. */
  readonly routes: readonly apigwv2.HttpRoute[];
  /** The stage's access logs, KMS-encrypted with {@link accessLogKey}. */
  readonly accessLogGroup: logs.LogGroup;
  readonly accessLogKey: kms.Key;
  /** The API's URL (`https://<id>.execute-api.<region>.amazonaws.com/`). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: HttpApiFunctionProps) {
    super(scope, id);
    const { pipeline, api } = props;
    this.pipeline = pipeline;
    this.spec = api;
    const { fn, logGroup, functionName } = pipelineNodejsFunction(this, props, {
      name: api.name,
      description: api.description,
      defaultTimeout: Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      environment: (bindings) => ({
        ...httpApiEnvironment(pipeline, api, bindings),
        [HTTP_MAX_BODY_BYTES_VARIABLE]: String(api.maxBodyBytes),
      }),
    });
    this.function = fn;
    this.logGroup = logGroup;

    const accessLogGroupName = `/aws/apigateway/${functionName}/access`;
    this.accessLogKey = this.createAccessLogKey(accessLogGroupName);
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: accessLogGroupName,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: this.accessLogKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      apiName: functionName,
      description: api.description,
      createDefaultStage: false,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: HTTP_API_STAGE_NAME,
      autoDeploy: true,
      throttle: { rateLimit: api.throttle.rateLimit, burstLimit: api.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: apigw.AccessLogFormat.custom(JSON.stringify(HTTP_ACCESS_LOG_FIELDS)),
      },
    });
    const integration = new integrations.HttpLambdaIntegration('Integration', fn, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    this.routes = api.routes.flatMap((route) =>
      this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration,
      }),
    );
    this.url = this.stage.url;
  }

  /** Where the alarms and the dashboard read the stage's metrics. */
  get stageRef(): HttpApiStageRef {
    return { apiId: this.httpApi.apiId, stageName: HTTP_API_STAGE_NAME };
  }

  /**
   * The key of the access logs: rotated, usable by CloudWatch Logs for this one log group only
   * (`kms:EncryptionContext:aws:logs:arn`), as "Encrypt log data in CloudWatch Logs using AWS Key
   * Management Service" gives it
   * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
   */
  private createAccessLogKey(logGroupName: string): kms.Key {
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'AccessLogKey', {
      description: `${logGroupName} encryption`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsAccessLogGroup',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: logGroupName,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    return key;
  }
}
