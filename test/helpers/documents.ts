/**
 * Builders for realistic attached documents, written from scratch so that tests need no binary fixtures:
 * .docx (WordprocessingML in a zip), .pdf (hand-written objects, exact xref offsets, Helvetica with
 * WinAnsiEncoding), .odt, .rtf and TNEF (winmail.dat). Use them for document tests and for .eml fixtures.
 */
import { zipSync, zlibSync, type Zippable } from 'fflate';
import iconv from 'iconv-lite';
import type { MailAttachment } from '#core/types.ts';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const ODT_TYPE = 'application/vnd.oasis.opendocument.text';

/** A MailAttachment as the mail adapter hands it over. */
export function asAttachment(filename: string | null, contentType: string, content: Uint8Array): MailAttachment {
  return { filename, contentType, contentDisposition: 'attachment', size: content.length, content };
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------- .docx

export interface DocxOptions {
  /** An image stored in the package (word/media) and shown after the text, e.g. to reach a realistic size. */
  readonly image?: { readonly bytes: Uint8Array; readonly extension: 'png' | 'jpeg' };
  /** An image linked from outside the package (TargetMode="External"), e.g. "file:///etc/passwd". */
  readonly externalImageTarget?: string;
  /** Number of extra small parts (customXml/itemN.xml), e.g. to exceed an entry-count cap. */
  readonly extraEntries?: number;
}

const W_NAMESPACES =
  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' +
  'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" ' +
  'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ' +
  'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"';

/** "\t" in a paragraph becomes a tab, "\n" a line break. */
function docxRuns(paragraph: string): string {
  return paragraph
    .split('\n')
    .map((line) =>
      line
        .split('\t')
        .map((part) => `<w:t xml:space="preserve">${escapeXml(part)}</w:t>`)
        .join('<w:tab/>'),
    )
    .map((content) => `<w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr>${content}</w:r>`)
    .join('<w:r><w:br/></w:r>');
}

function drawing(id: number, blip: string): string {
  return (
    `<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="1905000" cy="1428750"/>` +
    `<wp:docPr id="${id}" name="Picture ${id}" descr="Project photo"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">` +
    `<pic:pic><pic:nvPicPr><pic:cNvPr id="${id}" name="Picture ${id}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>${blip}<a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
    `<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1905000" cy="1428750"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>` +
    `</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`
  );
}

export function buildDocx(paragraphs: readonly string[], options: DocxOptions = {}): Uint8Array {
  const relationships = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'];
  const drawings: string[] = [];
  const files: Zippable = {};
  if (options.image) {
    const name = `media/image1.${options.image.extension}`;
    relationships.push(`<Relationship Id="rIdImage" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="${name}"/>`);
    drawings.push(drawing(1, '<a:blip r:embed="rIdImage"/>'));
    files[`word/${name}`] = [options.image.bytes, { level: 0 }];
  }
  if (options.externalImageTarget !== undefined) {
    relationships.push(
      `<Relationship Id="rIdLinked" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="${escapeXml(options.externalImageTarget)}" TargetMode="External"/>`,
    );
    drawings.push(drawing(2, '<a:blip r:link="rIdLinked"/>'));
  }
  const body = paragraphs.map((paragraph) => `<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr>${docxRuns(paragraph)}</w:p>`).join('');
  files['[Content_Types].xml'] = utf8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
      '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
  );
  files['_rels/.rels'] = utf8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>',
  );
  files['docProps/core.xml'] = utf8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
      'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>WSIS report</dc:title><dc:creator>Reporting team</dc:creator></cp:coreProperties>',
  );
  files['word/document.xml'] = utf8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W_NAMESPACES}><w:body>${body}${drawings.join('')}` +
      '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr></w:body></w:document>',
  );
  files['word/styles.xml'] = utf8(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style></w:styles>',
  );
  files['word/_rels/document.xml.rels'] = utf8(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relationships.join('')}</Relationships>`,
  );
  for (let index = 1; index <= (options.extraEntries ?? 0); index++) {
    files[`customXml/item${index}.xml`] = utf8(`<item n="${index}"/>`);
  }
  return zipSync(files, { level: 6, mtime: new Date('2025-09-01T10:00:00Z') });
}

