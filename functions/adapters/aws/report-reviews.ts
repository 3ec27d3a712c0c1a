/**
 * A staff decision on a report: it overrides the automatic status and is appended to the report's
 * history with who, when and why, so every earlier decision stays readable.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reportKey, type HistoryEntry, type ReportRecord } from '#core/record.ts';
import type { Status } from '#core/types.ts';

export type ReviewStatus = Extract<Status, 'accepted' | 'needs_revision'>;

export interface Review {
  readonly id: string;
  /** The report's call: `callStatus` (the byStatus index) is `<callId>#<status>`. */
  readonly callId: string;
  readonly status: ReviewStatus;
  readonly note: string;
  readonly by: string;
  readonly at: Date;
  /**
   * Put the report back among its sender's reports (`currentCall`), as intake does for every
   * submission: for a message that was ignored (a false spam or authentication verdict) and is now
   * judged a report. The caller then links it with its sender's other reports.
   */
  readonly makeCurrent?: boolean;
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
 * Sets the status and appends the review to the history in one conditional UpdateItem: two staff
 * reviewing at once both land in the history (list_append is applied on the stored list), and a
 * review never creates a stub item for an id that does not exist.
 */
export async function recordReview(doc: DynamoDBDocumentClient, tableName: string, review: Review): Promise<ReportRecord> {
  const entry: HistoryEntry = { at: review.at.toISOString(), by: review.by, status: review.status, note: review.note };
  try {
    const result = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: reportKey(review.id),
        UpdateExpression: `SET #status = :status, #callStatus = :callStatus, #history = list_append(if_not_exists(#history, :none), :entry)${
          review.makeCurrent ? ', #currentCall = :callId' : ''
        }`,
        ConditionExpression: 'attribute_exists(#pk) AND #callId = :callId',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#status': 'status',
          '#callStatus': 'callStatus',
          '#callId': 'callId',
          '#history': 'history',
          ...(review.makeCurrent ? { '#currentCall': 'currentCall' } : {}),
        },
        ExpressionAttributeValues: {
          ':status': review.status,
          ':callStatus': `${review.callId}#${review.status}`,
          ':callId': review.callId,
          ':entry': [entry],
          ':none': [],
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as ReportRecord;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ReportNotFoundError(review.id, { cause: error });
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
