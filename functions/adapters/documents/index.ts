/**
 * Attached documents → plain text, safely: every format is read from the attachment bytes only, within
 * size, zip-entry, unpacked-size, page and time caps, and bad input becomes `{ ok: false, reason }`.
 * mammoth, pdf.js and html-to-text load only when a document of their kind arrives.
 */
import type { DocumentText, MailAttachment } from '#core/types.ts';
import { docxToText, isCompoundFile, loadMammoth } from './docx.ts';
import { Deadline, DOCUMENT_LIMITS, formatMegabytes, UnreadableDocument, type DocumentLimits } from './limits.ts';
import { odtToText } from './odt.ts';
import { loadPdfJs, pdfToText } from './pdf.ts';
import { decodeTextBytes, htmlToText, loadHtmlConverter, looksBinary, plainTextToText } from './plain-text.ts';
import { looksLikeRtf, rtfToText } from './rtf.ts';
import { readTnef } from './tnef.ts';

export { DOCUMENT_LIMITS, type DocumentLimits } from './limits.ts';

type DocumentKind = 'docx' | 'pdf' | 'odt' | 'rtf' | 'txt' | 'html' | 'doc';
type AttachmentLabel = Pick<MailAttachment, 'filename' | 'contentType'>;

const EXTENSION_KINDS: Readonly<Record<string, DocumentKind>> = {
  docx: 'docx', pdf: 'pdf', odt: 'odt', rtf: 'rtf', txt: 'txt', html: 'html', htm: 'html', doc: 'doc',
};

const MIME_KINDS: Readonly<Record<string, DocumentKind>> = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/pdf': 'pdf',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/rtf': 'rtf',
  'text/rtf': 'rtf',
  'text/plain': 'txt',
  'text/html': 'html',
  'application/msword': 'doc',
};

const KIND_MIME_TYPES = Object.fromEntries(Object.entries(MIME_KINDS).map(([type, kind]) => [kind, type]));

/** Heavy libraries, loaded on first use and before the clock starts: loading is not the document's fault. */
const LIBRARIES: Partial<Record<DocumentKind, () => Promise<unknown>>> = {
  docx: () => Promise.all([loadMammoth(), loadHtmlConverter()]),
  pdf: loadPdfJs,
  html: loadHtmlConverter,
};

const OLD_WORD = 'old Word .doc format: please send .docx, PDF or paste the text';

/** .docx .pdf .odt .rtf .txt .html/.htm, and old .doc (so that the sender can be told what to send instead). */
export function isReportDocument(attachment: AttachmentLabel): boolean {
  return documentKind(attachment) !== null;
}

/** Outlook's winmail.dat: a container whose files must be unpacked with expandTnef. */
export function isTnef(attachment: AttachmentLabel): boolean {
  const type = mimeType(attachment.contentType);
  return (
    attachment.filename?.trim().toLowerCase() === 'winmail.dat' ||
    type === 'application/ms-tnef' ||
    type === 'application/vnd.ms-tnef'
  );
}

/**
 * The files inside a TNEF attachment; the message body comes first, as body.rtf (or body.html /
 * body.txt when Outlook stored no rich text). [] when unreadable.
 */
export async function expandTnef(attachment: MailAttachment): Promise<MailAttachment[]> {
  if (attachment.content.length > DOCUMENT_LIMITS.maxBytes) return [];
  const { attachments, body } = readTnef(attachment.content, {
    maxUncompressedBytes: DOCUMENT_LIMITS.maxUncompressedBytes,
    maxEntries: DOCUMENT_LIMITS.maxZipEntries,
  });
  const files: MailAttachment[] = [];
  if (body) files.push(file(body.name, body.contentType ?? 'application/octet-stream', 'inline', body.content));
  for (const { name, contentType, content } of attachments) {
    files.push(file(name, contentType ?? contentTypeFor(name), 'attachment', content));
  }
  return files;
}

export async function extractDocumentText(attachment: MailAttachment, limits: Partial<DocumentLimits> = {}): Promise<DocumentText> {
  const caps: DocumentLimits = { ...DOCUMENT_LIMITS, ...limits };
  const { content } = attachment;
  let kind = documentKind(attachment);
  if (kind === null) return unreadable('the file is not a document that can be read: please send .docx, PDF, .odt, .rtf or .txt');
  if (content.length === 0) return unreadable('the file is empty');
  if (content.length > caps.maxBytes) return unreadable(`the file is larger than ${formatMegabytes(caps.maxBytes)}`);
  if (kind === 'doc') {
    kind = sniffDocKind(content);
    if (kind === 'doc') return unreadable(OLD_WORD);
  }

  await LIBRARIES[kind]?.();
  const deadline = new Deadline(caps.timeoutMs);
  try {
    const text = normalise(await deadline.race(extract(kind, content, charsetOf(attachment.contentType), caps, deadline)));
    return text === '' ? unreadable('the document contains no text') : { ok: true, text };
  } catch (error) {
    if (error instanceof UnreadableDocument) return unreadable(error.message);
    throw error;
  }
}

async function extract(kind: Exclude<DocumentKind, 'doc'>, content: Uint8Array, charset: string | null, limits: DocumentLimits, deadline: Deadline): Promise<string> {
  switch (kind) {
    case 'docx': return docxToText(content, limits, deadline);
    case 'pdf': return pdfToText(content, limits, deadline);
    case 'odt': return odtToText(content, limits);
    case 'rtf': return rtfToText(content);
    case 'txt': return plainTextToText(content, charset);
    case 'html': return htmlToText(content, charset);
  }
}

/** Many programs save RTF, HTML, .docx or plain text under a .doc name; only a real binary .doc is turned away. */
function sniffDocKind(content: Uint8Array): DocumentKind {
  if (isCompoundFile(content)) return 'doc';
  if (looksLikeRtf(content)) return 'rtf';
  if (content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04) return 'docx';
  const head = decodeTextBytes(content.subarray(0, 4096), null);
  if (/<html|<!doctype html/i.test(head)) return 'html';
  return looksBinary(head) ? 'doc' : 'txt';
}

function documentKind(attachment: AttachmentLabel): DocumentKind | null {
  const extension = /\.([a-z0-9]+)$/i.exec(attachment.filename?.trim() ?? '')?.[1]?.toLowerCase();
  return (extension === undefined ? undefined : EXTENSION_KINDS[extension]) ?? MIME_KINDS[mimeType(attachment.contentType)] ?? null;
}

function mimeType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function charsetOf(contentType: string): string | null {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1] ?? null;
}

function contentTypeFor(name: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  const kind = extension === undefined ? undefined : EXTENSION_KINDS[extension];
  return (kind && KIND_MIME_TYPES[kind]) ?? 'application/octet-stream';
}

function file(filename: string, contentType: string, contentDisposition: string, content: Uint8Array): MailAttachment {
  return { filename, contentType, contentDisposition, size: content.length, content };
}

/** NFC, Unix line ends, no control characters or trailing blanks, at most one blank line in a row. */
function normalise(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?|\f|\v/g, '\n')
    .replace(/[^\P{Cc}\t\n]/gu, '') // control characters other than tab and line feed
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function unreadable(reason: string): DocumentText {
  return { ok: false, reason };
}