// ----------------------------------------------------------------------------------------------- .pdf

export interface PdfOptions {
  /** Compress content streams with FlateDecode, as word processors do (default: false, readable in a text editor). */
  readonly compress?: boolean;
}

/** A PDF literal string in WinAnsiEncoding; throws for characters Helvetica's standard encoding lacks. */
export function pdfString(text: string): string {
  const bytes = iconv.encode(text, 'windows-1252');
  if (iconv.decode(bytes, 'windows-1252') !== text) {
    throw new RangeError(`not representable in WinAnsiEncoding (standard Type1 fonts): ${JSON.stringify(text)}`);
  }
  let out = '(';
  for (const byte of bytes) {
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
}

/**
 * Writes numbered objects (object 1 must be the catalog) with a header, an exact cross-reference table
 * and a trailer. Strings are written as Latin-1. For crafting unusual PDFs in tests.
 */
export function assemblePdf(objects: readonly (string | Uint8Array)[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const write = (part: string | Uint8Array): void => {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'latin1') : part;
    chunks.push(bytes);
    length += bytes.length;
  };
  write('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(length);
    write(`${index + 1} 0 obj\n`);
    write(object);
    write('\nendobj\n');
  });
  const xref = length;
  write(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`);
  write(offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join(''));
  write(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

/** A stream object: dictionary entries (without /Length) and data. */
export function pdfStream(dictionary: string, data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([Buffer.from(`<< ${dictionary} /Length ${bytes.length} >>\nstream\n`, 'latin1'), bytes, Buffer.from('\nendstream', 'latin1')]);
}

/**
 * One page per entry, one line of Helvetica 11 pt per string. Pages with the same lines share one content
 * stream. Pages are A4, widened for lines too long for it (pdf.js leaves out text outside the page).
 */
export function buildPdf(pagesOfLines: readonly (readonly string[])[], options: PdfOptions = {}): Uint8Array {
  const objects: (string | Uint8Array)[] = [];
  const pageNumbers: number[] = [];
  objects[0] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[3] = `<< /Producer (report-intake test builder) /CreationDate (D:20250901100000Z) >>`;
  const contentObjects = new Map<string, number>();
  for (const lines of pagesOfLines) {
    const content = `BT\n/F1 11 Tf\n14 TL\n56 790 Td\n${lines.map((line) => `${pdfString(line)} Tj T*`).join('\n')}\nET`;
    let contentNumber = contentObjects.get(content);
    if (contentNumber === undefined) {
      objects.push(options.compress ? pdfStream('/Filter /FlateDecode', zlibSync(Buffer.from(content, 'latin1'))) : pdfStream('', content));
      contentNumber = objects.length;
      contentObjects.set(content, contentNumber);
    }
    const width = Math.max(595, 112 + Math.ceil(Math.max(0, ...lines.map((line) => line.length)) * 6.5));
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${contentNumber} 0 R >>`);
    pageNumbers.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Kids [${pageNumbers.map((number) => `${number} 0 R`).join(' ')}] /Count ${pageNumbers.length} >>`;
  return assemblePdf(objects);
}

// ----------------------------------------------------------------------------------------------- .odt

/** "\t" in a paragraph becomes text:tab, "\n" text:line-break, runs of spaces text:s. */
function odtInline(paragraph: string): string {
  return escapeXml(paragraph)
    .replace(/ {2,}/g, (spaces) => ` <text:s text:c="${spaces.length - 1}"/>`)
    .replace(/\t/g, '<text:tab/>')
    .replace(/\n/g, '<text:line-break/>');
}

/** Paragraphs as text:p; a paragraph starting with "# " becomes a text:h heading. */
export function buildOdt(paragraphs: readonly string[]): Uint8Array {
  const body = paragraphs
    .map((paragraph) =>
      paragraph.startsWith('# ')
        ? `<text:h text:style-name="Heading_20_1" text:outline-level="1">${odtInline(paragraph.slice(2))}</text:h>`
        : `<text:p text:style-name="Standard">${odtInline(paragraph)}</text:p>`,
    )
    .join('\n');
  const namespaces =
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"';
  const files: Zippable = {
    mimetype: [utf8(ODT_TYPE), { level: 0 }],
    'META-INF/manifest.xml': utf8(
      '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">' +
        `<manifest:file-entry manifest:full-path="/" manifest:media-type="${ODT_TYPE}"/>` +
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>' +
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/></manifest:manifest>',
    ),
    'content.xml': utf8(
      `<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ${namespaces} office:version="1.3">\n` +
        '<office:font-face-decls/><office:automatic-styles/>\n<office:body>\n<office:text>\n' +
        `<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Figure"/></text:sequence-decls>\n${body}\n` +
        '</office:text>\n</office:body>\n</office:document-content>',
    ),
    'styles.xml': utf8(`<?xml version="1.0" encoding="UTF-8"?><office:document-styles ${namespaces} office:version="1.3"><office:styles/></office:document-styles>`),
  };
  return zipSync(files, { level: 6, mtime: new Date('2025-09-01T10:00:00Z') });
}

