/**
 * A staff decision on a report: it overrides the automatic status and is appended to the report's
 * history with who, when and why, so every earlier decision stays readable.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReportRepository } from '#core/intake.ts';
import { callStatusKey, linksResubmissions, reportKey, type HistoryEntry, type ReportRecord } from '#core/record.ts';
import type { Status } from '#core/types.ts';
import { INDEXES, TABLE_KEYS } from './table-schema.ts';

export type ReviewStatus = Extract<Status, 'accepted' | 'needs_revision'>;

export interface Review {
  readonly status: ReviewStatus;
  readonly note: string;
  readonly by: string;
  readonly at: Date;
}

/** Where reviews are written, and the intake's linking of a sender's reports. */
export interface ReviewStore {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly repository: Pick<ReportRepository, 'linkResubmission'>;
}

export class ReportNotFoundError extends Error {
  override readonly name = 'ReportNotFoundError';
  constructor(
    readonly reportId: string,
    options?: ErrorOptions,
  ) {
    super(`No report ${reportId}`, options);
  }
}

/**
 * Records `review` of `record`. A message judged not a submission (a false spam or authentication
 * verdict) that staff now call one becomes its sender's current report, as intake makes every
 * submission, and is linked with the sender's other reports. Linking is idempotent and runs for
 * every current report reviewed, so repeating a review whose linking failed completes it.
 */
export async function reviewReport(store: ReviewStore, record: ReportRecord, review: Review): Promise<ReportRecord> {
  const makeCurrent = linksResubmissions({ status: review.status, from: record.from }) && record.currentCall === undefined && !record.supersededBy;
  const reviewed = await recordReview(store, record, review, makeCurrent);
  if (reviewed.currentCall !== undefined) await store.repository.linkResubmission(reviewed);
  return reviewed;
}

/**
 * Sets the status and appends the review to the history in one conditional UpdateItem: two staff
 * reviewing at once both land in the history (list_append is applied on the stored list), and a
 * review never creates a stub item for an id that does not exist. `makeCurrent` puts the report
 * among its sender's current ones (`currentCall`).
 */
async function recordReview({ doc, tableName }: ReviewStore, record: ReportRecord, review: Review, makeCurrent: boolean): Promise<ReportRecord> {
  const entry: HistoryEntry = { at: review.at.toISOString(), by: review.by, status: review.status, note: review.note };
  try {
    const result = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: reportKey(record.id),
        UpdateExpression: `SET #status = :status, #callStatus = :callStatus, #history = list_append(if_not_exists(#history, :none), :entry)${
          makeCurrent ? ', #currentCall = :callId' : ''
        }`,
        ConditionExpression: 'attribute_exists(#pk) AND #callId = :callId',
        ExpressionAttributeNames: {
          '#pk': TABLE_KEYS.partitionKey,
          '#status': 'status',
          '#callStatus': INDEXES.byStatus.partitionKey,
          '#callId': INDEXES.byCall.partitionKey,
          '#history': 'history',
          ...(makeCurrent ? { '#currentCall': INDEXES.currentByCall.partitionKey } : {}),
        },
        ExpressionAttributeValues: {
          ':status': review.status,
          ':callStatus': callStatusKey(record.callId, review.status),
          ':callId': record.callId,
          ':entry': [entry],
          ':none': [],
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as ReportRecord;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ReportNotFoundError(record.id, { cause: error });
    throw error;
  }
}

/**
 * Lets a send that failed for good (`ack.permanent`: SES refused the message or its sender) be
 * claimed again once staff have fixed the cause; the claim and the send stay the intake's.
 * False when the acknowledgment is no longer `failed` (another attempt got to it).
 */
export async function reopenFailedAcknowledgment(doc: DynamoDBDocumentClient, tableName: string, id: string): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: reportKey(id),
        UpdateExpression: 'REMOVE #ack.#permanent',
        ConditionExpression: '#ack.#status = :failed',
        ExpressionAttributeNames: { '#ack': 'ack', '#status': 'status', '#permanent': 'permanent' },
        ExpressionAttributeValues: { ':failed': 'failed' },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
