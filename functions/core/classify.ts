/**
 * Is this message a submission at all? Auto-replies, bounces, list traffic, spam, viruses and
 * unauthenticated senders are recorded but never judged nor answered.
 */
import type { HeaderLine, IgnoreReason, MailMessage, VerdictStatus, Verdicts } from './types.ts';

/** What SES says about a message it stored: its verdicts and when it received the message. */
export interface SesReceipt {
  readonly verdicts: Verdicts;
  readonly receivedAt: Date | null;
}

// Headers SES prepends to the stored message, above the sender's own. A copy further down was
// written by the sender and proves nothing.
const SES_PREPENDED = new Set([
  'return-path',
  'received',
  'x-ses-spam-verdict',
  'x-ses-virus-verdict',
  'received-spf',
  'authentication-results',
  'x-ses-receipt',
  'x-ses-dkim-signature',
]);
const SES_RECEIVED = /\bby inbound-smtp\.[a-z0-9-]+\.amazonaws\.com\b/i;

/** The topmost header block SES added, or null when the message did not come through SES receiving. */
function sesHeaderBlock(headers: readonly HeaderLine[]): Map<string, string> | null {
  const block = new Map<string, string>();
  let sawSesReceived = false;
  for (const { key, value } of headers) {
    if (!SES_PREPENDED.has(key)) break;
    if (key === 'received') {
      // The first Received is SES's own; the next one is the sending side's trace.
      if (sawSesReceived || !SES_RECEIVED.test(value)) break;
      sawSesReceived = true;
    }
    if (!block.has(key)) block.set(key, value);
  }
  return sawSesReceived ? block : null;
}

function verdict(value: string | undefined): VerdictStatus | undefined {
  const v = value?.trim().toUpperCase();
  return v === 'PASS' || v === 'FAIL' || v === 'GRAY' || v === 'PROCESSING_FAILED' || v === 'DISABLED' ? v : undefined;
}

/** RFC 8601 result words as SES's verdict statuses. */
function authResult(results: string, method: string): VerdictStatus | undefined {
  const match = new RegExp(`(?:^|[;\\s])${method}=([a-z]+)`, 'i').exec(results);
  switch (match?.[1]?.toLowerCase()) {
    case undefined:
      return undefined;
    case 'pass':
      return 'PASS';
    case 'fail':
    case 'permerror':
      return 'FAIL';
    case 'temperror':
      return 'PROCESSING_FAILED';
    default:
      return 'GRAY';
  }
}

/** Verdicts and receipt time from the headers SES prepended (for a stored message read back). */
export function sesReceiptFromHeaders(headers: readonly HeaderLine[]): SesReceipt | null {
  const block = sesHeaderBlock(headers);
  if (!block) return null;
  const results = block.get('authentication-results') ?? '';
  const fromSes = /^\s*amazonses\.com\s*;/i.test(results);
  const spfHeader = /^\s*([a-z]+)/i.exec(block.get('received-spf') ?? '')?.[1];
  const received = block.get('received') ?? '';
  const date = new Date(received.slice(received.lastIndexOf(';') + 1).trim());
  return {
    verdicts: {
      spam: verdict(block.get('x-ses-spam-verdict')),
      virus: verdict(block.get('x-ses-virus-verdict')),
      spf: (fromSes ? authResult(results, 'spf') : undefined) ?? (spfHeader ? authResult(`spf=${spfHeader}`, 'spf') : undefined),
      dkim: fromSes ? authResult(results, 'dkim') : undefined,
      dmarc: fromSes ? authResult(results, 'dmarc') : undefined,
    },
    receivedAt: Number.isNaN(date.getTime()) ? null : date,
  };
}

function header(message: MailMessage, key: string): string | undefined {
  return message.headers.find((h) => h.key === key)?.value;
}

// MAILER-DAEMON or postmaster as the address's local part or as the display name ("MAILER-DAEMON <>").
const AUTOMATED_SENDER = /(?:^|[\s<"'(])(?:mailer-daemon|postmaster)(?:@|[\s>"')]|$)/i;
// RFC 2369 / 2919 list headers, and the older ezmlm and majordomo ones.
const LIST_HEADERS = ['list-id', 'list-unsubscribe', 'list-post', 'list-subscribe', 'list-help', 'list-owner', 'list-archive', 'mailing-list', 'x-mailing-list'];

/** Every reason this message is not a submission, in contract order; empty for a submission. */
export function ignoreReasons(message: MailMessage, verdicts: Verdicts): IgnoreReason[] {
  const reasons: IgnoreReason[] = [];
  const has = (key: string): boolean => message.headers.some((h) => h.key === key);
  const autoSubmitted = header(message, 'auto-submitted')?.trim().split(/[\s;(]/)[0]?.toLowerCase();
  const precedence = header(message, 'precedence')?.trim().toLowerCase() ?? '';

  if ((autoSubmitted !== undefined && autoSubmitted !== 'no') || has('x-autoreply') || has('x-autorespond') || precedence === 'auto_reply') {
    reasons.push('auto_reply');
  }

  const returnPath = header(message, 'return-path')?.trim();
  const fromHeader = header(message, 'from') ?? '';
  const isReport = message.rootContentType === 'multipart/report';
  const hasStatusPart = message.attachments.some((a) => /^message\/(?:global-)?delivery-status$/.test(a.contentType));
  if (isReport || hasStatusPart || returnPath === '<>' || AUTOMATED_SENDER.test(fromHeader)) {
    reasons.push('bounce');
  }

  if (LIST_HEADERS.some(has) || ['bulk', 'list', 'junk'].includes(precedence)) {
    reasons.push('mailing_list');
  }

  if (verdicts.spam === 'FAIL') reasons.push('spam');
  if (verdicts.virus === 'FAIL') reasons.push('virus');
  if (verdicts.dmarc === 'FAIL' || (verdicts.spf === 'FAIL' && verdicts.dkim === 'FAIL')) reasons.push('unauthenticated');
  return reasons;
}