// ----------------------------------------------------------------------------------------------- .rtf

export interface RtfOptions {
  /** ANSI code page of the document (\ansicpgN): characters it holds are written as \'hh, others as \uN. */
  readonly codepage?: number;
  /** Add a picture group (hex PNG data), as word processors do for images. */
  readonly picture?: boolean;
}

const CODEPAGE_CHARSETS: Readonly<Record<number, number>> = { 1250: 238, 1251: 204, 1252: 0, 1253: 161, 1254: 162, 1255: 177, 1256: 178, 1257: 186, 1258: 163 };

function rtfEscape(text: string, codepage: number): string {
  let out = '';
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    if (character === '\\' || character === '{' || character === '}') out += `\\${character}`;
    else if (character === '\t') out += '\\tab ';
    else if (character === '\n') out += '\\line ';
    else if (code < 0x80) out += character;
    else {
      const bytes = iconv.encode(character, `cp${codepage}`);
      if (iconv.decode(bytes, `cp${codepage}`) === character) out += [...bytes].map((byte) => `\\'${byte.toString(16)}`).join('');
      else {
        for (let index = 0; index < character.length; index++) {
          const unit = character.charCodeAt(index);
          out += `\\u${unit > 0x7fff ? unit - 0x10000 : unit}?`;
        }
      }
    }
  }
  return out;
}

export function buildRtf(paragraphs: readonly string[], options: RtfOptions = {}): Uint8Array {
  const codepage = options.codepage ?? 1252;
  const charset = CODEPAGE_CHARSETS[codepage] ?? 0;
  const picture = options.picture
    ? `{\\pict\\pngblip\\picw32\\pich32\\picwgoal480\\pichgoal480 ${'89504e470d0a1a0a0000000d4948445200000020'.repeat(20)}}\\par\n`
    : '';
  const rtf =
    `{\\rtf1\\ansi\\ansicpg${codepage}\\deff0\\nouicompat\\deflang1033{\\fonttbl{\\f0\\fswiss\\fcharset${charset} Calibri;}{\\f1\\fnil\\fcharset2 Symbol;}}\n` +
    '{\\colortbl ;\\red0\\green0\\blue255;\\red0\\green0\\blue0;}\n' +
    '{\\*\\generator Riched20 10.0.19041}{\\info{\\title WSIS report}{\\author Reporting team}}\\viewkind4\\uc1\n' +
    `\\pard\\sa200\\sl276\\slmult1\\f0\\fs22\\lang9 ${paragraphs.map((paragraph) => `${rtfEscape(paragraph, codepage)}\\par\n`).join('')}${picture}}\n`;
  return Buffer.from(rtf, 'latin1');
}

// ------------------------------------------------------------------------------------------------ TNEF

export interface TnefOptions {
  readonly attachments?: readonly { readonly name: string; readonly content: Uint8Array; readonly contentType?: string }[];
  /** The message body as RTF, stored compressed (PR_RTF_COMPRESSED) as Outlook does. */
  readonly rtfBody?: Uint8Array;
}

/** CRC-32 as MS-OXRTFCP uses it: the usual table, initial value 0, no final inversion. */
function rtfCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    let value = (crc ^ byte) & 0xff;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    crc = (value ^ (crc >>> 8)) >>> 0;
  }
  return crc;
}

