/**
 * The CloudWatch metrics of a pipeline's HTTP APIs and stream stages, defined once for their
 * alarms and the dashboard. Names, namespaces, dimensions and statistics as AWS documents them:
 *
 * - HTTP API, `AWS/ApiGateway`, dimensions `ApiId` + `Stage` (a stage's metrics; the default
 *   stage is named `$default`): `Count`, `4xx`, `5xx`, `Latency` ("The time between when API
 *   Gateway receives a request from a client and when it returns a response to the client. The
 *   latency includes the integration latency and other API Gateway overhead"),
 *   `IntegrationLatency`, published every minute ("Monitor CloudWatch metrics for HTTP APIs in
 *   API Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html).
 * - Lambda, `AWS/Lambda`, dimension `FunctionName`: `Invocations`, `Errors` (Sum) and, for a
 *   function behind a stream event source mapping, `IteratorAge`: "the age of the last record in
 *   the event … the time between when a stream receives the record and when the event source
 *   mapping sends the event to the function", in milliseconds, read here as the maximum per
 *   minute ("Types of metrics for Lambda functions",
 *   https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
 * - SQS, `AWS/SQS`, dimension `QueueName`: `ApproximateNumberOfMessagesVisible`, Maximum; SQS
 *   publishes queue metrics only while the queue is active ("Available CloudWatch metrics for
 *   Amazon SQS", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html).
 */
import { aws_cloudwatch as cloudwatch, Duration } from 'aws-cdk-lib';

const ONE_MINUTE = Duration.minutes(1);

/** Where an HTTP API's stage metrics are: its API id and stage name. */
export interface HttpApiStageRef {
  readonly apiId: string;
  readonly stageName: string;
}

/**
 * A metric of an HTTP API stage.
 * @example httpApiMetric(stage, '5xx') // Sum per minute
 */
export function httpApiMetric(
  stage: HttpApiStageRef,
  name: 'Count' | '4xx' | '5xx' | 'Latency' | 'IntegrationLatency',
  statistic = 'Sum',
  period: Duration = ONE_MINUTE,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ApiGateway',
    metricName: name,
    dimensionsMap: { ApiId: stage.apiId, Stage: stage.stageName },
    statistic,
    period,
  });
}

/**
 * Share of an HTTP API's requests answered with a 4xx in a minute (0–1): throttling (429),
 * refused bodies (400, 413, 415), unknown routes (404). Information, not an alarm: clients cause
 * them.
 */
export function httpApiClientErrorRate(stage: HttpApiStageRef): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: 'IF(requests > 0, clientErrors / requests, 0)',
    usingMetrics: {
      requests: httpApiMetric(stage, 'Count'),
      clientErrors: httpApiMetric(stage, '4xx'),
    },
    period: ONE_MINUTE,
    label: '4xx rate',
  });
}

/**
 * A function metric (`AWS/Lambda`, `FunctionName`).
 * @example functionMetric('orion-dev-toy-publisher', 'IteratorAge', 'Maximum')
 */
export function functionMetric(
  functionName: string,
  name: 'Invocations' | 'Errors' | 'Throttles' | 'IteratorAge' | 'Duration',
  statistic = 'Sum',
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName: name,
    dimensionsMap: { FunctionName: functionName },
    statistic,
    period: ONE_MINUTE,
  });
}

/** Age (ms) of the last record of the batches a stream stage's function received, maximum per minute. */
export function streamIteratorAge(functionName: string): cloudwatch.Metric {
  return functionMetric(functionName, 'IteratorAge', 'Maximum');
}

/** Messages waiting in a queue, maximum per minute. */
export function queueMessagesVisible(queueName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensionsMap: { QueueName: queueName },
    statistic: 'Maximum',
    period: ONE_MINUTE,
  });
}
