/** .txt and .html: bytes → characters (BOM, declared charset, UTF-8, UTF-16, else windows-1252), HTML → visible text. */
import iconv from 'iconv-lite';
import { UnreadableDocument } from './limits.ts';

/** Decodes text bytes; `declaredCharset` comes from the MIME type or an HTML meta tag. */
export function decodeTextBytes(bytes: Uint8Array, declaredCharset: string | null): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return buffer.toString('utf8', 3);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(buffer.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(buffer.subarray(2), 'utf-16be');

  const charset = declaredCharset?.trim().toLowerCase();
  // "us-ascii" is what many mailers declare by default, even for UTF-8 text.
  if (charset && !/^(us-)?ascii$/.test(charset) && iconv.encodingExists(charset)) return iconv.decode(buffer, charset);
  if (isUtf8(bytes)) return buffer.toString('utf8');
  const utf16 = guessUtf16(bytes);
  if (utf16) return iconv.decode(buffer, utf16);
  return iconv.decode(buffer, 'windows-1252');
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** UTF-16 without a BOM: mostly Latin text, so every other byte is zero. */
function guessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const sample = bytes.subarray(0, 4096 - (Math.min(bytes.length, 4096) % 2));
  let evenZeros = 0;
  let oddZeros = 0;
  for (let at = 0; at < sample.length; at++) {
    if (sample[at] === 0) {
      if (at % 2 === 0) evenZeros++;
      else oddZeros++;
    }
  }
  const pairs = sample.length / 2;
  if (pairs === 0) return null;
  if (oddZeros / pairs > 0.3 && evenZeros / pairs < 0.05) return 'utf-16le';
  if (evenZeros / pairs > 0.3 && oddZeros / pairs < 0.05) return 'utf-16be';
  return null;
}

/** Control characters other than tab, line breaks and form feed do not occur in text; binary junk is full of them. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 64 * 1024);
  const controls = sample.match(/[^\P{Cc}\t\n\r\f]/gu)?.length ?? 0;
  return sample.includes('\u0000') || controls > sample.length * 0.01;
}

export function plainTextToText(bytes: Uint8Array, charset: string | null): string {
  const text = decodeTextBytes(bytes, charset);
  if (looksBinary(text)) throw new UnreadableDocument('the .txt file is not plain text');
  return text;
}

/** <meta charset="…"> or <meta http-equiv="Content-Type" content="…; charset=…"> near the top of the page. */
function metaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 2048)).toString('latin1');
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ?? null;
}

let convertHtml: Promise<(html: string) => string> | undefined;

/** html-to-text, loaded on the first HTML document and compiled once. */
export function loadHtmlConverter(): Promise<(html: string) => string> {
  convertHtml ??= import('html-to-text').then(({ compile }) =>
    compile({
      wordwrap: false,
      // Hostile nesting (thousands of levels) is cut off rather than walked recursively.
      limits: { maxDepth: 300 },
      selectors: [
        { selector: 'img', format: 'skip' },
        // Link targets stay out of the text (a visible URL is text and stays); the caller reads links from the HTML.
        { selector: 'a', options: { ignoreHref: true } },
        ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
      ],
    }),
  );
  return convertHtml;
}

/** The visible text of HTML markup. */
export async function htmlMarkupToText(html: string): Promise<string> {
  const convert = await loadHtmlConverter();
  return convert(html);
}

export async function htmlToText(bytes: Uint8Array, charset: string | null): Promise<string> {
  const html = decodeTextBytes(bytes, charset ?? metaCharset(bytes));
  if (looksBinary(html)) throw new UnreadableDocument('the .html file is not a web page');
  return htmlMarkupToText(html);
}
