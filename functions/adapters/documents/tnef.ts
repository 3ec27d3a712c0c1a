/**
 * TNEF (winmail.dat, MS-OXTNEF) reader: the attached files and the compressed RTF body. Every length
 * is checked against the bytes at hand; attachment contents are views into the input, not copies.
 */
import iconv from 'iconv-lite';
import { decompressRtf } from './compressed-rtf.ts';

export interface TnefFile {
  readonly name: string;
  readonly contentType: string | null;
  readonly content: Uint8Array;
}

export interface TnefContents {
  readonly attachments: readonly TnefFile[];
  /**
   * The message body: body.rtf (decompressed PR_RTF_COMPRESSED, when the sender wrote rich text),
   * else body.html (PR_HTML), else body.txt (PR_BODY, as UTF-8); null when there is none.
   */
  readonly body: TnefFile | null;
}

const SIGNATURE = 0x223e9f78;
const LEVEL_ATTACHMENT = 0x02;

// Attribute ids (low 16 bits of the attribute tag).
const ATT_ATTACH_DATA = 0x800f;
const ATT_ATTACH_TITLE = 0x8010;
const ATT_ATTACH_REND_DATA = 0x9002;
const ATT_MAPI_PROPS = 0x9003;
const ATT_ATTACHMENT = 0x9005;
const ATT_OEM_CODEPAGE = 0x9007;

// MAPI property ids.
const PR_BODY = 0x1000;
const PR_RTF_COMPRESSED = 0x1009;
const PR_HTML = 0x1013;
const PR_DISPLAY_NAME = 0x3001;
const PR_ATTACH_DATA = 0x3701;
const PR_ATTACH_FILENAME = 0x3704;
const PR_ATTACH_LONG_FILENAME = 0x3707;
const PR_ATTACH_MIME_TAG = 0x370e;
const PR_MESSAGE_CODEPAGE = 0x3ffd;

// MAPI property types.
const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
const PT_OBJECT = 0x000d;
const MULTI_VALUED = 0x1000;
const FIXED_SIZES: Readonly<Record<number, number>> = {
  0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000a: 4, 0x000b: 4, 0x0014: 8, 0x0040: 8, 0x0048: 16,
};

/** The first value of each property read, as raw bytes with its type. */
type Properties = Map<number, { readonly type: number; readonly data: Uint8Array }>;

interface AttachmentDraft {
  title?: string;
  data?: Uint8Array;
  properties?: Properties;
}

export function isTnefData(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) === SIGNATURE;
}

/** Reads what it can; a stream cut short yields the parts before the cut. */
export function readTnef(bytes: Uint8Array, limits: { maxUncompressedBytes: number; maxEntries: number }): TnefContents {
  if (!isTnefData(bytes)) return { attachments: [], body: null };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const drafts: AttachmentDraft[] = [];
  let current: AttachmentDraft | null = null;
  let codepage = 1252;
  let messageProperties: Properties = new Map();

  let at = 6; // signature (4) + legacy key (2)
  while (at + 9 <= bytes.length) {
    const level = bytes[at] as number;
    const id = view.getUint32(at + 1, true) & 0xffff;
    const length = view.getUint32(at + 5, true);
    const start = at + 9;
    const end = start + length;
    if (end + 2 > bytes.length) break;
    const data = bytes.subarray(start, end);
    at = end + 2; // the checksum is not needed to read the data

    if (id === ATT_OEM_CODEPAGE && data.length >= 4) {
      codepage = view.getUint32(start, true);
    } else if (id === ATT_MAPI_PROPS && level !== LEVEL_ATTACHMENT) {
      messageProperties = readProperties(data);
    } else if (id === ATT_ATTACH_REND_DATA) {
      if (drafts.length >= limits.maxEntries) break;
      current = {};
      drafts.push(current);
    } else if (current && level === LEVEL_ATTACHMENT) {
      if (id === ATT_ATTACH_TITLE) current.title = decodeString8(data, codepage);
      else if (id === ATT_ATTACH_DATA) current.data = data;
      else if (id === ATT_ATTACHMENT) current.properties = readProperties(data);
    }
  }

  const messageCodepage = numberProperty(messageProperties, PR_MESSAGE_CODEPAGE) ?? codepage;
  const attachments: TnefFile[] = [];
  for (const [index, draft] of drafts.entries()) {
    const properties = draft.properties ?? new Map();
    const binary = properties.get(PR_ATTACH_DATA);
    const content = draft.data ?? (binary?.type === PT_BINARY ? binary.data : undefined);
    if (!content) continue; // embedded messages and OLE objects carry no file
    const name =
      stringProperty(properties, PR_ATTACH_LONG_FILENAME, messageCodepage) ??
      stringProperty(properties, PR_ATTACH_FILENAME, messageCodepage) ??
      draft.title ??
      stringProperty(properties, PR_DISPLAY_NAME, messageCodepage) ??
      `attachment-${index + 1}`;
    attachments.push({
      name: baseName(name) || `attachment-${index + 1}`,
      contentType: stringProperty(properties, PR_ATTACH_MIME_TAG, messageCodepage)?.toLowerCase() ?? null,
      content,
    });
  }
  return { attachments, body: messageBody(messageProperties, messageCodepage, limits.maxUncompressedBytes) };
}

