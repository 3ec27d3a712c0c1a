/** Plain data shared by every stage of the analysis, and the one function that orders the contract fields. */

export type Status = 'accepted' | 'needs_revision' | 'ignored';
export type Severity = 'error' | 'warning';

/** Problems the sender can act on (contract codes). */
export const REPORT_PROBLEM_CODES = [
  'empty_report',
  'too_long',
  'no_action_line',
  'no_link',
  'unreadable_attachment',
  'missing_achievements',
  'missing_obstacles',
  'missing_future_actions',
  'late',
] as const;
export type ReportProblemCode = (typeof REPORT_PROBLEM_CODES)[number];

/** Why a message is not a submission at all (contract codes; always severity "error"). */
export const IGNORE_REASONS = ['auto_reply', 'bounce', 'mailing_list', 'spam', 'virus', 'unauthenticated'] as const;
export type IgnoreReason = (typeof IGNORE_REASONS)[number];

export type ProblemCode = ReportProblemCode | IgnoreReason;

export interface Problem {
  readonly code: ProblemCode;
  readonly severity: Severity;
  /** Human-readable English, telling the sender what to do. */
  readonly message: string;
}

export type ActionLine = `C${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11}`;

/** Every WSIS Action Line, in order. */
export const ACTION_LINES: readonly ActionLine[] = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10', 'C11'];

/** SES verdict statuses (receipt.spamVerdict.status etc.). */
export type VerdictStatus = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

export interface Verdicts {
  readonly spam?: VerdictStatus;
  readonly virus?: VerdictStatus;
  readonly spf?: VerdictStatus;
  readonly dkim?: VerdictStatus;
  readonly dmarc?: VerdictStatus;
}

export interface Address {
  readonly address: string;
  readonly name: string;
}

/** One header line as it stands in the message, in order (top first). */
export interface HeaderLine {
  /** Lower-cased header name. */
  readonly key: string;
  /** Unfolded raw value (not MIME-decoded). */
  readonly value: string;
}

/** A file carried by the message, as the mail adapter hands it over. */
export interface MailAttachment {
  readonly filename: string | null;
  readonly contentType: string;
  readonly contentDisposition: string | null;
  readonly size: number;
  readonly content: Uint8Array;
}

/** What the mail adapter makes of the raw bytes: everything the core needs, nothing of mailparser. */
export interface MailMessage {
  readonly headers: readonly HeaderLine[];
  /** The first From address; null when none could be read. */
  readonly from: Address | null;
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly subject: string;
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  readonly date: Date | null;
  /** Plain-text body (decoded); null when the message has none. */
  readonly text: string | null;
  /** HTML body (decoded); null when the message has none. */
  readonly html: string | null;
  readonly attachments: readonly MailAttachment[];
  /** Lower-cased MIME type of the root part, e.g. "multipart/report". */
  readonly rootContentType: string;
  /** Root Content-Type parameters, lower-cased keys (e.g. report-type). */
  readonly rootContentTypeParams: Readonly<Record<string, string>>;
  /** Why the message could only be read in part (its body is then empty); null when it parsed. */
  readonly parseError: string | null;
}

/** Outcome of turning an attached document into text. */
export type DocumentText =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: string };

/** The contract's `process` fields (but `file`): the decision on one message, as every interface shows it. */
export interface Decision {
  readonly status: Status;
  readonly problems: readonly Problem[];
  readonly wordCount: number;
  readonly wordLimit: number;
  /** ISO 639-1, or "und". */
  readonly language: string;
  readonly actionLines: readonly ActionLine[];
  readonly links: readonly string[];
  /** "body" or "attachment:<file name>". */
  readonly source: string;
  readonly late: boolean;
  readonly country: string | null;
  readonly organization: string | null;
}

/** The contract's field order, for output that must keep it. */
export function decisionOf(d: Decision): Decision {
  return {
    status: d.status,
    problems: d.problems.map(({ code, severity, message }) => ({ code, severity, message })),
    wordCount: d.wordCount,
    wordLimit: d.wordLimit,
    language: d.language,
    actionLines: d.actionLines,
    links: d.links,
    source: d.source,
    late: d.late,
    country: d.country,
    organization: d.organization,
  };
}

/** The decision plus what storage and the acknowledgment need. */
export interface ReportAnalysis extends Decision {
  readonly callId: string;
  /** The report text that was judged (NFC), empty when none. */
  readonly reportText: string;
  /** When the message was received (SES receipt time), which decides `late`. */
  readonly receivedAt: Date;
  readonly from: Address | null;
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly subject: string;
  readonly messageId: string | null;
  readonly inReplyTo: string | null;
  readonly references: readonly string[];
  /** The sender's Date header (informational only). */
  readonly date: Date | null;
  /** Headers worth keeping with the record (lower-cased names; first occurrence). */
  readonly headers: Readonly<Record<string, string>>;
  /** Version of the analysis rules, stored with every record. */
  readonly analysisVersion: string;
}