/** Compressed RTF (MS-OXRTFCP) using literals only: valid for any reader, just not smaller. */
export function compressRtf(rtf: Uint8Array): Uint8Array {
  const body: number[] = [];
  let position = 207; // the initial dictionary's length
  for (let start = 0; start <= rtf.length; start += 8) {
    const group = rtf.subarray(start, start + 8);
    const ends = group.length < 8;
    body.push(ends ? 1 << group.length : 0, ...group);
    position = (position + group.length) % 4096;
    if (ends) {
      body.push((position >> 4) & 0xff, (position << 4) & 0xf0); // reference to the write position: end
      break;
    }
  }
  const data = Uint8Array.from(body);
  const header = new DataView(new ArrayBuffer(16));
  header.setUint32(0, data.length + 12, true);
  header.setUint32(4, rtf.length, true);
  header.setUint32(8, 0x75465a4c, true); // "LZFu"
  header.setUint32(12, rtfCrc(data), true);
  return Buffer.concat([new Uint8Array(header.buffer), data]);
}

function tnefAttribute(level: number, tag: number, data: Uint8Array): Uint8Array {
  const head = new DataView(new ArrayBuffer(9));
  head.setUint8(0, level);
  head.setUint32(1, tag, true);
  head.setUint32(5, data.length, true);
  const checksum = new DataView(new ArrayBuffer(2));
  checksum.setUint16(0, data.reduce((sum, byte) => (sum + byte) & 0xffff, 0), true);
  return Buffer.concat([new Uint8Array(head.buffer), data, new Uint8Array(checksum.buffer)]);
}

function uint32(value: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, value, true);
  return new Uint8Array(view.buffer);
}

function padTo4(bytes: Uint8Array): Uint8Array {
  return Buffer.concat([bytes, new Uint8Array((4 - (bytes.length % 4)) % 4)]);
}

/** A MAPI property list with variable-size values (PT_UNICODE 0x001F, PT_STRING8 0x001E, PT_BINARY 0x0102). */
function mapiProperties(properties: readonly { type: number; id: number; value: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [uint32(properties.length)];
  for (const { type, id, value } of properties) {
    parts.push(uint32((id << 16) | type), uint32(1), uint32(value.length), padTo4(value));
  }
  return Buffer.concat(parts);
}

/** winmail.dat as Outlook writes it: message class, code page, MAPI properties, then each attachment. */
export function buildTnef(options: TnefOptions): Uint8Array {
  const parts: Uint8Array[] = [uint32(0x223e9f78), Uint8Array.of(0x01, 0x00)];
  parts.push(tnefAttribute(1, 0x00089006, uint32(0x00010000))); // attTnefVersion
  parts.push(tnefAttribute(1, 0x00069007, Buffer.concat([uint32(1252), uint32(0)]))); // attOemCodepage
  parts.push(tnefAttribute(1, 0x00078008, utf8('IPM.Microsoft Mail.Note\0'))); // attMessageClass
  if (options.rtfBody) {
    parts.push(tnefAttribute(1, 0x00069003, mapiProperties([{ type: 0x0102, id: 0x1009, value: compressRtf(options.rtfBody) }]))); // attMAPIProps
  }
  for (const attachment of options.attachments ?? []) {
    const rendering = new DataView(new ArrayBuffer(14));
    rendering.setUint16(0, 1, true); // by value
    rendering.setUint32(2, 0xffffffff, true);
    parts.push(tnefAttribute(2, 0x00069002, new Uint8Array(rendering.buffer))); // attAttachRendData
    parts.push(tnefAttribute(2, 0x00018010, Buffer.from(`${attachment.name.slice(0, 8)}\0`, 'latin1'))); // attAttachTitle (short name)
    parts.push(tnefAttribute(2, 0x0006800f, attachment.content)); // attAttachData
    const properties = [{ type: 0x001f, id: 0x3707, value: Buffer.from(`${attachment.name}\0`, 'utf16le') }]; // PR_ATTACH_LONG_FILENAME
    if (attachment.contentType) properties.push({ type: 0x001e, id: 0x370e, value: Buffer.from(`${attachment.contentType}\0`, 'latin1') }); // PR_ATTACH_MIME_TAG
    parts.push(tnefAttribute(2, 0x00069005, mapiProperties(properties))); // attAttachment
  }
  return Buffer.concat(parts);
}
