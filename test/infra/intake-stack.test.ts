import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { INDEXES } from '#adapters/aws/table-schema.ts';
import { intakeEnvironment, type IntakeConfig } from '../../functions/config.ts';
import { renderCfn } from '../../infra/nag.ts';
import { INTAKE_OUTPUTS } from '../../infra/outputs.ts';
import { actionsOf, logicalIdOf, statementsOfRole, synthesizeDeployment, type SynthesizedDeployment } from './deployment.ts';

/** The functions' settings the example configuration of cdk.json makes. */
const handlerConfig: IntakeConfig = {
  callId: 'wsis-2025',
  recipients: ['reports@example.org'],
  tableName: 'reports',
  bucketName: 'raw-mail',
  rawPrefix: 'raw/wsis-2025/',
  ackFrom: 'reports@example.org',
  ackMaxPerSenderPerHour: 5,
};

/** The newest Node.js runtime this aws-cdk-lib knows, e.g. `nodejs24.x`. */
function newestNodeRuntime(): string {
  const versions = Object.keys(lambda.Runtime).flatMap((key) => {
    const version = /^NODEJS_(\d+)_X$/.exec(key)?.[1];
    return version ? [Number(version)] : [];
  });
  return `nodejs${Math.max(...versions)}.x`;
}

// One synthesis for the file, with real bundling: the functions' code is built by esbuild here.
let deployment: SynthesizedDeployment;
let template: Template;
const ids = { intake: '', reconcile: '', redrive: '', queue: '', ruleSet: '', rule: '' };
const roles = { intake: '', reconcile: '', redrive: '' };

beforeAll(() => {
  deployment = synthesizeDeployment();
  template = deployment.intakeTemplate;
  const { intake } = deployment;
  for (const name of ['intake', 'reconcile', 'redrive'] as const) {
    ids[name] = logicalIdOf(intake[name].function);
    roles[name] = logicalIdOf(intake[name].role);
  }
  ids.queue = logicalIdOf(intake.failureQueue);
  ids.ruleSet = logicalIdOf(intake.receiving.ruleSet);
  ids.rule = logicalIdOf(intake.receiving.rule);
}, 180_000);

const ruleArn = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':receipt-rule-set/report-intake:receipt-rule/wsis-2025'],
  ],
};

describe('SES receiving', () => {
  it('has one rule for the call recipients: enabled, TLS required, spam and virus scanning', () => {
    template.resourceCountIs('AWS::SES::ReceiptRule', 1);
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      RuleSetName: { Ref: ids.ruleSet },
      Rule: { Name: 'wsis-2025', Enabled: true, Recipients: ['reports@example.org'], TlsPolicy: 'Require', ScanEnabled: true },
    });
  });

  it('stores the raw message under the call prefix first, then invokes the intake function asynchronously', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: {
        Actions: [
          { S3Action: { BucketName: Match.anyValue(), ObjectKeyPrefix: 'raw/wsis-2025/' } },
          { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [ids.intake, 'Arn'] }, InvocationType: 'Event' } },
        ],
      },
    });
  });

  it('lets only this receipt rule of this account invoke the intake function, and creates the rule after that permission', () => {
    const permissions = template.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'ses.amazonaws.com' } });
    expect(Object.values(permissions)).toEqual([
      {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: { 'Fn::GetAtt': [ids.intake, 'Arn'] },
          Principal: 'ses.amazonaws.com',
          SourceAccount: { Ref: 'AWS::AccountId' },
          SourceArn: ruleArn,
        },
      },
    ]);
    template.hasResource('AWS::SES::ReceiptRule', { DependsOn: Match.arrayWith(Object.keys(permissions)) });
  });

  it('activates the rule set once the rule exists, and deactivates receiving when deleted', () => {
    const [activation] = Object.values(template.findResources('Custom::AWS'));
    expect(activation).toMatchObject({ DependsOn: expect.arrayContaining([ids.rule]) });
    const call = (property: string): unknown => JSON.parse(renderCfn((activation as { Properties: Record<string, unknown> }).Properties[property]));
    const activate = { service: 'SES', action: 'SetActiveReceiptRuleSet', parameters: { RuleSetName: `<${ids.ruleSet}>` } };
    expect(call('Create')).toMatchObject(activate);
    expect(call('Update')).toMatchObject(activate);
    expect(call('Delete')).toEqual({ service: 'SES', action: 'SetActiveReceiptRuleSet', parameters: {} });
  });

  it('lets the activation call SetActiveReceiptRuleSet and nothing else', () => {
    const [activation] = Object.values(template.findResources('Custom::AWS'));
    const policyIds = (activation as { DependsOn: string[] }).DependsOn.filter((id) => id !== ids.rule);
    const resources = template.toJSON().Resources;
    expect(policyIds.map((id) => resources[id].Properties.PolicyDocument.Statement)).toEqual([
      [{ Effect: 'Allow', Action: 'ses:SetActiveReceiptRuleSet', Resource: '*' }],
    ]);
  });

  it('verifies the domain with Easy DKIM and a custom MAIL FROM domain', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.org',
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: { MailFromDomain: 'mail.example.org', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
  });

  it('creates no DNS record without a hosted zone, and lists the records to create by hand', () => {
    expect(Object.keys(template.findResources('AWS::Route53::RecordSet'))).toEqual([]);
    const identity = logicalIdOf(deployment.intake.receiving.identity);
    const dkim = [1, 2, 3].map((n) => `<${identity}.DkimDNSTokenName${n}> CNAME <${identity}.DkimDNSTokenValue${n}>`);
    expect(renderCfn(template.toJSON().Outputs[INTAKE_OUTPUTS.dnsRecords].Value).split('; ')).toEqual([
      'example.org MX 10 inbound-smtp.<AWS::Region>.amazonaws.com',
      ...dkim,
      'mail.example.org MX 10 feedback-smtp.<AWS::Region>.amazonses.com',
      'mail.example.org TXT "v=spf1 include:amazonses.com ~all"',
    ]);
  });
});

