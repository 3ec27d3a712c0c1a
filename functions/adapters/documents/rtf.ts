/**
 * RTF → text: the visible text of the document body. A single pass with an explicit group stack
 * (no recursion); code-page bytes (\'hh) are decoded with the font's or the document's code page,
 * \uN with its \ucN fallback skipped. Destinations that are not body text are dropped.
 */
import iconv from 'iconv-lite';
import { UnreadableDocument } from './limits.ts';

const DAMAGED = 'the .rtf file is damaged';
const MAX_GROUP_DEPTH = 1_000;

/** Destinations that hold no body text (tables, metadata, pictures, field codes, page headers/footers). */
const SKIPPED_DESTINATIONS = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'objdata', 'fldinst', 'themedata', 'colorschememapping',
  'datastore', 'latentstyles', 'listtable', 'listoverridetable', 'rsidtbl', 'revtbl', 'generator', 'xmlnstbl',
  'mmathPr', 'filetbl', 'pgdsctbl', 'nonshppict', 'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl',
  'footerr', 'footerf', 'bkmkstart', 'bkmkend', 'template', 'userprops', 'docvar', 'passwordhash',
]);

const SYMBOLS: Readonly<Record<string, string>> = {
  par: '\n', line: '\n', sect: '\n', page: '\n', row: '\n', tab: '\t', cell: '\t',
  emdash: '—', endash: '–', bullet: '•', lquote: '‘', rquote: '’', ldblquote: '“', rdblquote: '”',
  emspace: ' ', enspace: ' ', qmspace: ' ',
};

/** \fcharsetN → Windows code page (0 and 1 mean "the document's ANSI code page"). */
const CHARSET_CODEPAGES: Readonly<Record<number, number>> = {
  77: 10000, 128: 932, 129: 949, 130: 1361, 134: 936, 136: 950, 161: 1253, 162: 1254, 163: 1258,
  177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874, 238: 1250, 255: 437,
};

interface Group {
  skip: boolean;
  inFontTable: boolean;
  font: number | null;
  unicodeFallbackLength: number;
}

const BACKSLASH = 0x5c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

export function looksLikeRtf(bytes: Uint8Array): boolean {
  const start = new TextDecoder('latin1').decode(bytes.subarray(0, 16)).trimStart();
  return start.startsWith('{\\rtf');
}

