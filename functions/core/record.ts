/**
 * The stored report: plain data, one DynamoDB item, and the key layout of the single table
 * (functions/adapters/aws/table-schema.ts declares the keys and indexes).
 *
 *   REPORT#<SES message id> / REPORT           the report (this record)
 *   SENDER#<call>#<sender>  / LATEST           which report of this sender is current (see report-repository.ts)
 *   RATE#<sender>#<hour>    / RATE             acknowledgments sent to this sender in this UTC hour
 */
import { decisionOf, type Decision, type ReportAnalysis, type Status } from './types.ts';

export type AckStatus = 'sent' | 'pending' | 'failed' | 'skipped';

/** Why no acknowledgment is sent. */
export type AckSkipReason =
  /** Not a submission (auto-reply, bounce, spam…). */
  | 'ignored'
  /** No usable From address to answer. */
  | 'no_sender'
  /** The intake address is in neither To nor Cc (Bcc'd or misrouted). */
  | 'not_addressed'
  /** The message comes from the intake or acknowledgment address itself. */
  | 'own_address'
  /** The sender already got the hourly maximum of acknowledgments (two autoresponders cannot loop). */
  | 'rate_limited';

/**
 * The acknowledgment's state machine:
 *   pending ─claim (lease)─▶ pending+leaseUntil ─▶ sent | failed | skipped(rate_limited)
 *   failed ─claim─▶ … (a retry claims again)     skipped(other reasons) is decided when stored.
 * A claim is a conditional write; `sent` and `skipped` are final, so a retry never sends twice.
 */
export interface AckState {
  readonly status: AckStatus;
  /** ISO-8601, when SES accepted the acknowledgment. */
  readonly sentAt?: string;
  /** The id SES returned: SES sends with its own Message-ID, `<messageId@email.amazonses.com>`. */
  readonly messageId?: string;
  readonly reason?: AckSkipReason;
  /** Send attempts claimed so far. */
  readonly attempts: number;
  /** The last send failure, for staff. */
  readonly lastError?: string;
  /** The last failure cannot go away by retrying (SES rejected the message): not retried automatically. */
  readonly permanent?: boolean;
  /** ISO-8601: a send is in progress until then; after it, another attempt may claim the send. */
  readonly leaseUntil?: string;
}

/** Nothing left to try automatically: sent, skipped, or refused for good (staff may resend). */
export function ackSettled(ack: AckState): boolean {
  return ack.status === 'sent' || ack.status === 'skipped' || (ack.status === 'failed' && ack.permanent === true);
}

/** One decision on the report's status: the automatic one first, staff reviews after it. */
export interface HistoryEntry {
  readonly at: string;
  /** `intake` for the automatic decision, else the staff member. */
  readonly by: string;
  readonly status: Status;
  readonly note?: string;
}

export interface ReportRecord extends Decision {
  readonly pk: string;
  readonly sk: string;
  /** The SES message id: also the raw message's name in S3. */
  readonly id: string;
  readonly callId: string;
  /** `<callId>#<status>` (index byStatus). */
  readonly callStatus: string;
  /** `<callId>#<lower-cased from address>` (index bySender). */
  readonly callSender: string;
  /** `<callId>` while this is the sender's current report (sparse index currentByCall). */
  readonly currentCall?: string;
  /** The id of the newer report from the same sender that replaces this one. */
  readonly supersededBy?: string;
  /** ISO-8601 UTC, the SES receipt time: the sort key of every index. */
  readonly receivedAt: string;


  /** The From address as written; null when the message has none. */
  readonly from: string | null;
  readonly fromName: string | null;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  /** The message's own Message-ID header (threading), not the SES id. */
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  /** The sender's Date header, ISO-8601. */
  readonly sentDate: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly reportText: string;
  /** True when reportText was cut to fit the item size limit. */
  readonly reportTextTruncated: boolean;
  /** The raw message's S3 key. */
  readonly rawKey: string;
  readonly analysisVersion: string;
  /** ISO-8601, when the record was first written. */
  readonly storedAt: string;

  readonly ack: AckState;
  readonly history: readonly HistoryEntry[];
}

/** A DynamoDB item is at most 400 KB; the report text is the only part that can come near it. */
const MAX_REPORT_TEXT_BYTES = 200_000;
const MAX_LINKS = 200;
const NO_SENDER = '(none)';

export function reportKey(id: string): { pk: string; sk: string } {
  return { pk: `REPORT#${id}`, sk: 'REPORT' };
}

