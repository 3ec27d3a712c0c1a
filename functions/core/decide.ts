/**
 * From the facts found in a message to the decision: which problems the sender must act on,
 * each with an English message that says what to do, and the resulting status.
 */
import { deadlineLabel, isLate, severityOf, type CallProfile } from './call-profile.ts';
import type { ActionLine, IgnoreReason, Problem, ReportProblemCode, Status } from './types.ts';
import type { RequiredParts } from './analysis/parts.ts';

/** What was found where the report should be. */
export type ReportFinding =
  | { readonly kind: 'text'; readonly wordCount: number; readonly actionLines: readonly ActionLine[]; readonly links: readonly string[]; readonly parts: RequiredParts }
  | { readonly kind: 'empty'; readonly unreadableMessage: string | null }
  | { readonly kind: 'unreadable_attachment'; readonly filename: string; readonly reason: string };

export interface DecisionFacts {
  readonly ignoreReasons: readonly IgnoreReason[];
  readonly report: ReportFinding;
  readonly receivedAt: Date;
}

const IGNORE_MESSAGES: Record<IgnoreReason, string> = {
  auto_reply: 'This message is an automatic reply, not a report; it is recorded and not answered.',
  bounce: 'This message is a delivery or status report from a mail system, not a report; it is recorded and not answered.',
  mailing_list: 'This message comes from a mailing list or bulk sender, not from a reporting library; it is recorded and not answered.',
  spam: 'The receiving mail service marked this message as spam; it is recorded and not answered.',
  virus: 'The receiving mail service found a virus in this message; it is recorded and not answered.',
  unauthenticated:
    "This message failed sender authentication (DMARC, or both SPF and DKIM), so it may not come from the address it shows; it is recorded and not answered. Send the report from your organization's own mail server.",
};

const ATTACHMENT_FORMATS = '.docx, .pdf, .odt, .rtf or .txt';

function reportProblemMessages(profile: CallProfile, facts: DecisionFacts): Partial<Record<ReportProblemCode, string>> {
  const { report } = facts;
  const limit = profile.wordLimit;
  if (report.kind === 'empty') {
    const why = report.unreadableMessage ? `We could not read your message: ${report.unreadableMessage}. ` : 'We found no report text in your message. ';
    return { empty_report: `${why}Write the report (at most ${limit} words) in the body of the email, or attach it as ${ATTACHMENT_FORMATS}.` };
  }
  if (report.kind === 'unreadable_attachment') {
    return {
      unreadable_attachment: `We could not read the attached file "${report.filename}": ${report.reason}. Attach the report again as ${ATTACHMENT_FORMATS}, or paste it into the body of the email.`,
    };
  }
  const found: Partial<Record<ReportProblemCode, string>> = {};
  if (report.wordCount === 0) {
    found.empty_report = `We found no report text in your message. Write the report (at most ${limit} words) in the body of the email, or attach it as ${ATTACHMENT_FORMATS}.`;
    return found;
  }
  if (report.wordCount > limit) {
    found.too_long = `The report has ${report.wordCount} words; the limit is ${limit}. Shorten it by ${report.wordCount - limit} word${report.wordCount - limit === 1 ? '' : 's'} and send it again.`;
  }
  if (report.actionLines.length === 0) {
    found.no_action_line =
      'The report does not name a WSIS Action Line. Say which Action Lines (C1 to C11, for example "C3 Access to information and knowledge") your library contributed to, and why.';
  }
  if (report.links.length === 0) {
    found.no_link = 'The report has no link. Add links (https://…) to your key outputs: documents, projects or campaigns.';
  }
  if (!report.parts.achievements) {
    found.missing_achievements = 'We could not find your local achievements. Add a sentence or a heading such as "Achievements".';
  }
  if (!report.parts.obstacles) {
    found.missing_obstacles = 'We could not find the trends and obstacles you see. Add a sentence or a heading such as "Trends and obstacles".';
  }
  if (!report.parts.futureActions) {
    found.missing_future_actions =
      'We could not find your planned future actions at regional or international level. Add a sentence or a heading such as "Future actions".';
  }
  if (isLate(profile, facts.receivedAt)) {
    found.late = `The report arrived on ${facts.receivedAt.toISOString().slice(0, 10)}, after the deadline (${deadlineLabel(profile, 'en')}). It is recorded; the editors decide whether it can still be included.`;
  }
  return found;
}

/** The decision: status and problems, in a stable order (errors first, then warnings). */
export function decide(profile: CallProfile, facts: DecisionFacts): { status: Status; problems: Problem[] } {
  if (facts.ignoreReasons.length > 0) {
    return {
      status: 'ignored',
      problems: facts.ignoreReasons.map((code) => ({ code, severity: 'error', message: IGNORE_MESSAGES[code] })),
    };
  }
  const problems: Problem[] = [];
  for (const [code, message] of Object.entries(reportProblemMessages(profile, facts)) as [ReportProblemCode, string][]) {
    const severity = severityOf(profile, code);
    if (severity) problems.push({ code, severity, message });
  }
  problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return { status: problems.some((p) => p.severity === 'error') ? 'needs_revision' : 'accepted', problems };
}
