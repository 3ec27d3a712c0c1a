/**
 * The deployment's CloudFormation stack names and the intake stack's output keys. The staff CLI
 * reads the outputs through DescribeStacks, so this file imports nothing (no aws-cdk-lib).
 */
export const STACK_NAMES = { storage: 'ReportIntakeStorage', intake: 'ReportIntake' } as const;

/** The intake stack's output keys. */
export const INTAKE_OUTPUTS = {
  tableName: 'TableName',
  bucketName: 'BucketName',
  rawPrefix: 'RawPrefix',
  callId: 'CallId',
  recipients: 'Recipients',
  ackFrom: 'AckFrom',
  failureQueueUrl: 'FailureQueueUrl',
  intakeFunctionName: 'IntakeFunctionName',
  reconcileFunctionName: 'ReconcileFunctionName',
  redriveFunctionName: 'RedriveFunctionName',
  alarmTopicArn: 'AlarmTopicArn',
  dnsRecords: 'DnsRecords',
} as const;
