/**
 * The CloudWatch dashboard of a pipeline: one row per stage, in pipeline order, with throughput
 * (records in / forwarded / rejected / failed), consumer lag per source topic, errors (rate and
 * invocation errors), records sent to the stage's on-failure topic, and the pipeline age P50/P99;
 * then one row per HTTP API (requests, 4xx and 5xx, the 4xx rate, latency P50/P99 against its
 * alarm, function errors and throttles) and one per stream stage (iterator age against its alarm,
 * invocations and errors, batches given up: the mapping's count and the on-failure queue's depth,
 * duration).
 */
import { aws_cloudwatch as cloudwatch, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METRIC } from '../../shared/pipeline/index.ts';
import {
  functionMetric,
  httpApiClientErrorRate,
  httpApiMetric,
  queueMessagesVisible,
  streamIteratorAge,
} from '../monitoring/function-metrics.ts';
import {
  mappingFailedRecords,
  mappingOffsetLag,
  runtimeMetric,
  stageErrorRate,
} from '../monitoring/stage-metrics.ts';
import type { HttpApiFunction } from './http-api-function.ts';
import type { StageFunction } from './stage-function.ts';
import type { StreamStageFunction } from './stream-stage-function.ts';

/** Properties of {@link PipelineDashboard}. */
export interface PipelineDashboardProps {
  readonly dashboardName: string;
  /** The stage functions, in pipeline order. */
  readonly stages: readonly StageFunction[];
  /** The HTTP APIs, in definition order. @default none */
  readonly httpApis?: readonly HttpApiFunction[];
  /** The stream stages, in definition order. @default none */
  readonly streamStages?: readonly StreamStageFunction[];
}

/** A dashboard with throughput, lag, errors and DLQ per stage. */
export class PipelineDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    for (const stageFunction of props.stages) {
      const { pipeline, stage } = stageFunction;
      const perMapping = (metric: (uuid: string, key: string) => cloudwatch.IMetric) =>
        stageFunction.mappings.map(({ spec, resource }, i) =>
          withLabel(metric(resource.ref, `_${i}`), spec.topic),
        );
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({
          markdown: `## ${stage.name}\n${stage.description}`,
          width: 24,
          height: 1,
        }),
        new cloudwatch.GraphWidget({
          title: `${stage.name}: records per minute`,
          left: [METRIC.recordsIn, METRIC.recordsForwarded, METRIC.recordsRejected, METRIC.recordsFailed].map(
            (name) => runtimeMetric(pipeline, stage, name),
          ),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${stage.name}: consumer lag (records)`,
          left: perMapping((uuid) => mappingOffsetLag(uuid)),
          leftAnnotations: [{ value: stage.alarms.maxOffsetLag, label: 'alarm' }],
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${stage.name}: error rate`,
          left: [stageErrorRate(pipeline, stage, stageFunction.function.functionName)],
          leftAnnotations: [{ value: stage.alarms.maxErrorRate, label: 'alarm' }],
          right: [stageFunction.function.metricErrors({ period: Duration.minutes(1) })],
          width: 4,
        }),
        new cloudwatch.GraphWidget({
          title: `${stage.name}: records to ${stage.onFailureTopic}`,
          left: perMapping(mappingFailedRecords),
          width: 4,
        }),
        new cloudwatch.GraphWidget({
          title: `${stage.name}: pipeline age (ms)`,
          left: [
            runtimeMetric(pipeline, stage, METRIC.pipelineAgeMs, 'p50'),
            runtimeMetric(pipeline, stage, METRIC.pipelineAgeMs, 'p99'),
          ],
          leftAnnotations: [{ value: stage.alarms.maxPipelineAgeP99Ms, label: 'P99 alarm' }],
          width: 4,
        }),
      );
    }
    for (const api of props.httpApis ?? []) this.addHttpApiRow(api);
    for (const stage of props.streamStages ?? []) this.addStreamStageRow(stage);
  }

  private addHttpApiRow(api: HttpApiFunction): void {
    const { spec } = api;
    const stage = api.stageRef;
    const routes = spec.routes.map((r) => `\`${r.method} ${r.path}\``).join(', ');
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `## ${spec.name} (HTTP API: ${routes})\n${spec.description}`,
        width: 24,
        height: 1,
      }),
      new cloudwatch.GraphWidget({
        title: `${spec.name}: requests per minute`,
        left: [
          withLabel(httpApiMetric(stage, 'Count'), 'requests'),
          withLabel(httpApiMetric(stage, '4xx'), '4xx'),
          withLabel(httpApiMetric(stage, '5xx'), '5xx'),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${spec.name}: 4xx rate (throttled, refused)`,
        left: [httpApiClientErrorRate(stage)],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${spec.name}: latency (ms)`,
        left: [
          withLabel(httpApiMetric(stage, 'Latency', 'p50'), 'p50'),
          withLabel(httpApiMetric(stage, 'Latency', 'p99'), 'p99'),
          withLabel(httpApiMetric(stage, 'IntegrationLatency', 'p99'), 'integration p99'),
        ],
        leftAnnotations: [{ value: spec.maxLatencyP99Ms, label: 'P99 alarm' }],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${spec.name}: function errors and throttles`,
        left: [
          functionMetric(api.function.functionName, 'Errors'),
          functionMetric(api.function.functionName, 'Throttles'),
        ],
        width: 6,
      }),
    );
  }

  private addStreamStageRow(streamStage: StreamStageFunction): void {
    const { stage } = streamStage;
    const functionName = streamStage.function.functionName;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `## ${stage.name} (stream of ${stage.source.store}/${stage.source.table})\n${stage.description}`,
        width: 24,
        height: 1,
      }),
      new cloudwatch.GraphWidget({
        title: `${stage.name}: iterator age (ms)`,
        left: [streamIteratorAge(functionName)],
        leftAnnotations: [{ value: stage.maxIteratorAgeMs, label: 'alarm' }],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${stage.name}: invocations and errors`,
        left: [functionMetric(functionName, 'Invocations'), functionMetric(functionName, 'Errors')],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${stage.name}: batches given up`,
        left: [withLabel(mappingFailedRecords(streamStage.mapping.ref), 'records given up or dropped')],
        right: [withLabel(queueMessagesVisible(streamStage.onFailureQueue.queueName), 'on-failure queue')],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: `${stage.name}: duration (ms)`,
        left: [
          withLabel(functionMetric(functionName, 'Duration', 'p50'), 'p50'),
          withLabel(functionMetric(functionName, 'Duration', 'p99'), 'p99'),
        ],
        width: 6,
      }),
    );
  }
}

function withLabel(metric: cloudwatch.IMetric, label: string): cloudwatch.IMetric {
  return metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression
    ? metric.with({ label })
    : metric;
}
