/**
 * The one module that knows mailparser: raw RFC 5322 bytes in, plain `MailMessage` out.
 * mailparser is in maintenance mode; keeping it behind this module makes a later switch a one-file change.
 */
import { simpleParser, type AddressObject, type ParsedMail, type SimpleParserOptions, type StructuredHeader } from 'mailparser';
import type { Address, HeaderLine, MailAttachment, MailMessage } from '#core/types.ts';

/** Every message is hostile: these caps keep one message's cost bounded. */
export const MAIL_LIMITS = {
  /** SES receiving refuses larger messages; nothing bigger reaches the pipeline. */
  maxMessageBytes: 40 * 1024 * 1024,
  /** Header block of one MIME part (mailparser's own default, stated here on purpose). */
  maxHeadBytes: 1024 * 1024,
  /** MIME parts in one message. Real reports have a handful; 1,000+ is junk or an attack. */
  maxParts: 1000,
  /** HTML longer than this is not turned into text (a report is a few KB of HTML). */
  maxHtmlChars: 4 * 1024 * 1024,
} as const;

const PARSER_OPTIONS: SimpleParserOptions = {
  // We never render text as HTML nor inline images: skipping both saves most of mailparser's work.
  skipTextToHtml: true,
  // HTML is turned into text by the core (quotes skipped, hrefs kept apart), not by mailparser.
  skipHtmlToText: true,
  // Delivery-status parts stay attachments so bounces are recognised by their parts.
  keepDeliveryStatus: true,
  skipTextLinks: true,
  skipImageLinks: true,
  keepCidLinks: true,
  checksumAlgo: false,
  maxHtmlLengthToParse: MAIL_LIMITS.maxHtmlChars,
  maxHeadSize: MAIL_LIMITS.maxHeadBytes,
  maxChildNodes: MAIL_LIMITS.maxParts,
};

/**
 * Parses a raw message. A message mailparser rejects (too many parts, a header block over the cap…)
 * still yields its top-level headers, with `parseError` saying what went wrong, so it can be
 * classified and answered rather than lost.
 */
export async function parseMail(raw: Uint8Array): Promise<MailMessage> {
  const bytes = withLineFeeds(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
  if (bytes.length > MAIL_LIMITS.maxMessageBytes) {
    return headerOnly(bytes, `the message is larger than ${MAIL_LIMITS.maxMessageBytes / 1024 / 1024} MB`);
  }
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(bytes, PARSER_OPTIONS);
  } catch (error) {
    return headerOnly(bytes, describeParseError(error));
  }
  return toMailMessage(parsed, headerLinesOf(parsed), null);
}

/**
 * Messages saved by classic Mac OS tools end lines with a bare CR, which no MIME parser splits on;
 * when the head holds CRs and no LF at all, CR becomes CRLF.
 */
function withLineFeeds(bytes: Buffer): Buffer {
  const head = bytes.subarray(0, 64 * 1024);
  if (head.includes(0x0a) || !head.includes(0x0d)) return bytes;
  return Buffer.from(bytes.toString('latin1').replace(/\r/g, '\r\n'), 'latin1');
}

function describeParseError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/child nodes|too many/i.test(text)) return `the message has more than ${MAIL_LIMITS.maxParts} MIME parts`;
  if (/head(er)? size|maximum header/i.test(text)) return 'the message has an oversized header block';
  return 'the message structure is damaged';
}

/** Fallback: the top-level header block alone (bounded by the head cap), parsed on its own. */
async function headerOnly(bytes: Buffer, reason: string): Promise<MailMessage> {
  const end = headerBlockEnd(bytes, MAIL_LIMITS.maxHeadBytes);
  try {
    const parsed = await simpleParser(Buffer.concat([bytes.subarray(0, end), Buffer.from('\r\n\r\n')]), PARSER_OPTIONS);
    return toMailMessage({ ...parsed, text: undefined, html: false, attachments: [] }, headerLinesOf(parsed), reason);
  } catch {
    return toMailMessage({ attachments: [], headers: new Map(), headerLines: [] } as unknown as ParsedMail, [], reason);
  }
}

function headerBlockEnd(bytes: Buffer, cap: number): number {
  const window = bytes.subarray(0, Math.min(bytes.length, cap));
  const crlf = window.indexOf('\r\n\r\n');
  const lf = window.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length > 0 ? Math.min(...ends) : window.length;
}

function headerLinesOf(parsed: ParsedMail): HeaderLine[] {
  return (parsed.headerLines ?? []).map(({ key, line }) => {
    const colon = line.indexOf(':');
    // Unfold: a folded line continues after CRLF + white space.
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    return { key: key.toLowerCase(), value };
  });
}

function toMailMessage(parsed: ParsedMail, headers: HeaderLine[], parseError: string | null): MailMessage {
  const contentType = parsed.headers.get('content-type');
  const structured = isStructured(contentType) ? contentType : null;
  return {
    headers,
    from: firstAddress(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject: parsed.subject ?? '',
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    references: parsed.references === undefined ? [] : [parsed.references].flat(),
    date: parsed.date instanceof Date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    text: parsed.text?.trim() ? parsed.text : null,
    html: typeof parsed.html === 'string' ? parsed.html : null,
    attachments: parsed.attachments.map(
      (a): MailAttachment => ({
        filename: a.filename ?? null,
        contentType: typeof a.contentType === 'string' ? a.contentType.toLowerCase() : 'application/octet-stream',
        contentDisposition: a.contentDisposition ?? null,
        size: a.size ?? a.content.length,
        content: a.content,
      }),
    ),
    rootContentType: (structured?.value ?? 'text/plain').toLowerCase(),
    rootContentTypeParams: structured?.params ?? {},
    parseError,
  };
}

function isStructured(value: unknown): value is StructuredHeader {
  return typeof value === 'object' && value !== null && typeof (value as StructuredHeader).value === 'string' && typeof (value as StructuredHeader).params === 'object';
}

function addresses(header: AddressObject | AddressObject[] | undefined): Address[] {
  if (!header) return [];
  const flat: Address[] = [];
  const visit = (entries: AddressObject['value']): void => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address) flat.push({ address: entry.address, name: entry.name ?? '' });
    }
  };
  for (const h of [header].flat()) visit(h.value);
  return flat;
}

/** Two From headers make `from` an array: the first one is the sender's. */
function firstAddress(header: AddressObject | AddressObject[] | undefined): Address | null {
  const first = [header ?? []].flat()[0];
  return first ? (addresses(first)[0] ?? null) : null;
}