function messageBody(properties: Properties, codepage: number, maxUncompressedBytes: number): TnefFile | null {
  const compressed = properties.get(PR_RTF_COMPRESSED);
  const rtf = compressed ? decompressRtf(compressed.data, maxUncompressedBytes) : null;
  if (rtf && rtf.length > 0) return { name: 'body.rtf', contentType: 'application/rtf', content: rtf };
  const html = properties.get(PR_HTML);
  if (html && html.data.length > 0) return { name: 'body.html', contentType: 'text/html', content: html.data };
  const text = stringProperty(properties, PR_BODY, codepage);
  if (text) return { name: 'body.txt', contentType: 'text/plain; charset=utf-8', content: new TextEncoder().encode(text) };
  return null;
}

/** A MAPI property list (MS-OXTNEF 2.1.3.4); stops at the first malformed property. */
function readProperties(data: Uint8Array): Properties {
  const properties: Properties = new Map();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 4) return properties;
  const count = view.getUint32(0, true);
  let at = 4;
  const fits = (size: number): boolean => size >= 0 && at + size <= data.length;

  for (let index = 0; index < count; index++) {
    if (!fits(4)) break;
    const type = view.getUint16(at, true);
    const id = view.getUint16(at + 2, true);
    at += 4;
    if (id >= 0x8000) {
      // Named property: GUID, kind, then a numeric id or a UTF-16 name padded to 4 bytes.
      if (!fits(20)) break;
      const kind = view.getUint32(at + 16, true);
      at += 20;
      if (!fits(4)) break;
      if (kind === 0) at += 4;
      else {
        const nameLength = view.getUint32(at, true);
        at += 4;
        if (!fits(padded(nameLength))) break;
        at += padded(nameLength);
      }
    }
    const baseType = type & ~MULTI_VALUED;
    const fixedSize = FIXED_SIZES[baseType];
    const variable = baseType === PT_STRING8 || baseType === PT_UNICODE || baseType === PT_BINARY || baseType === PT_OBJECT;
    if (fixedSize === undefined && !variable) break;
    let values = 1;
    if (type & MULTI_VALUED || variable) {
      if (!fits(4)) break;
      values = view.getUint32(at, true);
      at += 4;
    }
    let first: Uint8Array | null = null;
    for (let value = 0; value < values; value++) {
      let size = fixedSize ?? 0;
      if (variable) {
        if (!fits(4)) return properties;
        size = view.getUint32(at, true);
        at += 4;
      }
      if (!fits(padded(size))) return properties;
      first ??= data.subarray(at, at + size);
      at += padded(size);
    }
    if (first && !properties.has(id)) properties.set(id, { type: baseType, data: first });
  }
  return properties;
}

function stringProperty(properties: Properties, id: number, codepage: number): string | undefined {
  const property = properties.get(id);
  if (!property) return undefined;
  if (property.type === PT_UNICODE) return stripNul(new TextDecoder('utf-16le').decode(property.data)) || undefined;
  if (property.type === PT_STRING8) return decodeString8(property.data, codepage) || undefined;
  return undefined;
}

function numberProperty(properties: Properties, id: number): number | undefined {
  const property = properties.get(id);
  if (property?.type !== 0x0003 || property.data.length < 4) return undefined;
  return new DataView(property.data.buffer, property.data.byteOffset, 4).getUint32(0, true);
}

function decodeString8(data: Uint8Array, codepage: number): string {
  const name = codepage === 65001 ? 'utf8' : `cp${codepage}`;
  return stripNul(iconv.decode(Buffer.from(data.buffer, data.byteOffset, data.byteLength), iconv.encodingExists(name) ? name : 'cp1252'));
}

function stripNul(text: string): string {
  const nul = text.indexOf('\0');
  return (nul === -1 ? text : text.slice(0, nul)).trim();
}

/** File names are labels here, never paths: keep the last segment, without control characters. */
function baseName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? '').replace(/\p{Cc}/gu, '').trim();
}

function padded(size: number): number {
  return size + ((4 - (size % 4)) % 4);
}
