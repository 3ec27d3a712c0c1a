import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { INDEXES } from '#adapters/aws/table-schema.ts';
import { intakeEnvironment } from '../../functions/config.ts';
import { EmailReceiving } from '../constructs/email-receiving.ts';
import { IntakeAlarms } from '../constructs/intake-alarms.ts';
import { IntakeFunction } from '../constructs/intake-function.ts';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import { INTAKE_OUTPUTS } from '../outputs.ts';

export interface IntakeStackProps extends StackProps {
  /** The domain that receives the reports and sends the acknowledgments. */
  readonly domain: string;
  /** The call's intake addresses. */
  readonly recipients: readonly string[];
  /** The call for reports (a bundled call profile). */
  readonly callId: string;
  /** Key prefix of the call's raw messages, e.g. `raw/wsis-2025/`. */
  readonly rawPrefix: string;
  /** The acknowledgments' From address: the only one the functions may send from. */
  readonly ackFrom: string;
  /** Acknowledgments per sender and hour. */
  readonly ackMaxPerSenderPerHour: number;
  readonly rawMailBucket: s3.IBucket;
  readonly reportTable: dynamodb.ITable;
  /**
   * Public hosted zone of `domain`, for the MX, DKIM and MAIL FROM records.
   * @default - no records; the DnsRecords output lists them
   */
  readonly hostedZoneId?: string;
  /**
   * Address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Reserved concurrency of the intake function; the reconciler and redrive get 1 each.
   * @default - no reservations (accounts with a concurrency quota of 10 cannot reserve any)
   */
  readonly reservedConcurrency?: number;
  /**
   * How often the reconciler looks for raw messages that have no record.
   * @default Duration.minutes(30)
   */
  readonly reconcileEvery?: Duration;
}

const SERVICE_NAME = 'report-intake';
const METRICS_NAMESPACE = 'ReportIntake';

/** Receiving, processing and acknowledging: SES rules, the three functions, failure handling, alarms. */
export class IntakeStack extends Stack {
  readonly intake: IntakeFunction;
  readonly reconcile: IntakeFunction;
  readonly redrive: IntakeFunction;
  readonly failureQueue: sqs.Queue;
  readonly receiving: EmailReceiving;
  readonly alarms: IntakeAlarms;

