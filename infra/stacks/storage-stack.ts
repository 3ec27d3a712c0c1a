import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { EXPIRY_ATTRIBUTE, INDEXES, TABLE_KEYS } from '#adapters/aws/table-schema.ts';

export interface StorageStackProps extends StackProps {
  /** Days a raw message is kept before S3 expires it; the report records in DynamoDB stay. */
  readonly rawRetentionDays: number;
  /**
   * Days an overwritten or expired version of a raw message is kept.
   * @default 30
   */
  readonly noncurrentVersionRetentionDays?: number;
}

/**
 * What outlives a deployment: the raw messages and the report table. Both are retained when the
 * stack is deleted, so the intake stack can be torn down and rebuilt without losing a report.
 */
export class StorageStack extends Stack {
  readonly rawMailBucket: s3.Bucket;
  readonly reportTable: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const noncurrentDays = props.noncurrentVersionRetentionDays ?? 30;
    for (const [name, days] of [['rawRetentionDays', props.rawRetentionDays], ['noncurrentVersionRetentionDays', noncurrentDays]] as const) {
      if (!Number.isInteger(days) || days < 1) throw new Error(`${name} must be a whole number of days, at least 1 (got ${days})`);
    }

    const accessLogs = new s3.Bucket(this, 'RawMailAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(props.rawRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // S3-managed keys: SES's PutObject and the functions' reads need no key permission; a customer
    // managed key would need a key policy for SES and a grant for every reader.
    this.rawMailBucket = new s3.Bucket(this, 'RawMail', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'raw-mail/',
      lifecycleRules: [
        {
          id: 'ExpireRawMail',
          expiration: Duration.days(props.rawRetentionDays),
          noncurrentVersionExpiration: Duration.days(noncurrentDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        // Expiry leaves a delete marker on each key; once its versions are gone it serves no purpose.
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Keys and indexes come from the runtime's table schema, which the local emulators use too.
    this.reportTable = new dynamodb.Table(this, 'Reports', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // The hourly acknowledgment counters (RATE# items) carry it (report-repository.ts), so DynamoDB
      // deletes them a day after their hour; records have no such attribute and stay.
      timeToLiveAttribute: EXPIRY_ATTRIBUTE,
    });
    for (const index of Object.values(INDEXES)) {
      this.reportTable.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
