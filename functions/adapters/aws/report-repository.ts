import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateQuery,
  type NativeAttributeValue,
} from '@aws-sdk/lib-dynamodb';
import type { AckClaim, AckOutcome, ReportRepository } from '#core/intake.ts';
import {
  ackSettled,
  isNewer,
  rateKey,
  reportKey,
  senderOf,
  senderPointerKey,
  type AckState,
  type ReportRecord,
} from '#core/record.ts';
import { EXPIRY_ATTRIBUTE, INDEXES } from './table-schema.ts';

/** `SENDER#<call>#<sender>` / `LATEST`: the sender's current report and the one it displaced. */
interface SenderPointer {
  readonly reportId: string;
  readonly receivedAt: string;
  readonly previousReportId?: string;
}

/** The pointer kept changing under us: another delivery of the same sender is being linked. */
export class LinkContentionError extends Error {
  override readonly name = 'LinkContentionError';
}

const LINK_ATTEMPTS = 5;
const BATCH_GET_MAX_KEYS = 100;

/**
 * Reports in the single DynamoDB table, with single-item conditional writes only (no transactions:
 * dynalite has none). Each write sequence is ordered so that a crash at any point leaves a state
 * that repeating the same call completes:
 *
 * - create: a conditional put on `attribute_not_exists(pk)`; the SES message id is the key, so a
 *   second delivery finds the first record.
 * - linkResubmission: (1) compare-and-swap the sender's `LATEST` pointer to this report when it is
 *   newer, remembering the displaced one; (2) mark the displaced report superseded (or this one,
 *   when the pointer holds a newer report); (3) sweep the sender's older reports that are still
 *   current, left by an attempt that stopped between (1) and (2). Every step is idempotent.
 * - acknowledgment: a conditional claim (status pending/failed, no live lease) before the send,
 *   then the outcome; `sent` is final, so a retry after a successful send never sends again.
 */