/** The byStatus index's partition key. */
export function callStatusKey(callId: string, status: Status): string {
  return `${callId}#${status}`;
}

/** The bySender index's partition key; `sender` as senderOf gives it. */
export function callSenderKey(callId: string, sender: string): string {
  return `${callId}#${sender}`;
}

export function senderPointerKey(callId: string, sender: string): { pk: string; sk: string } {
  return { pk: `SENDER#${callId}#${sender}`, sk: 'LATEST' };
}

/** The rate counter for acknowledgments to `sender` during the UTC hour of `at`. */
export function rateKey(sender: string, at: Date): { pk: string; sk: string } {
  return { pk: `RATE#${sender}#${at.toISOString().slice(0, 13)}`, sk: 'RATE' };
}

/** The lower-cased sender address the record is linked by, `(none)` without one. */
export function senderOf(record: Pick<ReportRecord, 'from'>): string {
  return record.from?.toLowerCase() ?? NO_SENDER;
}

/**
 * Only submissions take part in resubmission linking: an auto-reply or a bounce from the same
 * address must not push a real report out of the current set.
 */
export function linksResubmissions(record: Pick<ReportRecord, 'status' | 'from'>): boolean {
  return record.status !== 'ignored' && record.from !== null;
}

/** Newer by receipt time, the id breaking ties so every copy of the pipeline agrees. */
export function isNewer(a: { receivedAt: string; id: string }, b: { receivedAt: string; id: string }): boolean {
  return a.receivedAt === b.receivedAt ? a.id > b.id : a.receivedAt > b.receivedAt;
}

/** Either a send to come, or why none is sent. */
export type AckDecision = { readonly send: true } | { readonly send: false; readonly reason: AckSkipReason };

export interface NewRecordInput {
  readonly id: string;
  readonly rawKey: string;
  readonly analysis: ReportAnalysis;
  readonly ack: AckDecision;
  readonly now: Date;
}

export function buildReportRecord({ id, rawKey, analysis, ack, now }: NewRecordInput): ReportRecord {
  const receivedAt = analysis.receivedAt.toISOString();
  const storedAt = now.toISOString();
  const from = analysis.from?.address ?? null;
  const text = truncateUtf8(analysis.reportText, MAX_REPORT_TEXT_BYTES);
  const draft = { status: analysis.status, from };
  return {
    ...reportKey(id),
    id,
    callId: analysis.callId,
    callStatus: callStatusKey(analysis.callId, analysis.status),
    callSender: callSenderKey(analysis.callId, senderOf({ from })),
    // Current until a newer report of the same sender is linked (report-repository.ts).
    ...(linksResubmissions(draft) ? { currentCall: analysis.callId } : {}),
    receivedAt,
    ...decisionOf(analysis),
    links: analysis.links.slice(0, MAX_LINKS),
    from,
    fromName: analysis.from?.name || null,
    to: analysis.to.map((a) => a.address),
    cc: analysis.cc.map((a) => a.address),
    subject: analysis.subject,
    messageId: analysis.messageId,
    inReplyTo: analysis.inReplyTo,
    references: analysis.references,
    sentDate: analysis.date && !Number.isNaN(analysis.date.getTime()) ? analysis.date.toISOString() : null,
    headers: analysis.headers,
    reportText: text,
    reportTextTruncated: text.length < analysis.reportText.length,
    rawKey,
    analysisVersion: analysis.analysisVersion,
    storedAt,
    ack: ack.send ? { status: 'pending', attempts: 0 } : { status: 'skipped', reason: ack.reason, attempts: 0 },
    history: [{ at: storedAt, by: 'intake', status: analysis.status }],
  };
}

/** The contract's report object (staff CLI `--json`): the `process` fields plus id, from, subject, receivedAt, ack. */
export interface ReportView extends Decision {
  readonly id: string;
  readonly from: string | null;
  readonly subject: string;
  readonly receivedAt: string;
  readonly ack: { readonly status: AckStatus; readonly sentAt?: string; readonly messageId?: string };
}

export function reportView(record: ReportRecord): ReportView {
  const { ack } = record;
  return {
    id: record.id,
    ...decisionOf(record),
    from: record.from,
    subject: record.subject,
    receivedAt: record.receivedAt,
    ack: {
      status: ack.status,
      ...(ack.sentAt ? { sentAt: ack.sentAt } : {}),
      ...(ack.messageId ? { messageId: ack.messageId } : {}),
    },
  };
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between code points. */
function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  // fatal: false drops a code point cut in half at the end.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.slice(0, maxBytes)).replace(/\uFFFD$/, '');
}
