/**
 * The alarms of one stage, with the thresholds of the pipeline definition (`stage.alarms`), all
 * notifying one SNS topic. Metric names, namespaces, dimensions and statistics are those AWS
 * documents; `lib/monitoring/stage-metrics.ts` quotes each with its page.
 *
 * | alarm | per | metric | fires when | missing data |
 * | --- | --- | --- | --- | --- |
 * | offset lag | mapping | `AWS/Lambda` `SumOffsetLag` (ESM `KafkaMetrics`, `EventSourceMappingUUID`), Maximum | > `maxOffsetLag` for `offsetLagForMinutes` consecutive minutes | not breaching |
 * | not polling | mapping | `AWS/Lambda` `PolledEventCount` (ESM `EventCount`), SampleCount | no data point for {@link NOT_POLLING_MINUTES} minutes | **breaching** |
 * | time lag | mapping | `AWS/Kafka` `EstimatedMaxTimeLag` (`Cluster Name`, `Consumer Group`, `Topic`), Maximum | > `maxTimeLagSeconds` in a minute | not breaching (filled with 0) |
 * | DLQ | mapping | `OnFailureDestinationDeliveredEventCount` + `DroppedEventCount` (ESM `EventCount`), Sum | ≥ 1 record in a minute | not breaching (filled with 0) |
 * | error rate | stage | max(Errors/Invocations, RecordsFailed/RecordsIn) | > `maxErrorRate` in 3 of 5 minutes | not breaching |
 * | pipeline age | stage | `PipelineAgeMs` p99 (runtime) | > `maxPipelineAgeP99Ms` in 3 of 5 minutes | not breaching |
 *
 * Missing data, decided per alarm. Counters and the runtime's metrics have no data point when
 * nothing happened (no failure, no traffic), so missing is not breaching there. The lag metrics
 * are missing when the mapping is not running at all, where "not breaching" would hide the worst
 * case: that case has its own alarm instead. Lambda emits `PolledEventCount` even for an empty
 * poll ("Lambda emits a 0 value for this metric"), and no event source mapping metric at all when
 * the mapping is disabled, so a mapping without a `PolledEventCount` data point for
 * {@link NOT_POLLING_MINUTES} minutes is disabled or cannot reach the cluster (permissions,
 * network, deleted topic): that alarm treats missing data as breaching.
 *
 * The DLQ alarm watches what the mapping itself reports delivering to its on-failure topic: only the
 * mapping writes there, so no broker-side metric is needed, and it is per mapping, which names
 * the topic that failed.
 */
import { aws_cloudwatch as cloudwatch, Duration, type aws_sns as sns } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functionNameOf } from '../../shared/pipeline/index.ts';
import {
  mappingFailedRecords,
  mappingOffsetLag,
  mappingPolls,
  mappingTimeLag,
  pipelineAgeP99,
  stageErrorRate,
} from '../monitoring/stage-metrics.ts';
import { AlarmSet } from './alarm-set.ts';
import type { StageFunction } from './stage-function.ts';

/** Minutes without a `PolledEventCount` data point after which a mapping counts as not polling. */
export const NOT_POLLING_MINUTES = 15;

/** Period of the not-polling alarm (three periods make {@link NOT_POLLING_MINUTES}). */
const NOT_POLLING_PERIOD = Duration.minutes(NOT_POLLING_MINUTES / 3);

/** Properties of {@link StageAlarms}. */
export interface StageAlarmsProps {
  /** The stage (its definition's `alarms` give the thresholds) and its mappings. */
  readonly stageFunction: StageFunction;
  /** MSK cluster name (dimension of the MSK consumer-lag metrics). */
  readonly clusterName: string;
  readonly topic: sns.ITopic;
  /** Environment name: alarm names start with the function name, `orion-<env>-<infix><stage>`. */
  readonly envName: string;
}

/** The alarms of a stage. */
export class StageAlarms extends AlarmSet {
  constructor(scope: Construct, id: string, props: StageAlarmsProps) {
    super(scope, id);
    const { stageFunction } = props;
    const { pipeline, stage } = stageFunction;
    const thresholds = stage.alarms;
    const prefix = functionNameOf(pipeline, stage.name, props.envName);
    const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;
    for (const { spec, resource } of stageFunction.mappings) {
      const uuid = resource.ref;
      this.add(`OffsetLag-${spec.topic}`, {
        alarmName: `${prefix}-offset-lag-${spec.topic}`,
        alarmDescription: `${spec.consumerGroupId} is more than ${thresholds.maxOffsetLag} records behind ${spec.topic} for ${thresholds.offsetLagForMinutes} minutes`,
        metric: mappingOffsetLag(uuid),
        threshold: thresholds.maxOffsetLag,
        evaluationPeriods: thresholds.offsetLagForMinutes,
        datapointsToAlarm: thresholds.offsetLagForMinutes,
        // A mapping that publishes no lag at all is the not-polling alarm's case.
        treatMissingData: notBreaching,
      });
      this.add(`NotPolling-${spec.topic}`, {
        alarmName: `${prefix}-not-polling-${spec.topic}`,
        alarmDescription: `The mapping of ${spec.topic} (${spec.consumerGroupId}) published no PolledEventCount for ${NOT_POLLING_MINUTES} minutes: disabled, or it cannot poll the cluster`,
        metric: mappingPolls(uuid, NOT_POLLING_PERIOD),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      this.add(`TimeLag-${spec.topic}`, {
        alarmName: `${prefix}-time-lag-${spec.topic}`,
        alarmDescription: `${spec.consumerGroupId} needs more than ${thresholds.maxTimeLagSeconds} s to catch up with ${spec.topic}`,
        metric: mappingTimeLag(props.clusterName, spec),
        threshold: thresholds.maxTimeLagSeconds,
        evaluationPeriods: 1,
        // MSK publishes consumer lag only while the group is STABLE or EMPTY.
        treatMissingData: notBreaching,
      });
      this.add(`Dlq-${spec.topic}`, {
        alarmName: `${prefix}-dlq-${spec.topic}`,
        alarmDescription: `Records of ${spec.topic} reached ${stage.onFailureTopic} (retries or record age exhausted) or were dropped`,
        metric: mappingFailedRecords(uuid),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // No data point: no record failed in that minute.
        treatMissingData: notBreaching,
      });
    }
    this.add('ErrorRate', {
      alarmName: `${prefix}-error-rate`,
      alarmDescription: `More than ${thresholds.maxErrorRate * 100} % of ${stage.name} invocations or records failed`,
      metric: stageErrorRate(pipeline, stage, stageFunction.function.functionName),
      threshold: thresholds.maxErrorRate,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      // No invocation, no record: nothing failed.
      treatMissingData: notBreaching,
    });
    this.add('PipelineAgeP99', {
      alarmName: `${prefix}-pipeline-age-p99`,
      alarmDescription: `P99 pipeline age at ${stage.name} above ${thresholds.maxPipelineAgeP99Ms} ms`,
      metric: pipelineAgeP99(pipeline, stage),
      threshold: thresholds.maxPipelineAgeP99Ms,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      // The runtime publishes an age only for records it processed.
      treatMissingData: notBreaching,
    });
    this.notify(props.topic);
  }
}
