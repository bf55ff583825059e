/**
 * The alarms of one stage, with the thresholds of the pipeline definition (`stage.alarms`), all
 * notifying one SNS topic:
 *
 * | alarm | per | metric | fires when |
 * | --- | --- | --- | --- |
 * | offset lag | mapping | `SumOffsetLag` (ESM KafkaMetrics) | > `maxOffsetLag` for `offsetLagForMinutes` consecutive minutes |
 * | time lag | mapping | `EstimatedMaxTimeLag` (MSK) | > `maxTimeLagSeconds` in a minute |
 * | DLQ | mapping | `OnFailureDestinationDeliveredEventCount` + `DroppedEventCount` | ≥ 1 record in a minute |
 * | error rate | stage | max(Errors/Invocations, RecordsFailed/RecordsIn) | > `maxErrorRate` in 3 of 5 minutes |
 * | pipeline age | stage | `PipelineAgeMs` p99 (runtime) | > `maxPipelineAgeP99Ms` in 3 of 5 minutes |
 *
 * The DLQ alarm watches what the mapping itself reports delivering to `cdr.dlq`: only the
 * mapping writes there, so no broker-side metric is needed, and it is per mapping, which names
 * the topic that failed.
 */
import {
  aws_cloudwatch_actions as actions,
  aws_cloudwatch as cloudwatch,
  type aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { StageSpec } from '../../shared/pipeline/index.ts';
import {
  mappingFailedRecords,
  mappingOffsetLag,
  mappingTimeLag,
  pipelineAgeP99,
  stageErrorRate,
} from '../monitoring/stage-metrics.ts';
import type { StageFunction } from './stage-function.ts';

/** Properties of {@link StageAlarms}. */
export interface StageAlarmsProps {
  readonly stage: StageSpec;
  readonly stageFunction: StageFunction;
  /** MSK cluster name (dimension of the MSK consumer-lag metrics). */
  readonly clusterName: string;
  readonly topic: sns.ITopic;
  /** Prefix of alarm names. @default 'orion' */
  readonly namePrefix?: string;
}

/** The alarms of a stage. */
export class StageAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: StageAlarmsProps) {
    super(scope, id);
    const { stage, stageFunction } = props;
    const thresholds = stage.alarms;
    const prefix = `${props.namePrefix ?? 'orion'}-${stage.name}`;
    for (const { spec, resource } of stageFunction.mappings) {
      const uuid = resource.ref;
      this.add(`OffsetLag-${spec.topic}`, {
        alarmName: `${prefix}-offset-lag-${spec.topic}`,
        alarmDescription: `${spec.consumerGroupId} is more than ${thresholds.maxOffsetLag} records behind ${spec.topic} for ${thresholds.offsetLagForMinutes} minutes`,
        metric: mappingOffsetLag(uuid),
        threshold: thresholds.maxOffsetLag,
        evaluationPeriods: thresholds.offsetLagForMinutes,
        datapointsToAlarm: thresholds.offsetLagForMinutes,
      });
      this.add(`TimeLag-${spec.topic}`, {
        alarmName: `${prefix}-time-lag-${spec.topic}`,
        alarmDescription: `${spec.consumerGroupId} needs more than ${thresholds.maxTimeLagSeconds} s to catch up with ${spec.topic}`,
        metric: mappingTimeLag(props.clusterName, spec),
        threshold: thresholds.maxTimeLagSeconds,
        evaluationPeriods: 1,
      });
      this.add(`Dlq-${spec.topic}`, {
        alarmName: `${prefix}-dlq-${spec.topic}`,
        alarmDescription: `Records of ${spec.topic} reached ${stage.onFailureTopic} (retries or record age exhausted) or were dropped`,
        metric: mappingFailedRecords(uuid),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      });
    }
    this.add('ErrorRate', {
      alarmName: `${prefix}-error-rate`,
      alarmDescription: `More than ${thresholds.maxErrorRate * 100} % of ${stage.name} invocations or records failed`,
      metric: stageErrorRate(stage, stageFunction.function.functionName),
      threshold: thresholds.maxErrorRate,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    this.add('PipelineAgeP99', {
      alarmName: `${prefix}-pipeline-age-p99`,
      alarmDescription: `P99 pipeline age at ${stage.name} above ${thresholds.maxPipelineAgeP99Ms} ms`,
      metric: pipelineAgeP99(stage),
      threshold: thresholds.maxPipelineAgeP99Ms,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
    });
    const action = new actions.SnsAction(props.topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  private add(
    id: string,
    props: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData'> & {
      comparisonOperator?: cloudwatch.ComparisonOperator;
    },
  ): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // An idle mapping or a stage with no traffic publishes nothing: that is not an incident.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...props,
      }),
    );
  }
}