  constructor(scope: Construct, id: string, props: IntakeStackProps) {
    super(scope, id, props);
    const { rawMailBucket: bucket, reportTable: table, rawPrefix } = props;

    // Intake events that still fail after Lambda's retries, kept for the redrive function.
    this.failureQueue = new sqs.Queue(this, 'FailedIntakeEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(this.failureQueue, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter destination of the intake function; the redrive function replays its messages by hand, there is no retrying consumer to dead-letter from.');

    // Table and bucket names are tokens here, strings until deployment resolves them.
    const environment = intakeEnvironment({
      callId: props.callId,
      recipients: props.recipients,
      tableName: table.tableName,
      bucketName: bucket.bucketName,
      rawPrefix,
      ackFrom: props.ackFrom,
      ackMaxPerSenderPerHour: props.ackMaxPerSenderPerHour,
    });
    const shared = { serviceName: SERVICE_NAME, metricsNamespace: METRICS_NAMESPACE };
    const reserveOne = props.reservedConcurrency === undefined ? undefined : 1;

    this.intake = new IntakeFunction(this, 'Intake', {
      ...shared,
      entry: 'functions/handlers/intake.ts',
      description: `Stores, analyses and acknowledges each report received for ${props.callId}`,
      environment,
      reservedConcurrentExecutions: props.reservedConcurrency,
      onFailure: new destinations.SqsDestination(this.failureQueue),
    });
    this.reconcile = new IntakeFunction(this, 'Reconcile', {
      ...shared,
      entry: 'functions/handlers/reconcile.ts',
      description: 'Processes raw messages in S3 that have no record, and retries pending acknowledgments',
      environment,
      timeout: Duration.minutes(5),
      // One run at a time: a second would only race the first over the same objects.
      reservedConcurrentExecutions: reserveOne,
    });
    this.redrive = new IntakeFunction(this, 'Redrive', {
      ...shared,
      entry: 'functions/handlers/redrive.ts',
      description: 'Replays the intake events parked in the failure queue (invoked by hand)',
      environment: { ...environment, FAILURE_QUEUE_URL: this.failureQueue.queueUrl },
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: reserveOne,
    });

    new events.Rule(this, 'ReconcileSchedule', {
      description: 'Finds raw messages that Lambda dropped or never delivered',
      schedule: events.Schedule.rate(props.reconcileEvery ?? Duration.minutes(30)),
      targets: [new targets.LambdaFunction(this.reconcile.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });

    // Every function processes messages the same way: read the raw message, write the table, acknowledge.
    // The bucket's ARN comes through an explicitly named export, so the cdk-nag finding for the prefix
    // wildcard can be named here (an automatic reference's name is only known at synth). The export
    // pins a value that never changes: the bucket is retained, never replaced.
    const storageStack = Stack.of(bucket);
    const bucketArn = storageStack.exportValue(bucket.bucketArn, { name: `${storageStack.stackName}-RawMailBucketArn` });
    const rawObjects = `${bucketArn}/${rawPrefix}*`;
    const sesIdentities = this.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
    for (const fn of [this.intake, this.reconcile, this.redrive]) {
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [rawObjects] }));
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          // The operations the runtime uses (conditional writes need no extra action); no Scan, no delete.
          actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resources: [table.tableArn, ...Object.values(INDEXES).map((index) => `${table.tableArn}/index/${index.name}`)],
        }),
      );
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['ses:SendRawEmail'],
          resources: [sesIdentities],
          conditions: { StringEquals: { 'ses:FromAddress': props.ackFrom } },
        }),
      );
      acknowledge(
        fn.role,
        wildcardResourceFinding('AwsSolutions-IAM5', this, rawObjects),
        `s3:GetObject on the call's raw messages only (${rawPrefix}*): their keys are SES message ids, unknown in advance.`,
      );
      acknowledge(
        fn.role,
        wildcardResourceFinding('AwsSolutions-IAM5', this, sesIdentities),
        // https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html
        'SES authorizes SendRawEmail against the sender identity and, in the sandbox, the recipient identities, which are not known in advance; the ses:FromAddress condition limits sending to the acknowledgment address.',
      );
    }
    // The reconciler lists the call's raw messages to find those without a record.
    this.reconcile.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${rawPrefix}*`] } },
      }),
    );
    this.failureQueue.grantConsumeMessages(this.redrive.function);

    const hostedZone = props.hostedZoneId
      ? // Record names are absolute, so zoneName may be the domain even when the zone is a parent of it.
        route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'HostedZone', { hostedZoneId: props.hostedZoneId, zoneName: props.domain })
      : undefined;
    this.receiving = new EmailReceiving(this, 'Receiving', {
      domain: props.domain,
      recipients: props.recipients,
      bucket,
      objectKeyPrefix: rawPrefix,
      function: this.intake.function,
      hostedZone,
      ruleName: props.callId,
    });

    this.alarms = new IntakeAlarms(this, 'Alarms', {
      functions: { Intake: this.intake.function, Reconcile: this.reconcile.function, Redrive: this.redrive.function },
      failureQueue: this.failureQueue,
      failureRunbook: `Fix the cause (see the intake function's logs), then invoke the function named in the stack output ${INTAKE_OUTPUTS.redriveFunctionName}.`,
      alarmEmail: props.alarmEmail,
    });

    const outputs: Record<keyof typeof INTAKE_OUTPUTS, string | undefined> = {
      tableName: table.tableName,
      bucketName: bucket.bucketName,
      rawPrefix,
      callId: props.callId,
      recipients: props.recipients.join(','),
      ackFrom: props.ackFrom,
      failureQueueUrl: this.failureQueue.queueUrl,
      intakeFunctionName: this.intake.function.functionName,
      reconcileFunctionName: this.reconcile.function.functionName,
      redriveFunctionName: this.redrive.function.functionName,
      alarmTopicArn: this.alarms.topic.topicArn,
      dnsRecords: hostedZone
        ? undefined
        : Fn.join('; ', this.receiving.dnsRecords.map((record) => Fn.join(' ', [record.name, record.type, record.value]))),
    };
    for (const [key, value] of Object.entries(outputs)) {
      if (value !== undefined) new CfnOutput(this, INTAKE_OUTPUTS[key as keyof typeof INTAKE_OUTPUTS], { value });
    }
  }
}
