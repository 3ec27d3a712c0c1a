/**
 * The whole analysis of one message, from raw bytes to a decision. The Lambda, the local stack and
 * the CLI all call this; it does no I/O and never throws on bad input.
 */
import { parseMail } from '#adapters/mail/parse-mail.ts';
import { expandTnef, extractDocumentText, isReportDocument, isTnef } from '#adapters/documents/index.ts';
import { findActionLines } from './analysis/action-lines.ts';
import { detectLanguage, loadLanguageDetector } from './analysis/language.ts';
import { findLinks } from './analysis/links.ts';
import { findOrigin } from './analysis/origin.ts';
import { findRequiredParts } from './analysis/parts.ts';
import { countWords } from './analysis/words.ts';
import { isLate, type CallProfile } from './call-profile.ts';
import { ignoreReasons, sesReceiptFromHeaders } from './classify.ts';
import { decide, type ReportFinding } from './decide.ts';
import { COVER_NOTE_MAX_WORDS, reportFromHtml, reportFromPlainText, type BodyReport } from './report-text.ts';
import type { MailAttachment, MailMessage, ReportAnalysis, Verdicts } from './types.ts';

/** Bumped whenever a rule changes how a message is judged; stored with every record. */
export const ANALYSIS_VERSION = '1';

export interface ProcessOptions {
  readonly profile: CallProfile;
  /** SES receipt time; default: the topmost SES Received: header's date, else `now`. */
  readonly receivedAt?: Date;
  /** SES verdicts from the Lambda event; default: read from the topmost SES-added headers. */
  readonly verdicts?: Verdicts;
  readonly now?: Date;
}

/** Enclosed messages are opened this deep at most (a forward of a forward of a report). */
const MAX_ENCLOSED_DEPTH = 3;

const KEPT_HEADERS = [
  'from', 'to', 'cc', 'reply-to', 'subject', 'date', 'message-id', 'in-reply-to', 'references', 'return-path',
  'auto-submitted', 'precedence', 'list-id', 'x-ses-spam-verdict', 'x-ses-virus-verdict', 'received-spf',
  'authentication-results', 'content-type', 'user-agent', 'x-mailer',
];

type Candidate = { readonly name: string; readonly text: () => Promise<{ ok: true; report: BodyReport } | { ok: false; reason: string }> };

interface Located {
  readonly body: BodyReport;
  readonly source: string;
  readonly finding: 'text' | 'empty' | { filename: string; reason: string };
}

const EMPTY_BODY: BodyReport = { text: '', signature: '', linkText: '' };

function bodyOf(message: MailMessage): BodyReport {
  if (message.text) return reportFromPlainText(message.text);
  if (message.html) return reportFromHtml(message.html);
  return EMPTY_BODY;
}

interface Enclosures {
  /** Attached documents and forwarded messages that may hold the report, in message order. */
  readonly candidates: Candidate[];
  /** Outlook's rich-text body, carried inside winmail.dat when the MIME body is empty or plain. */
  readonly tnefBody: MailAttachment | null;
}

async function enclosuresOf(message: MailMessage, depth: number): Promise<Enclosures> {
  const candidates: Candidate[] = [];
  let tnefBody: MailAttachment | null = null;
  const documentCandidate = (attachment: MailAttachment): Candidate => ({
    name: attachment.filename ?? 'attachment',
    text: async () => {
      const result = await extractDocumentText(attachment);
      return result.ok ? { ok: true, report: reportFromPlainText(result.text) } : { ok: false, reason: result.reason };
    },
  });
  for (const attachment of message.attachments) {
    if (isReportDocument(attachment)) {
      candidates.push(documentCandidate(attachment));
    } else if (isTnef(attachment)) {
      for (const inner of await expandTnef(attachment)) {
        if (inner.contentDisposition === 'inline') tnefBody ??= inner;
        else if (isReportDocument(inner)) candidates.push(documentCandidate(inner));
      }
    } else if (attachment.contentType === 'message/rfc822' && depth < MAX_ENCLOSED_DEPTH) {
      const enclosed = await parseMail(attachment.content);
      const located = await locateReport(enclosed, depth + 1);
      candidates.push({
        name: attachment.filename ?? (enclosed.subject || 'forwarded message'),
        text: async () =>
          located.finding === 'text'
            ? { ok: true, report: located.body }
            : { ok: false, reason: located.finding === 'empty' ? 'the forwarded message holds no report text' : located.finding.reason },
      });
    }
  }
  return { candidates, tnefBody };
}

