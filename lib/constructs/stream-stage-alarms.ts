/**
 * The alarms of one stream stage, with the thresholds of its definition, notifying the
 * pipeline's alarm topic. Metrics: `lib/monitoring/function-metrics.ts` (each with its AWS page).
 *
 * | alarm | metric | fires when | missing data |
 * | --- | --- | --- | --- |
 * | iterator age | `AWS/Lambda` `IteratorAge` (`FunctionName`), Maximum per minute | > `maxIteratorAgeMs` in 3 of 5 minutes | not breaching (no batch) |
 * | on-failure queue | `AWS/SQS` `ApproximateNumberOfMessagesVisible`, Maximum per minute | ≥ 1 message | not breaching (an empty, idle queue publishes nothing) |
 * | errors | `AWS/Lambda` `Errors`, Sum per minute | ≥ 1 in 3 of 5 minutes | not breaching |
 *
 * The iterator age is the stream stage's lag: a shard blocked by a failing batch (retried until
 * its age or retries run out, up to the stream's 24 h with the defaults) shows here first. A
 * message in the on-failure queue is a batch the mapping gave up on: its records were not
 * published (the seeds' "DLQ > 0"). Function errors page when they persist (3 of 5 minutes), not
 * for one retried failure; records a partial batch response reports are no function error and
 * surface through the two other alarms.
 */
import { aws_cloudwatch as cloudwatch, type aws_sns as sns } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functionNameOf } from '../../shared/pipeline/index.ts';
import { functionMetric, queueMessagesVisible, streamIteratorAge } from '../monitoring/function-metrics.ts';
import { AlarmSet } from './alarm-set.ts';
import type { StreamStageFunction } from './stream-stage-function.ts';

/** Properties of {@link StreamStageAlarms}. */
export interface StreamStageAlarmsProps {
  readonly stage: StreamStageFunction;
  readonly topic: sns.ITopic;
  /** Environment name: alarm names start with the function name, `orion-<env>-<infix><stage>`. */
  readonly envName: string;
}

/** The alarms of a stream stage. */
export class StreamStageAlarms extends AlarmSet {
  constructor(scope: Construct, id: string, props: StreamStageAlarmsProps) {
    super(scope, id);
    const { stage: streamStage } = props;
    const { stage } = streamStage;
    const prefix = functionNameOf(streamStage.pipeline, stage.name, props.envName);
    const functionName = streamStage.function.functionName;
    const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;
    this.add('IteratorAge', {
      alarmName: `${prefix}-iterator-age`,
      alarmDescription: `${stage.name} is more than ${stage.maxIteratorAgeMs} ms behind its stream (${stage.source.store}/${stage.source.table})`,
      metric: streamIteratorAge(functionName),
      threshold: stage.maxIteratorAgeMs,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: notBreaching,
    });
    this.add('OnFailureQueue', {
      alarmName: `${prefix}-on-failure`,
      alarmDescription: `The mapping of ${stage.name} gave up on a batch (retries or record age exhausted): its metadata is in ${streamStage.onFailureQueueName}`,
      metric: queueMessagesVisible(streamStage.onFailureQueue.queueName),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: notBreaching,
    });
    this.add('Errors', {
      alarmName: `${prefix}-errors`,
      alarmDescription: `${stage.name} failed invocations in 3 of 5 minutes`,
      metric: functionMetric(functionName, 'Errors'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: notBreaching,
    });
    this.notify(props.topic);
  }
}
