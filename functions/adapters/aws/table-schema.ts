import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The one definition of the reports table: keys and secondary indexes. The emulator helper and the
 * local stack create the table from it; the CDK stack declares the same names (test/infra checks them).
 * Every index sorts by `receivedAt` (ISO-8601 UTC) and projects all attributes, so each staff query
 * is a single Query (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html).
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const INDEXES = {
  byCall: { name: 'byCall', partitionKey: 'callId', sortKey: 'receivedAt' },
  byStatus: { name: 'byStatus', partitionKey: 'callStatus', sortKey: 'receivedAt' },
  bySender: { name: 'bySender', partitionKey: 'callSender', sortKey: 'receivedAt' },
  /** Sparse: only the current (not superseded) report of each sender carries `currentCall`. */
  currentByCall: { name: 'currentByCall', partitionKey: 'currentCall', sortKey: 'receivedAt' },
} as const;

export type IndexName = keyof typeof INDEXES;

/**
 * Epoch seconds after which DynamoDB's TTL deletes an item: set on the acknowledgment rate counters
 * only. TTL is a deployed-table setting (the local emulator has none, and needs none).
 */
export const EXPIRY_ATTRIBUTE = 'expiresAt';

/** CreateTable input (on-demand billing) for emulators and the local stack. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const indexes = Object.values(INDEXES);
  const attributeNames = new Set<string>([
    TABLE_KEYS.partitionKey,
    TABLE_KEYS.sortKey,
    ...indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}
