/**
 * The CloudWatch dashboard of a pipeline: one row per stage, in pipeline order, with throughput
 * (records in / forwarded / rejected / failed), consumer lag per source topic, errors (rate and
 * invocation errors), records sent to the stage's on-failure topic, and the pipeline age P50/P99.
 */
import { aws_cloudwatch as cloudwatch, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METRIC } from '../../shared/pipeline/index.ts';
import {
  mappingFailedRecords,
  mappingOffsetLag,
  runtimeMetric,
  stageErrorRate,
} from '../monitoring/stage-metrics.ts';
import type { StageFunction } from './stage-function.ts';

/** Properties of {@link PipelineDashboard}. */
export interface PipelineDashboardProps {
  readonly dashboardName: string;
  /** The stage functions, in pipeline order. */
  readonly stages: readonly StageFunction[];
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
  }
}

function withLabel(metric: cloudwatch.IMetric, label: string): cloudwatch.IMetric {
  return metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression
    ? metric.with({ label })
    : metric;
}
