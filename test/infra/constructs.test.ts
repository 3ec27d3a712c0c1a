import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { EmailReceiving, type EmailReceivingProps } from '../../infra/constructs/email-receiving.ts';
import { IntakeFunction } from '../../infra/constructs/intake-function.ts';
import { logicalIdOf } from './deployment.ts';

// The constructs refuse bad settings when they are built, before anything is synthesised.
function receiving(overrides: Partial<EmailReceivingProps> | ((stack: Stack) => Partial<EmailReceivingProps>)): () => EmailReceiving {
  const stack = new Stack(new App(), 'Test');
  const props: EmailReceivingProps = {
    domain: 'example.org',
    recipients: ['reports@example.org'],
    bucket: new s3.Bucket(stack, 'Bucket'),
    objectKeyPrefix: 'raw/wsis-2025/',
    function: new lambda.Function(stack, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
    }),
    ...(typeof overrides === 'function' ? overrides(stack) : overrides),
  };
  return () => new EmailReceiving(stack, 'Receiving', props);
}

describe('EmailReceiving', () => {
  it('builds with valid settings', () => {
    expect(receiving({})).not.toThrow();
  });

  it.each([
    [{ recipients: [] }, /at least one recipient/],
    [{ recipients: ['reports@example.net'] }, /recipient reports@example\.net is not at example\.org/],
    [{ objectKeyPrefix: 'raw/wsis-2025' }, /objectKeyPrefix "raw\/wsis-2025" must end with "\/"/],
    [{ objectKeyPrefix: '/raw/' }, /must end with "\/" and not start with it/],
    [{ mailFromDomain: 'mail.example.net' }, /MAIL FROM domain mail\.example\.net must be a subdomain of example\.org/],
    [{ ruleSetName: 'report intake' }, /invalid rule set name "report intake"/],
  ] satisfies [Partial<EmailReceivingProps>, RegExp][])('refuses %o', (overrides, message) => {
    expect(receiving(overrides)).toThrow(message);
  });

  it('creates the receipt rule only once the bucket policy lets SES write, which SES checks at creation', () => {
    const stack = new Stack(new App(), 'Test');
    const bucket = new s3.Bucket(stack, 'Bucket');
    const fn = new lambda.Function(stack, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => {};'),
    });
    new EmailReceiving(stack, 'Receiving', { domain: 'example.org', recipients: ['reports@example.org'], bucket, objectKeyPrefix: 'raw/wsis-2025/', function: fn });
    const policy = logicalIdOf(bucket.policy!);
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::SES::ReceiptRule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ DependsOn: expect.arrayContaining([policy]) });
  });

  it('refuses an imported bucket, whose policy it could not extend', () => {
    const build = receiving((stack) => ({ bucket: s3.Bucket.fromBucketName(stack, 'Imported', 'someone-elses-bucket') }));
    expect(build).toThrow(/the bucket must be owned by this app/);
  });
});

describe('IntakeFunction', () => {
  const props = { description: 'test', serviceName: 'report-intake', metricsNamespace: 'ReportIntake', environment: {} };

  it('refuses a handler module that does not exist', () => {
    expect(() => new IntakeFunction(new Stack(new App(), 'Test'), 'Missing', { ...props, entry: 'functions/handlers/missing.ts' })).toThrow(
      /no handler module at functions\/handlers\/missing\.ts/,
    );
  });

  it('refuses a reserved concurrency of 0, which would disable the function', () => {
    expect(
      () => new IntakeFunction(new Stack(new App(), 'Test'), 'Disabled', { ...props, entry: 'functions/handlers/intake.ts', reservedConcurrentExecutions: 0 }),
    ).toThrow(/reservedConcurrentExecutions must be at least 1/);
  });
});
