/**
 * What every alarm construct of a pipeline shares: alarms that fire when a metric is above its
 * threshold unless told otherwise, each stating how missing data counts, all notifying one SNS
 * topic on ALARM and on OK.
 */
import {
  aws_cloudwatch_actions as actions,
  aws_cloudwatch as cloudwatch,
  type aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Properties of one alarm of an {@link AlarmSet}: `treatMissingData` is required. */
export type AlarmSetAlarmProps = Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData'> & {
  /** @default GREATER_THAN_THRESHOLD */
  comparisonOperator?: cloudwatch.ComparisonOperator;
  treatMissingData: cloudwatch.TreatMissingData;
};

/**
 * A set of alarms notifying one topic.
 * @example class ApiAlarms extends AlarmSet { constructor(…) { super(scope, id); this.add('5xx', {…}); this.notify(topic); } }
 */
export abstract class AlarmSet extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  /** Adds an alarm; every caller states how missing data counts. */
  protected add(id: string, props: AlarmSetAlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...props,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  /** Sends every alarm's ALARM and OK transitions to `topic`. */
  protected notify(topic: sns.ITopic): void {
    const action = new actions.SnsAction(topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }
}