/**
 * Where the report is: the body, unless the body is only a cover note next to an attached document
 * or a forwarded message, in which case the first readable one of those.
 */
async function locateReport(message: MailMessage, depth: number): Promise<Located> {
  const { candidates, tnefBody } = await enclosuresOf(message, depth);
  let body = bodyOf(message);
  if (countWords(body.text) === 0 && tnefBody) {
    const rich = await extractDocumentText(tnefBody);
    if (rich.ok) body = reportFromPlainText(rich.text);
  }
  const bodyWords = countWords(body.text);
  const isCoverNote = (): boolean =>
    bodyWords < COVER_NOTE_MAX_WORDS || (findActionLines(body.text).length === 0 && findLinks(body.linkText).length === 0);
  if (candidates.length === 0 || !isCoverNote()) {
    return { body, source: 'body', finding: bodyWords > 0 ? 'text' : 'empty' };
  }
  let firstFailure: { filename: string; reason: string } | null = null;
  for (const candidate of candidates) {
    const result = await candidate.text();
    if (result.ok && countWords(result.report.text) > 0) {
      const signature = result.report.signature || body.signature;
      return { body: { ...result.report, signature }, source: `attachment:${candidate.name}`, finding: 'text' };
    }
    firstFailure ??= { filename: candidate.name, reason: result.ok ? 'the file holds no text' : result.reason };
  }
  // Nothing attached could be read: a real body still counts; a bare cover note cannot be judged.
  if (bodyWords >= COVER_NOTE_MAX_WORDS) return { body, source: 'body', finding: 'text' };
  return { body: EMPTY_BODY, source: `attachment:${firstFailure?.filename ?? 'attachment'}`, finding: firstFailure ?? 'empty' };
}

function keptHeaders(message: MailMessage): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const { key, value } of message.headers) if (KEPT_HEADERS.includes(key) && !(key in kept)) kept[key] = value.slice(0, 2000);
  return kept;
}

export async function processMessage(raw: Uint8Array, options: ProcessOptions): Promise<ReportAnalysis> {
  const { profile } = options;
  const message = await parseMail(raw);
  const ses = sesReceiptFromHeaders(message.headers);
  const verdicts = options.verdicts ?? ses?.verdicts ?? {};
  const receivedAt = options.receivedAt ?? ses?.receivedAt ?? options.now ?? new Date();
  const reasons = ignoreReasons(message, verdicts);

  // An ignored message is not judged: its body is kept for the record, its attachments are not opened.
  const located: Located =
    reasons.length > 0
      ? { body: bodyOf(message), source: 'body', finding: 'text' }
      : message.parseError
        ? { body: EMPTY_BODY, source: 'body', finding: 'empty' }
        : await locateReport(message, 0);
  const { text, signature, linkText } = located.body;

  const wordCount = countWords(text);
  const actionLines = findActionLines(text);
  const links = findLinks(linkText);
  const origin = findOrigin({ reportText: text, signature, fromAddress: message.from?.address ?? null, fromName: message.from?.name ?? null });
  const finding: ReportFinding =
    located.finding === 'text'
      ? { kind: 'text', wordCount, actionLines, links, parts: findRequiredParts(text) }
      : located.finding === 'empty'
        ? { kind: 'empty', unreadableMessage: message.parseError }
        : { kind: 'unreadable_attachment', ...located.finding };
  const { status, problems } = decide(profile, { ignoreReasons: reasons, report: finding, receivedAt });
  // The language data loads once, on the first message that has text.
  if (wordCount > 0) await loadLanguageDetector();

  return {
    status,
    problems,
    wordCount,
    wordLimit: profile.wordLimit,
    language: wordCount > 0 ? detectLanguage(text) : 'und',
    actionLines,
    links,
    source: located.source,
    late: isLate(profile, receivedAt),
    country: origin.country,
    organization: origin.organization,
    callId: profile.id,
    reportText: text,
    receivedAt,
    from: message.from,
    to: message.to,
    cc: message.cc,
    subject: message.subject,
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    references: message.references,
    date: message.date,
    headers: keptHeaders(message),
    analysisVersion: ANALYSIS_VERSION,
  };
}
