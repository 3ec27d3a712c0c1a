/**
 * From a message body to the report the sender wrote: quoted replies and the signature are cut,
 * a forwarded report is taken from under its cover note, HTML becomes text with its links kept apart.
 */
import { htmlToText, type FormatCallback } from 'html-to-text';
import { countWords } from './analysis/words.ts';

export interface BodyReport {
  /** The sender's own text (NFC), without quotes or signature. */
  readonly text: string;
  /** The signature block (after the "-- " line), kept for telling the organization and country. */
  readonly signature: string;
  /** `text` with the target of each HTML link written after it, for finding links in reading order. */
  readonly linkText: string;
}

/** A body shorter than this, next to an attached document or a forwarded message, is a cover note. */
export const COVER_NOTE_MAX_WORDS = 60;

// A line that opens a quoted reply ends with the client's verb ("On … wrote:", "Le … a écrit :"…).
const REPLY_VERB_END = /(?:\bwrote|\ba écrit ?|\bescribió|\bđã viết|\bda viet|\bschrieb\b[^:]{0,60}|\bescreveu|\bнаписала?|كتب|写道)\s*[:：]\s*$/iu;
// …and starts with the client's opener; without one, a quoted line must follow to be sure.
const REPLY_OPENER = /^\s*(?:On|Le|El|Vào|Vao|Am|Em|在)\s/iu;
// Separators mail clients put above an enclosed original or forwarded message.
const ORIGINAL_SEPARATOR =
  /^\s*-{2,}\s*(?:Original Message|Message d'origine|Mensaje original|Mensagem original|Ursprüngliche Nachricht|Исходное сообщение|Thư gốc)\s*-{2,}\s*$/iu;
const FORWARD_SEPARATOR =
  /^\s*(?:-{2,}\s*(?:Forwarded message|Message transféré|Mensaje reenviado|Mensagem encaminhada|Weitergeleitete Nachricht|Пересылаемое сообщение|Thư chuyển tiếp|Tin nhắn được chuyển tiếp)\s*-{2,}|Begin forwarded message:|Début du message réexpédié :|Inicio del mensaje reenviado:)\s*$/iu;
// Outlook's enclosed header block: "From: …" then "Sent: …" (or localized) within a few lines.
const OUTLOOK_FROM = /^\s*(?:\*\s*)?(?:From|De|Von|Từ|От|Da|发件人)\s*:\s*\S/iu;
const OUTLOOK_SENT = /^\s*(?:\*\s*)?(?:Sent|Date|Envoyé|Enviado(?: el)?|Fecha|Gesendet|Đã gửi|Ngày|Отправлено|Дата|Inviato|发送时间|日期)\s*:/iu;
const HEADER_FIELD = /^\s*(?:\*\s*)?[\p{L}][\p{L} -]{0,24}\s*:\s*/u;
const SIGNATURE_DELIMITER = /^-- ?$/;
const UNDERSCORE_RULE = /^_{20,}\s*$/;

type Cut = { readonly index: number; readonly forward: boolean };

const nextNonEmpty = (lines: readonly string[], from: number): string => lines.slice(from, from + 3).find((l) => l.trim() !== '') ?? '';

function isReplyHeader(line: string, following: string): boolean {
  const end = line.trimEnd();
  if (!end.endsWith(':') && !end.endsWith('：')) return false;
  return REPLY_VERB_END.test(end.slice(-120)) && (REPLY_OPENER.test(line) || /^\s*>/.test(following));
}

/** Finds where the sender's own text ends: the first quote opener, original or forward marker. */
function findCut(lines: readonly string[]): Cut | null {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    // Cheap guards first: every marker holds a colon or starts with a dash, underscore or letter run.
    const hasColon = line.includes(':') || line.includes('：');
    if (/^\s*[-_]/.test(line) || (hasColon && line.length < 120)) {
      if (FORWARD_SEPARATOR.test(line)) return { index: i, forward: true };
      if (ORIGINAL_SEPARATOR.test(line)) return { index: i, forward: false };
      if (UNDERSCORE_RULE.test(line) && OUTLOOK_FROM.test(lines[i + 1] ?? '')) return { index: i, forward: false };
      if (OUTLOOK_FROM.test(line) && lines.slice(i + 1, i + 5).some((l) => OUTLOOK_SENT.test(l))) {
        return { index: i, forward: false };
      }
    }
    if (hasColon && isReplyHeader(line, nextNonEmpty(lines, i + 1))) return { index: i, forward: false };
    // Gmail wraps long "On … wrote:" lines in two.
    const next = lines[i + 1] ?? '';
    if (REPLY_OPENER.test(line) && (next.includes(':') || next.includes('：')) && isReplyHeader(`${line} ${next}`, nextNonEmpty(lines, i + 2))) {
      return { index: i, forward: false };
    }
  }
  return null;
}

