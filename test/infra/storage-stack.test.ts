import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPIRY_ATTRIBUTE, INDEXES, TABLE_KEYS } from '#adapters/aws/table-schema.ts';
import { StorageStack } from '../../infra/stacks/storage-stack.ts';
import { cdkJsonContext, logicalIdOf, synthesizeDeployment, type SynthesizedDeployment } from './deployment.ts';

let deployment: SynthesizedDeployment;
let template: Template;
let bucketId: string;

beforeAll(() => {
  // The SES write permission on the bucket comes from the receipt rule, so build the whole deployment.
  deployment = synthesizeDeployment({ bundle: false });
  template = deployment.storageTemplate;
  bucketId = logicalIdOf(deployment.storage.rawMailBucket);
});

describe('raw-mail bucket', () => {
  it('is encrypted with S3-managed keys, private, owner-enforced and versioned', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'raw-mail/' },
    });
  });

  it('expires raw messages after the configured retention, older versions after 30 days', () => {
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 400, NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        expect.objectContaining({ Status: 'Enabled', ExpiredObjectDeleteMarker: true }),
      ]),
    );
  });

  it('follows a different rawRetentionDays', () => {
    const stack = new StorageStack(new App({ context: cdkJsonContext }), 'Storage', { rawRetentionDays: 90 });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90 })]) },
    });
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() => new StorageStack(new App(), 'Storage', { rawRetentionDays: 0 })).toThrow(/rawRetentionDays must be a whole number of days/);
  });

  it('is retained when the stack is deleted, with its access-log bucket', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const bucket of Object.values(buckets)) {
      expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets only SES, for this account and this receipt rule, write under the call prefix', () => {
    const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } }));
    const statements = (policy as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement;
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toEqual({
      Sid: 'AllowSesReceiptRulePuts',
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/raw/wsis-2025/*']] },
      Condition: {
        StringEquals: {
          'aws:SourceAccount': { Ref: 'AWS::AccountId' },
          'aws:SourceArn': {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':receipt-rule-set/report-intake:receipt-rule/wsis-2025'],
            ],
          },
        },
      },
    });
  });

  it('has its policy in place before the receipt rule that writes with it: the intake stack deploys after', () => {
    expect(deployment.intake.dependencies).toContain(deployment.storage);
  });
});

describe('report table', () => {
  it('has the agreed keys, on-demand billing, point-in-time recovery, encryption and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(TABLE_KEYS).toEqual({ partitionKey: 'pk', sortKey: 'sk' });
  });

  it('has exactly the secondary indexes of the runtime schema, each sorted by receivedAt and projecting everything', () => {
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    const indexes = (table as { Properties: { GlobalSecondaryIndexes: unknown[] } }).Properties.GlobalSecondaryIndexes;
    const expected = Object.values(INDEXES).map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: 'receivedAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));
    expect(indexes).toHaveLength(4);
    expect(indexes).toEqual(expect.arrayContaining(expected));
    expect(Object.values(INDEXES).map((index) => [index.name, index.partitionKey])).toEqual([
      ['byCall', 'callId'],
      ['byStatus', 'callStatus'],
      ['bySender', 'callSender'],
      ['currentByCall', 'currentCall'],
    ]);
  });

  it('has no streams, which the local emulator lacks', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: Match.absent() });
  });

  it('expires the acknowledgment rate counters by their expiresAt attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: EXPIRY_ATTRIBUTE, Enabled: true },
    });
  });

  it('is retained when the stack is deleted', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});
