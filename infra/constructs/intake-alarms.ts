import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface IntakeAlarmsProps {
  /** Functions watched for errors and throttles, by a short name used in the alarm ids. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The queue of events that failed every retry: any message in it needs attention. */
  readonly failureQueue: sqs.IQueue;
  /** What to do about a message in the failure queue, for the alarm description. */
  readonly failureRunbook: string;
  /**
   * Address subscribed to the alarm topic (the subscription must be confirmed from the email).
   * @default - no subscription; subscribe to the topic by other means
   */
  readonly alarmEmail?: string;
  /**
   * Period over which each metric is evaluated.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * Alarms for anything that needs a person: a failed event parked in the failure queue, a function
 * error, a throttle. They notify an encrypted SNS topic.
 */
export class IntakeAlarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: IntakeAlarmsProps) {
    super(scope, id);
    if (Object.keys(props.functions).length === 0) throw new Error('IntakeAlarms: no functions to watch');
    const period = props.period ?? Duration.minutes(5);

    // A customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed aws/sns key,
    // whose policy cannot grant it kms:GenerateDataKey.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the report-intake alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true, displayName: 'report-intake alarms' });
    // The topic policy that enforceSSL creates replaces the default one, so CloudWatch is allowed
    // explicitly, for this account's alarms only.
    // https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const anyAtAll = { threshold: 0, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods: 1 };
    const alarms: cloudwatch.Alarm[] = [
      new cloudwatch.Alarm(this, 'FailedEvents', {
        ...anyAtAll,
        metric: props.failureQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
        alarmDescription: `A message could not be processed after every retry and waits in the failure queue. ${props.failureRunbook}`,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const [name, fn] of Object.entries(props.functions)) {
      alarms.push(
        new cloudwatch.Alarm(this, `${name}Errors`, {
          ...anyAtAll,
          metric: fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
          alarmDescription: `The ${name} function failed; Lambda retries asynchronous events, see its logs.`,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `${name}Throttles`, {
          ...anyAtAll,
          metric: fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
          alarmDescription: `The ${name} function was throttled: its reserved or the account's concurrency is exhausted.`,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    const action = new cloudwatchActions.SnsAction(this.topic);
    for (const alarm of alarms) alarm.addAlarmAction(action);
  }
}