export class DynamoReportRepository implements ReportRepository {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(id: string): Promise<ReportRecord | null> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: reportKey(id), ConsistentRead: true }));
    return (Item as ReportRecord | undefined) ?? null;
  }

  async missing(ids: readonly string[]): Promise<string[]> {
    const found = new Set<string>();
    for (let start = 0; start < ids.length; start += BATCH_GET_MAX_KEYS) {
      let keys: Record<string, NativeAttributeValue>[] | undefined = [...new Set(ids.slice(start, start + BATCH_GET_MAX_KEYS))].map(reportKey);
      while (keys && keys.length > 0) {
        const response: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ProjectionExpression: '#id', ExpressionAttributeNames: { '#id': 'id' }, ConsistentRead: true } } }),
        );
        for (const item of response.Responses?.[this.tableName] ?? []) found.add(String(item.id));
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return ids.filter((id) => !found.has(id));
  }

  async create(record: ReportRecord): Promise<{ record: ReportRecord; created: boolean }> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { record, created: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.get(record.id);
      if (!existing) throw new Error(`Report ${record.id} exists and cannot be read back`, { cause: error });
      return { record: existing, created: false };
    }
  }

  async linkResubmission(record: ReportRecord): Promise<void> {
    const pointerKey = senderPointerKey(record.callId, senderOf(record));
    let current: string | null = null;
    let displaced: string | undefined;
    for (let attempt = 0; attempt < LINK_ATTEMPTS && current === null; attempt += 1) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: pointerKey, ConsistentRead: true }));
      const pointer = Item as SenderPointer | undefined;
      if (pointer?.reportId === record.id) {
        [current, displaced] = [record.id, pointer.previousReportId];
      } else if (pointer && isNewer({ id: pointer.reportId, receivedAt: pointer.receivedAt }, record)) {
        current = pointer.reportId;
      } else {
        const next: SenderPointer = { reportId: record.id, receivedAt: record.receivedAt, ...(pointer ? { previousReportId: pointer.reportId } : {}) };
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...pointerKey, ...next },
              ...(pointer
                ? { ConditionExpression: 'reportId = :seen', ExpressionAttributeValues: { ':seen': pointer.reportId } }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            }),
          );
          [current, displaced] = [record.id, pointer?.reportId];
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
    }
    if (current === null) throw new LinkContentionError(`The latest-report pointer of ${pointerKey.pk} kept changing`);

    if (current !== record.id) {
      await this.supersede(record.id, current);
      return;
    }
    const older = new Set(displaced ? [displaced] : []);
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: INDEXES.bySender.name,
        KeyConditionExpression: 'callSender = :sender AND receivedAt <= :receivedAt',
        FilterExpression: 'attribute_exists(currentCall)',
        ProjectionExpression: '#id, receivedAt',
        ExpressionAttributeNames: { '#id': 'id' },
        ExpressionAttributeValues: { ':sender': record.callSender, ':receivedAt': record.receivedAt },
      },
    );
    for await (const page of pages) {
      for (const item of (page.Items ?? []) as { id: string; receivedAt: string }[]) {
        if (isNewer(record, item)) older.add(item.id);
      }
    }
    for (const id of older) await this.supersede(id, record.id);
  }

  async claimAcknowledgment(id: string, now: Date, leaseMs: number): Promise<AckClaim> {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reportKey(id),
          UpdateExpression: 'SET #ack.leaseUntil = :leaseUntil ADD #ack.attempts :one',
          ConditionExpression:
            '#ack.#status IN (:pending, :failed) AND attribute_not_exists(#ack.permanent) AND (attribute_not_exists(#ack.leaseUntil) OR #ack.leaseUntil < :now)',
          ExpressionAttributeNames: { '#ack': 'ack', '#status': 'status' },
          ExpressionAttributeValues: { ':leaseUntil': leaseUntil, ':one': 1, ':pending': 'pending', ':failed': 'failed', ':now': now.toISOString() },
        }),
      );
      return { kind: 'claimed', leaseUntil };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const record = await this.get(id);
      if (!record) throw new Error(`No report ${id} to acknowledge`, { cause: error });
      return ackSettled(record.ack) ? { kind: 'settled', ack: record.ack } : { kind: 'busy' };
    }
  }

  async countAcknowledgment(sender: string, now: Date, max: number): Promise<boolean> {
    const hourEnd = Math.ceil((now.getTime() + 1) / 3_600_000) * 3_600;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rateKey(sender, now),
          UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count', '#expiresAt': EXPIRY_ATTRIBUTE },
          // A day after the hour, the table's TTL deletes the counter.
          ExpressionAttributeValues: { ':one': 1, ':max': max, ':expiresAt': hourEnd + 86_400 },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async settleAcknowledgment(id: string, leaseUntil: string, outcome: AckOutcome): Promise<AckState> {
    const names = { '#ack': 'ack', '#status': 'status' };
    const update = ((): { set: string[]; remove: string[]; values: Record<string, NativeAttributeValue> } => {
      switch (outcome.status) {
        case 'sent':
          return {
            set: ['#ack.#status = :status', '#ack.sentAt = :sentAt', '#ack.messageId = :messageId'],
            remove: ['#ack.leaseUntil', '#ack.lastError', '#ack.permanent'],
            values: { ':status': 'sent', ':sentAt': outcome.sentAt, ':messageId': outcome.messageId },
          };
        case 'failed':
          return {
            set: ['#ack.#status = :status', '#ack.lastError = :lastError', ...(outcome.permanent ? ['#ack.permanent = :permanent'] : [])],
            remove: ['#ack.leaseUntil'],
            values: { ':status': 'failed', ':lastError': outcome.lastError, ...(outcome.permanent ? { ':permanent': true } : {}) },
          };
        case 'skipped':
          return {
            set: ['#ack.#status = :status', '#ack.reason = :reason'],
            remove: ['#ack.leaseUntil'],
            values: { ':status': 'skipped', ':reason': outcome.reason },
          };
      }
    })();
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reportKey(id),
          UpdateExpression: `SET ${update.set.join(', ')} REMOVE ${update.remove.join(', ')}`,
          // A send that went out is recorded whatever happened to the lease; other outcomes only by
          // the holder of the lease, so that they never overwrite another attempt's `sent`.
          ConditionExpression: outcome.status === 'sent' ? 'attribute_exists(pk)' : '#ack.leaseUntil = :leaseUntil',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...update.values, ...(outcome.status === 'sent' ? {} : { ':leaseUntil': leaseUntil }) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (Attributes as ReportRecord).ack;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const record = await this.get(id);
      if (!record) throw new Error(`No report ${id} to settle`, { cause: error });
      return record.ack;
    }
  }

  async *unsettledAcknowledgments(callId: string, since: Date): AsyncIterable<ReportRecord> {
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: INDEXES.byCall.name,
        KeyConditionExpression: 'callId = :callId AND receivedAt >= :since',
        FilterExpression: '#ack.#status IN (:pending, :failed) AND attribute_not_exists(#ack.permanent)',
        ExpressionAttributeNames: { '#ack': 'ack', '#status': 'status' },
        ExpressionAttributeValues: { ':callId': callId, ':since': since.toISOString(), ':pending': 'pending', ':failed': 'failed' },
      },
    );
    for await (const page of pages) yield* (page.Items ?? []) as ReportRecord[];
  }

  /** Marks `id` superseded by the newer `by`; a report that is gone is left alone. */
  private async supersede(id: string, by: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reportKey(id),
          UpdateExpression: 'SET supersededBy = :by REMOVE currentCall',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':by': by },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