/** Drops the header lines (From:, Sent:, Subject:…) that open an enclosed message. */
function skipEnclosedHeaders(lines: readonly string[]): string[] {
  let i = 0;
  while (i < lines.length && (lines[i]?.trim() === '' || ORIGINAL_SEPARATOR.test(lines[i] ?? '') || FORWARD_SEPARATOR.test(lines[i] ?? '') || UNDERSCORE_RULE.test(lines[i] ?? ''))) i++;
  while (i < lines.length && HEADER_FIELD.test(lines[i] ?? '')) i++;
  return lines.slice(i);
}

function splitSignature(lines: readonly string[]): { body: string[]; signature: string[] } {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (SIGNATURE_DELIMITER.test(lines[i] ?? '')) return { body: lines.slice(0, i), signature: lines.slice(i + 1) };
  }
  return { body: [...lines], signature: [] };
}

const isQuoted = (line: string): boolean => /^\s*>/.test(line);

function tidy(lines: readonly string[]): string {
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** The sender's own text out of a plain-text body. */
export function reportFromPlainText(raw: string): BodyReport {
  const own = ownText(raw, 0);
  return { ...own, linkText: own.text };
}

function ownText(raw: string, depth: number): { text: string; signature: string } {
  const lines = raw.normalize('NFC').replace(/\r\n?/g, '\n').split('\n');
  const cut = findCut(lines);
  let own = cut ? lines.slice(0, cut.index) : lines;
  if (cut?.forward && depth < 3) {
    const cover = splitSignature(own.filter((l) => !isQuoted(l)));
    if (countWords(cover.body.join('\n')) < COVER_NOTE_MAX_WORDS) {
      const forwarded = ownText(skipEnclosedHeaders(lines.slice(cut.index)).join('\n'), depth + 1);
      return { text: forwarded.text, signature: forwarded.signature || tidy(cover.signature) };
    }
  }
  own = own.filter((l) => !isQuoted(l));
  const { body, signature } = splitSignature(own);
  return { text: tidy(body), signature: tidy(signature) };
}

// Each link leaves a private-use marker in the text, so that only the links of the part kept
// (not those of a quoted original) are reported.
const LINK_MARK = /\uE000(\d+)\uE001/g;

/** The sender's own text out of an HTML body: quoted blocks skipped, link targets collected. */
export function reportFromHtml(html: string): BodyReport {
  const targets: string[] = [];
  const collectLink: FormatCallback = (elem, walk, builder) => {
    walk(elem.children, builder);
    const href = elem.attribs?.href;
    if (href) builder.addInline(`\uE000${targets.push(href) - 1}\uE001`, { noWordTransform: true });
  };
  const skip = { format: 'skip' } as const;
  const text = htmlToText(html, {
    wordwrap: false,
    limits: { maxDepth: 1000, maxInputLength: 4 * 1024 * 1024 },
    formatters: { collectLink },
    selectors: [
      { selector: 'a', format: 'collectLink' },
      { selector: 'img', ...skip },
      // Quoted originals are blockquotes for Gmail, Apple Mail and Thunderbird; Outlook's header
      // block stays as text and is cut there like in plain text.
      { selector: 'blockquote', ...skip },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
      { selector: 'table', format: 'dataTable' },
    ],
  });
  const own = ownText(text, 0);
  return {
    text: own.text.replace(LINK_MARK, ''),
    signature: own.signature.replace(LINK_MARK, ''),
    linkText: own.text.replace(LINK_MARK, (_, i: string) => ` ${targets[Number(i)] ?? ''} `),
  };
}