export function rtfToText(bytes: Uint8Array): string {
  if (!looksLikeRtf(bytes)) throw new UnreadableDocument(DAMAGED);

  const out: string[] = [];
  const pendingBytes: number[] = [];
  const fontCodepages = new Map<number, number>();
  let documentCodepage = 1252;
  let defaultFont: number | null = null;
  let tableFont = 0;
  let fallbackToSkip = 0;

  const stack: Group[] = [];
  let group: Group = { skip: false, inFontTable: false, font: null, unicodeFallbackLength: 1 };
  let groupJustOpened = false;
  let closedRoot = false;

  const flush = (): void => {
    if (pendingBytes.length === 0) return;
    const font = group.font ?? defaultFont;
    const codepage = (font === null ? undefined : fontCodepages.get(font)) ?? documentCodepage;
    out.push(iconv.decode(Buffer.from(pendingBytes), encodingFor(codepage)));
    pendingBytes.length = 0;
  };
  /** One character of text (a code-page byte or a Unicode character), unless it is a \uN fallback. */
  const emit = (byte: number | null, text: string | null): void => {
    if (fallbackToSkip > 0) {
      fallbackToSkip--;
      return;
    }
    if (group.skip) return;
    if (byte !== null) pendingBytes.push(byte);
    else if (text !== null) {
      flush();
      out.push(text);
    }
  };

  let at = 0;
  const length = bytes.length;
  while (at < length) {
    const byte = bytes[at] as number;
    if (byte === OPEN) {
      flush();
      if (stack.length >= MAX_GROUP_DEPTH) throw new UnreadableDocument(DAMAGED);
      stack.push(group);
      group = { ...group };
      groupJustOpened = true;
      fallbackToSkip = 0;
      at++;
      continue;
    }
    if (byte === CLOSE) {
      flush();
      const outer = stack.pop();
      fallbackToSkip = 0;
      at++;
      if (outer) group = outer;
      if (stack.length === 0) {
        closedRoot = true; // the document's outermost group: anything after it is not RTF
        break;
      }
      groupJustOpened = false;
      continue;
    }
    const startsGroup = groupJustOpened;
    groupJustOpened = false;

    if (byte !== BACKSLASH) {
      at++;
      if (byte === 0x0d || byte === 0x0a) continue;
      if (byte < 0x80) emit(null, String.fromCharCode(byte));
      else emit(byte, null);
      continue;
    }

    const next = bytes[at + 1];
    if (next === undefined) break;
    if (!isLetter(next)) {
      at += 2;
      switch (next) {
        case 0x27: { // \'hh: a byte in the current code page
          const value = parseInt(String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0), 16);
          at += 2;
          if (!Number.isNaN(value)) emit(value, null);
          break;
        }
        case 0x2a: // \* : an optional destination the reader may skip
          if (startsGroup) group.skip = true;
          break;
        case 0x7e: emit(null, '\u00a0'); break; // \~ non-breaking space
        case 0x5f: emit(null, '\u2011'); break; // \_ non-breaking hyphen
        case 0x2d: break; // \- optional hyphen
        case 0x0a: case 0x0d: emit(null, '\n'); break; // \<newline> = \par
        case BACKSLASH: case OPEN: case CLOSE: emit(null, String.fromCharCode(next)); break;
        default: break;
      }
      continue;
    }

    // Control word: letters, an optional signed number, and one optional space delimiter.
    let end = at + 1;
    while (end < length && end - at <= 32 && isLetter(bytes[end] as number)) end++;
    const word = String.fromCharCode(...bytes.subarray(at + 1, end));
    let parameter: number | null = null;
    let numberEnd = end;
    if (bytes[numberEnd] === 0x2d) numberEnd++;
    while (numberEnd < length && numberEnd - end <= 11 && isDigit(bytes[numberEnd] as number)) numberEnd++;
    if (numberEnd > end && isDigit(bytes[numberEnd - 1] as number)) {
      parameter = Number(String.fromCharCode(...bytes.subarray(end, numberEnd)));
      end = numberEnd;
    }
    if (bytes[end] === 0x20) end++;
    at = end;

    if (word === 'bin') {
      // Raw binary data follows; it is never text.
      at += Math.max(0, parameter ?? 0);
      continue;
    }
    if (word === 'u') {
      flush();
      const code = parameter ?? 0;
      if (!group.skip) out.push(String.fromCharCode(code < 0 ? code + 0x10000 : code));
      fallbackToSkip = group.unicodeFallbackLength;
      continue;
    }
    if (fallbackToSkip > 0) {
      fallbackToSkip--;
      continue;
    }
    flush();
    if (SKIPPED_DESTINATIONS.has(word)) {
      group.skip = true;
      if (word === 'fonttbl') group.inFontTable = true;
      continue;
    }
    switch (word) {
      case 'ansicpg': if (parameter !== null && parameter > 0) documentCodepage = parameter; break;
      case 'mac': documentCodepage = 10000; break;
      case 'pc': documentCodepage = 437; break;
      case 'pca': documentCodepage = 850; break;
      case 'deff': defaultFont = parameter; break;
      case 'uc': group.unicodeFallbackLength = Math.max(0, Math.min(parameter ?? 1, 16)); break;
      case 'f':
        if (group.inFontTable) tableFont = parameter ?? 0;
        else group.font = parameter;
        break;
      case 'fcharset': {
        const codepage = CHARSET_CODEPAGES[parameter ?? 0];
        if (group.inFontTable && codepage !== undefined) fontCodepages.set(tableFont, codepage);
        break;
      }
      case 'cpg':
        if (group.inFontTable && parameter !== null && parameter > 0) fontCodepages.set(tableFont, parameter);
        break;
      default: {
        const symbol = SYMBOLS[word];
        if (symbol !== undefined) emit(null, symbol);
      }
    }
  }
  flush();
  // A file cut short loses an unknown part of the report: better to say so than to judge half of it.
  if (!closedRoot) throw new UnreadableDocument('the .rtf file is damaged or cut short');
  return out.join('');
}

function encodingFor(codepage: number): string {
  if (codepage === 65001) return 'utf8';
  if (codepage === 10000) return 'macintosh';
  const name = `cp${codepage}`;
  return iconv.encodingExists(name) ? name : 'cp1252';
}

function isLetter(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}
