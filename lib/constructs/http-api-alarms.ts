/**
 * The alarms of one HTTP API, with the thresholds of its definition, notifying the pipeline's
 * alarm topic. Metrics: `lib/monitoring/function-metrics.ts` (each with its AWS page).
 *
 * | alarm | metric | fires when | missing data |
 * | --- | --- | --- | --- |
 * | latency P99 | `AWS/ApiGateway` `Latency` (`ApiId`, `Stage`), p99 per minute | > `maxLatencyP99Ms` in 3 of 5 minutes | not breaching (no request) |
 * | 5xx | `AWS/ApiGateway` `5xx`, Sum over 5 minutes | ≥ 1 server error in 5 minutes | not breaching (filled with 0) |
 *
 * The latency alarm is the seeds' "processing P99 > 5 s" applied to the request path (the
 * definition gives the threshold). Every 5xx pages: the function answers 503 when its store
 * throttles or is unreachable and API Gateway 500/502/504 when the function fails or times out,
 * none of which a client can fix. The 4xx rate (throttled and refused requests) is on the
 * dashboard, not an alarm: clients cause it.
 */
import { aws_cloudwatch as cloudwatch, Duration, type aws_sns as sns } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functionNameOf } from '../../shared/pipeline/index.ts';
import { httpApiMetric } from '../monitoring/function-metrics.ts';
import { AlarmSet } from './alarm-set.ts';
import type { HttpApiFunction } from './http-api-function.ts';

/** Properties of {@link HttpApiAlarms}. */
export interface HttpApiAlarmsProps {
  readonly api: HttpApiFunction;
  readonly topic: sns.ITopic;
  /** Environment name: alarm names start with the function name, `orion-<env>-<infix><api>`. */
  readonly envName: string;
}

/** The alarms of an HTTP API. */
export class HttpApiAlarms extends AlarmSet {
  constructor(scope: Construct, id: string, props: HttpApiAlarmsProps) {
    super(scope, id);
    const { api } = props;
    const { spec } = api;
    const prefix = functionNameOf(api.pipeline, spec.name, props.envName);
    const stage = api.stageRef;
    this.add('LatencyP99', {
      alarmName: `${prefix}-latency-p99`,
      alarmDescription: `P99 latency of ${spec.name} above ${spec.maxLatencyP99Ms} ms in 3 of 5 minutes`,
      metric: httpApiMetric(stage, 'Latency', 'p99'),
      threshold: spec.maxLatencyP99Ms,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      // No request, no latency.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.add('ServerErrors', {
      alarmName: `${prefix}-5xx`,
      alarmDescription: `${spec.name} answered at least one 5xx in 5 minutes (store throttled or down, function error or timeout)`,
      metric: httpApiMetric(stage, '5xx', 'Sum', Duration.minutes(5)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.notify(props.topic);
  }
}