describe('functions', () => {
  const common = {
    ...intakeEnvironment({ ...handlerConfig, tableName: '', bucketName: '' }),
    TABLE_NAME: expect.anything(),
    BUCKET_NAME: expect.anything(),
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'report-intake',
    POWERTOOLS_METRICS_NAMESPACE: 'ReportIntake',
  };

  it.each([
    ['intake', 60, 5],
    ['reconcile', 300, 1],
    ['redrive', 300, 1],
  ] as const)('%s runs on the newest Node.js runtime, arm64, with the agreed environment', (name, timeout, reserved) => {
    const { Properties: fn } = template.toJSON().Resources[ids[name]];
    expect(fn).toMatchObject({
      Runtime: newestNodeRuntime(),
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: timeout,
      ReservedConcurrentExecutions: reserved,
    });
    expect(fn.Environment.Variables).toEqual(name === 'redrive' ? { ...common, FAILURE_QUEUE_URL: { Ref: ids.queue } } : common);
  });

  it('reads the table and bucket names from the storage stack', () => {
    const variables = template.toJSON().Resources[ids.intake].Properties.Environment.Variables;
    expect(JSON.stringify(variables.TABLE_NAME)).toContain('ReportIntakeStorage');
    expect(JSON.stringify(variables.BUCKET_NAME)).toContain('ReportIntakeStorage');
  });

  it('keeps each function\'s logs in its own log group for three months', () => {
    const resources = template.toJSON().Resources;
    for (const name of ['intake', 'reconcile', 'redrive'] as const) {
      const logGroup = logicalIdOf(deployment.intake[name].logGroup);
      expect(resources[ids[name]].Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroup } });
      expect(resources[logGroup].Properties.RetentionInDays).toBe(90);
    }
  });

  it('bundles each handler as a minified ES module with a source map, which Node loads', () => {
    const assets = (['intake', 'reconcile', 'redrive'] as const).map((name) => {
      const key: string = template.toJSON().Resources[ids[name]].Properties.Code.S3Key;
      return join(deployment.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    });
    expect(new Set(assets).size).toBe(3);
    for (const asset of assets) {
      const code = readFileSync(join(asset, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);")).toBe(true);
      // Minified: long lines, not one statement per line.
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      expect(existsSync(join(asset, 'index.mjs.map'))).toBe(true);
      const loaded = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(join(asset, 'index.mjs'))}); process.stdout.write(typeof m.handler);`],
        { env: { ...bundleEnvironment, PATH: process.env.PATH }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(loaded).toBe('function');
    }
  });
});

describe('permissions', () => {
  const rawObjects = { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'ReportIntakeStorage-RawMailBucketArn' }, '/raw/wsis-2025/*']] };

  it.each(['intake', 'reconcile', 'redrive'] as const)('%s may read raw messages under the call prefix only', (name) => {
    const s3 = statementsOfRole(template, roles[name]).filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    const reads = s3.filter((statement) => actionsOf(statement).includes('s3:GetObject'));
    expect(reads).toEqual([{ Effect: 'Allow', Action: 's3:GetObject', Resource: rawObjects }]);
    expect(s3.flatMap(actionsOf).filter((action) => action !== 's3:GetObject')).toEqual(name === 'reconcile' ? ['s3:ListBucket'] : []);
  });

  it('lets the reconciler list the call prefix only', () => {
    const [list] = statementsOfRole(template, roles.reconcile).filter((statement) => actionsOf(statement).includes('s3:ListBucket'));
    expect(list).toMatchObject({ Effect: 'Allow', Condition: { StringLike: { 's3:prefix': ['raw/wsis-2025/*'] } } });
  });

  it.each(['intake', 'reconcile', 'redrive'] as const)('%s may send only from the acknowledgment address', (name) => {
    const sending = statementsOfRole(template, roles[name]).filter((statement) => actionsOf(statement).some((action) => action.startsWith('ses:')));
    expect(sending).toHaveLength(1);
    expect(sending[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'ses:SendRawEmail',
      Condition: { StringEquals: { 'ses:FromAddress': 'reports@example.org' } },
    });
  });

  it.each(['intake', 'reconcile', 'redrive'] as const)('%s may read and write report items and query the indexes, but not scan or delete', (name) => {
    const dynamodb = statementsOfRole(template, roles[name]).filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
    expect(dynamodb).toHaveLength(1);
    const [statement] = dynamodb;
    expect(actionsOf(statement!).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    const resources = JSON.stringify(statement!.Resource);
    for (const index of Object.values(INDEXES)) expect(resources).toContain(`/index/${index.name}"`);
    expect(resources).not.toContain('*');
  });

  it('gives only the redrive function the failure queue to consume, and only the intake function to send to', () => {
    const sqsActions = (name: keyof typeof roles): string[] =>
      statementsOfRole(template, roles[name]).flatMap(actionsOf).filter((action) => action.startsWith('sqs:'));
    expect(sqsActions('redrive')).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(sqsActions('intake')).toContain('sqs:SendMessage');
    expect(sqsActions('intake')).not.toContain('sqs:ReceiveMessage');
    expect(sqsActions('reconcile')).toEqual([]);
  });

  it('uses no AWS managed policy in any role', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect((role as { Properties: { ManagedPolicyArns?: unknown } }).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('failure handling', () => {
  it('sends intake events that fail after two retries, or are six hours old, to the failure queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: ids.intake },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.queue, 'Arn'] } } },
    });
  });

  it('keeps failed events encrypted for 14 days, over TLS only', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ids.queue }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('runs the reconciler every 30 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(30 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [ids.reconcile, 'Arn'] } })],
    });
  });

  it('raises an alarm as soon as one event waits in the failure queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.queue, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: logicalIdOf(deployment.intake.alarms.topic) }],
    });
  });

  it.each(['Errors', 'Throttles'])('raises an alarm on any function %s', (metric) => {
    for (const name of ['intake', 'reconcile', 'redrive'] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids[name] } }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [{ Ref: logicalIdOf(deployment.intake.alarms.topic) }],
      });
    }
  });

  it('notifies an encrypted topic that CloudWatch may publish to, with no subscription unless alarmEmail is set', () => {
    const key = logicalIdOf(deployment.intake.alarms.topic.masterKey!);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('outputs', () => {
  it('names what the staff CLI needs, without exports', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Export?: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(Object.values(INTAKE_OUTPUTS).sort());
    for (const output of Object.values(outputs)) expect(output.Export).toBeUndefined();
    expect(outputs[INTAKE_OUTPUTS.rawPrefix]!.Value).toBe('raw/wsis-2025/');
    expect(outputs[INTAKE_OUTPUTS.recipients]!.Value).toBe('reports@example.org');
    expect(outputs[INTAKE_OUTPUTS.failureQueueUrl]!.Value).toEqual({ Ref: ids.queue });
    expect(outputs[INTAKE_OUTPUTS.intakeFunctionName]!.Value).toEqual({ Ref: ids.intake });
    expect(outputs[INTAKE_OUTPUTS.redriveFunctionName]!.Value).toEqual({ Ref: ids.redrive });
    expect(JSON.stringify(outputs[INTAKE_OUTPUTS.tableName]!.Value)).toContain('ReportIntakeStorage');
  });
});

/** What the handlers' configuration requires at import time (functions/config.ts). */
const bundleEnvironment = {
  ...intakeEnvironment(handlerConfig),
  FAILURE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/failed',
  AWS_REGION: 'eu-west-1',
  POWERTOOLS_SERVICE_NAME: 'report-intake',
  POWERTOOLS_METRICS_NAMESPACE: 'ReportIntake',
  NODE_NO_WARNINGS: '1',
};

