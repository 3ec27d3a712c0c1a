import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync, zlibSync } from 'fflate';
import iconv from 'iconv-lite';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { expandTnef, extractDocumentText, isReportDocument, isTnef, DOCUMENT_LIMITS } from '#adapters/documents/index.ts';
import type { DocumentText, MailAttachment } from '#core/types.ts';
import {
  asAttachment, assemblePdf, buildDocx, buildOdt, buildPdf, buildRtf, buildTnef, DOCX_TYPE, ODT_TYPE, pdfStream, pdfString,
} from '#test/helpers/documents.ts';

const FRENCH = 'Réalisations : la bibliothèque numérique a été déployée dans 40 communes, grâce à nos partenaires.';
const SPANISH = 'Obstáculos: la conectividad rural sigue siendo lenta; año tras año, la demanda de formación crece (niños y niñas).';
const VIETNAMESE = 'Hướng hành động C3: tiếp cận thông tin và tri thức. Kết quả đạt được: 12 thư viện số ở các tỉnh miền núi.';
const RUSSIAN = 'Направление деятельности C4: наращивание потенциала, обучено 3 200 взрослых.';

const docx = (content: Uint8Array, name = 'WSIS report.docx'): MailAttachment => asAttachment(name, DOCX_TYPE, content);
const pdf = (content: Uint8Array, name = 'report.pdf'): MailAttachment => asAttachment(name, 'application/pdf', content);

function textOf(result: DocumentText): string {
  if (!result.ok) throw new Error(`expected text, got: ${result.reason}`);
  return result.text;
}

function reasonOf(result: DocumentText): string {
  if (result.ok) throw new Error(`expected a failure, got text: ${result.text.slice(0, 80)}`);
  return result.reason;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

/** Rewrites one central-directory field of every entry whose name matches (offsets per APPNOTE 4.3.12). */
function patchCentralDirectory(zip: Uint8Array, matches: (name: string) => boolean, field: 'flags' | 'uncompressedSize', value: number): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  for (let at = 0; at + 46 <= copy.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(copy.subarray(at + 46, at + 46 + nameLength));
    if (!matches(name)) continue;
    if (field === 'flags') view.setUint16(at + 8, value, true);
    else view.setUint32(at + 24, value, true);
  }
  return copy;
}

/** Packs 9-bit LZW codes, most significant bit first, as PDF's LZWDecode reads them. */
function lzwPack(codes: readonly number[]): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let bitCount = 0;
  for (const code of codes) {
    bits = (bits << 9) | code;
    bitCount += 9;
    while (bitCount >= 8) {
      out.push((bits >>> (bitCount - 8)) & 0xff);
      bitCount -= 8;
    }
    bits &= (1 << bitCount) - 1;
  }
  if (bitCount > 0) out.push((bits << (8 - bitCount)) & 0xff);
  return Uint8Array.from(out);
}

/**
 * LZW-encodes data with 9-bit codes only: the table is cleared (256) before it reaches 512 entries,
 * which is valid and spares this encoder the code-width bookkeeping.
 */
function lzwEncode(data: Uint8Array): Uint8Array {
  const codes = [256];
  let table = new Map<string, number>();
  let next = 258;
  let pending = '';
  const code = (text: string): number => (text.length === 1 ? text.charCodeAt(0) : (table.get(text) as number));
  for (const byte of data) {
    const extended = pending + String.fromCharCode(byte);
    if (pending === '' || table.has(extended)) {
      pending = extended;
      continue;
    }
    codes.push(code(pending));
    table.set(extended, next++);
    pending = String.fromCharCode(byte);
    if (next === 500) {
      codes.push(256);
      table = new Map();
      next = 258;
    }
  }
  if (pending !== '') codes.push(code(pending));
  codes.push(257);
  return lzwPack(codes);
}

/** The codes an encoder emits for a long run of one byte: each new code stands for a run one byte longer. */
function lzwRunOf(byte: number, cycles: number): Uint8Array {
  const cycle = [256, byte, ...Array.from({ length: 242 }, (_, index) => 258 + index)];
  return lzwPack([...Array.from({ length: cycles }, () => cycle).flat(), 257]);
}

describe('recognising documents', () => {
  it('knows report documents by file name extension, in any letter case', () => {
    for (const name of ['report.docx', 'REPORT.PDF', 'rapport.odt', 'informe.rtf', 'notes.txt', 'page.htm', 'page.html', 'old.doc']) {
      expect(isReportDocument({ filename: name, contentType: 'application/octet-stream' }), name).toBe(true);
    }
  });

  it('falls back to the MIME type when the name says nothing', () => {
    expect(isReportDocument({ filename: null, contentType: 'application/pdf' })).toBe(true);
    expect(isReportDocument({ filename: 'report', contentType: 'text/rtf; charset=us-ascii' })).toBe(true);
    expect(isReportDocument({ filename: null, contentType: ODT_TYPE })).toBe(true);
    expect(isReportDocument({ filename: null, contentType: 'application/msword' })).toBe(true);
  });

  it('does not take images, spreadsheets or calendars for reports', () => {
    expect(isReportDocument({ filename: 'photo.jpg', contentType: 'image/jpeg' })).toBe(false);
    expect(isReportDocument({ filename: 'budget.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })).toBe(false);
    expect(isReportDocument({ filename: 'invite.ics', contentType: 'text/calendar' })).toBe(false);
  });

  it('recognises winmail.dat and application/ms-tnef', () => {
    expect(isTnef({ filename: 'WINMAIL.DAT', contentType: 'application/octet-stream' })).toBe(true);
    expect(isTnef({ filename: null, contentType: 'application/ms-tnef; name="winmail.dat"' })).toBe(true);
    expect(isTnef({ filename: 'report.pdf', contentType: 'application/pdf' })).toBe(false);
  });
});

describe('.docx', () => {
  it('round-trips French, Spanish and Vietnamese paragraphs', async () => {
    const result = await extractDocumentText(docx(buildDocx([FRENCH, SPANISH, VIETNAMESE])));
    expect(textOf(result)).toBe([FRENCH, SPANISH, VIETNAMESE].join('\n\n'));
  });

  it('keeps tabs and line breaks as white space between words', async () => {
    const text = textOf(await extractDocumentText(docx(buildDocx(['Country:\tKenya\nOrganization:\tICT Authority']))));
    expect(text.split(/\s+/)).toEqual(['Country:', 'Kenya', 'Organization:', 'ICT', 'Authority']);
  });

  it('reads the text of a document that carries a large image', async () => {
    const image = Uint8Array.from({ length: 2 * 1024 * 1024 }, (_, index) => (index * 7919) % 251);
    const result = await extractDocumentText(docx(buildDocx([FRENCH], { image: { bytes: image, extension: 'png' } })));
    expect(textOf(result)).toBe(FRENCH);
  });

  it('never reads a local file that an image relationship points at', async () => {
    const passwd = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8').split('\n')[0] ?? '' : 'root:x:0:0';
    const bytes = buildDocx([SPANISH], { externalImageTarget: 'file:///etc/passwd' });
    const text = textOf(await extractDocumentText(docx(bytes)));
    expect(text).toBe(SPANISH);
    expect(text).not.toContain(passwd);
    expect(text).not.toContain('root:');
  });

  it('refuses a zip bomb by its declared size, before unpacking', async () => {
    const bomb = patchCentralDirectory(buildDocx([FRENCH]), (name) => name === 'word/document.xml', 'uncompressedSize', 0xfffffff0);
    const { result, ms } = await timed(() => extractDocumentText(docx(bomb)));
    expect(reasonOf(result)).toBe('the .docx file is too large when unpacked (over 60 MB)');
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses a zip bomb that lies about its size, without unpacking past the lie', async () => {
    const limits = { maxUncompressedBytes: 4 * 1024 * 1024 };
    const honest = zipSync({ 'word/document.xml': strToU8('<w:document/>'), 'word/media/filler.bin': new Uint8Array(16 * 1024 * 1024) });
    const lying = patchCentralDirectory(honest, (name) => name.endsWith('filler.bin'), 'uncompressedSize', 1_000);
    expect(reasonOf(await extractDocumentText(docx(honest), limits))).toBe('the .docx file is too large when unpacked (over 4 MB)');
    const { result, ms } = await timed(() => extractDocumentText(docx(lying), limits));
    expect(reasonOf(result)).toBe('the .docx file is damaged');
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses a zip with too many entries quickly', async () => {
    const crowded = buildDocx([FRENCH], { extraEntries: 2_500 });
    const { result, ms } = await timed(() => extractDocumentText(docx(crowded)));
    expect(reasonOf(result)).toBe('the .docx file holds too many parts (over 2000)');
    expect(ms).toBeLessThan(1_000);
  });

  it('says so when the zip is encrypted or the file is a password-protected Office file', async () => {
    const encrypted = patchCentralDirectory(buildDocx([FRENCH]), () => true, 'flags', 0x0001);
    expect(reasonOf(await extractDocumentText(docx(encrypted)))).toBe('the .docx file is password-protected');
    const compound = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(1_000)]);
    expect(reasonOf(await extractDocumentText(docx(compound)))).toMatch(/password-protected or is an old Word \.doc/);
  });

  it('calls truncated, foreign and garbage files damaged', async () => {
    const whole = buildDocx([FRENCH, SPANISH]);
    expect(reasonOf(await extractDocumentText(docx(whole.subarray(0, Math.floor(whole.length / 2)))))).toBe('the .docx file is damaged');
    expect(reasonOf(await extractDocumentText(docx(zipSync({ 'hello.txt': strToU8('hello') }))))).toBe('the .docx file is damaged');
    expect(reasonOf(await extractDocumentText(docx(Uint8Array.from({ length: 5_000 }, (_, i) => (i * 31) % 256))))).toBe('the .docx file is damaged');
  });
});

describe('.pdf', () => {
  it('round-trips French and Spanish lines over several pages', async () => {
    for (const compress of [false, true]) {
      const text = textOf(await extractDocumentText(pdf(buildPdf([[FRENCH, 'Ligne deux.'], [SPANISH]], { compress }))));
      expect(text).toBe(`${FRENCH}\nLigne deux.\n\n${SPANISH}`);
    }
  });

  it('reads only the first pages of a 10,000-page PDF, in bounded time', async () => {
    const pages = [['Rapport annuel, page un.'], ['Réalisations, page deux.'], ...Array.from({ length: 9_998 }, () => ['Annexe statistique.'])];
    const bytes = buildPdf(pages);
    const { result, ms } = await timed(() => extractDocumentText(pdf(bytes)));
    const text = textOf(result);
    expect(text).toContain('Rapport annuel, page un.');
    expect(text).toContain('Réalisations, page deux.');
    expect(text.match(/Annexe statistique\./g)).toHaveLength(DOCUMENT_LIMITS.maxPdfPages - 2);
    expect(ms).toBeLessThan(DOCUMENT_LIMITS.timeoutMs);
  });

  it('gives up with a reason when reading takes longer than the time cap', async () => {
    const bytes = buildPdf(Array.from({ length: 3_000 }, (_, index) => [`Page ${index + 1}.`]));
    const result = await extractDocumentText(pdf(bytes), { maxPdfPages: 3_000, timeoutMs: 50 });
    expect(reasonOf(result)).toBe('reading the document took longer than 0.05 s');
  });

  it('does not run the code of a CVE-2024-4367 FontMatrix payload', async () => {
    const flag = '__pdfjsFontMatrixPayloadRan';
    const font = pdfStream('/Length1 40 /Length2 0 /Length3 0', '%!PS-AdobeFont-1.0: Payload 001.000\n/FontMatrix [0.001 0 0 0.001 0 0] def\n');
    const bytes = assemblePdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 7 0 R >> >> /Contents 5 0 R >>',
      `<< /Type /Font /Subtype /Type1 /BaseFont /Payload /FirstChar 65 /LastChar 90 /FontDescriptor 6 0 R ` +
        `/FontMatrix [1 2 3 4 5 (0\\); globalThis.${flag} = true; //)] >>`,
      pdfStream('', `BT /F1 24 Tf 100 700 Td (ABC) Tj ET\nBT /F2 11 Tf 100 650 Td ${pdfString('Le rapport continue après la police piégée.')} Tj ET`),
      '<< /Type /FontDescriptor /FontName /Payload /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 /FontFile 8 0 R >>',
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
      font,
    ]);
    const result = await extractDocumentText(pdf(bytes));
    expect((globalThis as Record<string, unknown>)[flag]).toBeUndefined();
    expect(textOf(result)).toContain('Le rapport continue après la police piégée.');
  });

  it('refuses a content stream that inflates past the cap, quickly', async () => {
    const spaces = new Uint8Array(8 * 1024 * 1024).fill(0x20);
    spaces.set(Buffer.from('BT /F1 11 Tf 56 790 Td (Bomb) Tj ET\n', 'latin1'));
    const bytes = assemblePdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      pdfStream('/Filter /FlateDecode', zlibSync(spaces, { level: 9 })),
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    ]);
    const { result, ms } = await timed(() => extractDocumentText(pdf(bytes), { maxUncompressedBytes: 2 * 1024 * 1024 }));
    expect(reasonOf(result)).toBe('the PDF is too large when unpacked (over 2 MB)');
    expect(ms).toBeLessThan(1_000);
    // The same file within a larger cap is read: the check counts, it does not guess.
    expect(textOf(await extractDocumentText(pdf(bytes), { maxUncompressedBytes: 16 * 1024 * 1024 }))).toBe('Bomb');
  });

  it('refuses a Flate bomb whose dictionary hides its filter from a simple reader', async () => {
    const bytes = assemblePdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
      pdfStream('/Filter /FlateDecode /Note (see 9 0 obj)', zlibSync(new Uint8Array(8 * 1024 * 1024).fill(0x20))),
    ]);
    expect(reasonOf(await extractDocumentText(pdf(bytes), { maxUncompressedBytes: 2 * 1024 * 1024 }))).toMatch(/too large when unpacked/);
  });

  it('refuses RunLength and chained-filter bombs too', async () => {
    const runs = new Uint8Array(64 * 1024).map((_, index) => (index % 2 === 0 ? 129 : 0x20)); // each pair: 128 spaces
    const chained = zlibSync(zlibSync(new Uint8Array(8 * 1024 * 1024).fill(0x20)));
    for (const stream of [pdfStream('/Filter /RunLengthDecode', runs), pdfStream('/Filter [/FlateDecode /FlateDecode]', chained)]) {
      const bytes = assemblePdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
        stream,
      ]);
      expect(reasonOf(await extractDocumentText(pdf(bytes), { maxUncompressedBytes: 2 * 1024 * 1024 }))).toMatch(/too large when unpacked/);
    }
  });

  it('lets large lossless images through, but not a bomb dressed up as a small image', async () => {
    const limits = { maxUncompressedBytes: 4 * 1024 * 1024 };
    const picture = (width: number, height: number, pixels: Uint8Array): Uint8Array =>
      pdfStream(`/Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode`, zlibSync(pixels));
    const screenshot = new Uint8Array(1280 * 1024 * 3).map((_, index) => (index >> 10) & 0xff); // 3.75 MB of pixels each
    const document = (image: Uint8Array, contents: string): Uint8Array =>
      assemblePdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R /Im2 7 0 R >> >> /Contents ${contents} >>`,
        pdfStream('', 'q 400 0 0 300 100 400 cm /Im1 Do Q q 400 0 0 300 100 50 cm /Im2 Do Q BT /F1 11 Tf 56 790 Td (Slide 1: results) Tj ET'),
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
        image,
        picture(1280, 1024, screenshot),
      ]);
    // Two screenshots unpack to 7.5 MB, past the 4 MB cap, yet they are pictures pdf.js never unpacks for text.
    expect(textOf(await extractDocumentText(pdf(document(picture(1280, 1024, screenshot), '4 0 R')), limits))).toBe('Slide 1: results');
    // A "16 × 16 image" that unpacks to 8 MB, also used as the page's content: caught.
    const bomb = new Uint8Array(8 * 1024 * 1024).fill(0x20);
    expect(reasonOf(await extractDocumentText(pdf(document(picture(16, 16, bomb), '[4 0 R 6 0 R]')), limits))).toMatch(/too large when unpacked/);
  });

  it('reads LZW content and refuses an LZW bomb', async () => {
    const page = (content: Uint8Array): Uint8Array =>
      assemblePdf([
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
        pdfStream('/Filter /LZWDecode', content),
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
      ]);
    const text = Buffer.from('BT /F1 11 Tf 56 790 Td (Lempel-Ziv-Welch, 1984: compressed and compressed again.) Tj ET', 'latin1');
    expect(textOf(await extractDocumentText(pdf(page(lzwEncode(text)))))).toBe('Lempel-Ziv-Welch, 1984: compressed and compressed again.');
    const bomb = lzwRunOf(0x20, 140); // ~4 MB of spaces from ~38 KB
    expect(reasonOf(await extractDocumentText(pdf(page(bomb)), { maxUncompressedBytes: 2 * 1024 * 1024 }))).toMatch(/too large when unpacked/);
    // Under a larger cap pdf.js unpacks the same stream and finds only spaces: it was real LZW.
    expect(reasonOf(await extractDocumentText(pdf(page(bomb)), { maxUncompressedBytes: 8 * 1024 * 1024 }))).toMatch(/no text layer/);
  });

  it('says when a PDF has no text layer', async () => {
    const bytes = assemblePdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
      pdfStream('', '0.5 g 56 500 480 300 re f'),
    ]);
    expect(reasonOf(await extractDocumentText(pdf(bytes)))).toMatch(/^the PDF has no text layer \(scanned image\?\)/);
  });

  it('calls truncated and garbage files unreadable', async () => {
    const whole = buildPdf([[FRENCH]]);
    expect(reasonOf(await extractDocumentText(pdf(whole.subarray(0, 120))))).toMatch(/PDF/);
    expect(reasonOf(await extractDocumentText(pdf(Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(500)))))).toMatch(/PDF/);
    expect(reasonOf(await extractDocumentText(pdf(Buffer.from('this is no PDF at all'))))).toBe('the PDF file is damaged');
  });
});

describe('.odt', () => {
  it('round-trips headings and paragraphs in French, Spanish and Vietnamese', async () => {
    const result = await extractDocumentText(asAttachment('rapport.odt', ODT_TYPE, buildOdt(['# Rapport SMSI', FRENCH, SPANISH, VIETNAMESE])));
    expect(textOf(result)).toBe(['Rapport SMSI', FRENCH, SPANISH, VIETNAMESE].join('\n\n'));
  });

  it('turns text:s, text:tab and text:line-break into white space', async () => {
    const result = await extractDocumentText(asAttachment('r.odt', ODT_TYPE, buildOdt(['Pays :   Sénégal\tVille : Dakar\nOrganisation : ARTP'])));
    expect(textOf(result)).toBe('Pays :   Sénégal\tVille : Dakar\nOrganisation : ARTP');
  });

  it('leaves out tracked deletions and comments', async () => {
    const content =
      '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body><office:text>' +
      '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><text:p>Texte supprimé.</text:p></text:deletion></text:changed-region></text:tracked-changes>' +
      '<text:p>Bonjour <office:annotation><dc:creator>Relecteur</dc:creator><text:p>Commentaire interne</text:p></office:annotation>le monde &amp; les &lt;partenaires&gt;.</text:p>' +
      '</office:text></office:body></office:document-content>';
    const bytes = zipSync({ mimetype: [strToU8(ODT_TYPE), { level: 0 }], 'content.xml': strToU8(content) });
    expect(textOf(await extractDocumentText(asAttachment('r.odt', ODT_TYPE, bytes)))).toBe('Bonjour le monde & les <partenaires>.');
  });

  it('says so when the document is password-protected', async () => {
    const manifest =
      '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml">' +
      '<manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>';
    const bytes = zipSync({ mimetype: strToU8(ODT_TYPE), 'META-INF/manifest.xml': strToU8(manifest), 'content.xml': new Uint8Array(64).fill(7) });
    expect(reasonOf(await extractDocumentText(asAttachment('r.odt', ODT_TYPE, bytes)))).toBe('the .odt file is password-protected');
  });

  it('calls truncated and garbage files damaged', async () => {
    const whole = buildOdt([FRENCH]);
    expect(reasonOf(await extractDocumentText(asAttachment('r.odt', ODT_TYPE, whole.subarray(0, whole.length - 30))))).toBe('the .odt file is damaged');
    expect(reasonOf(await extractDocumentText(asAttachment('r.odt', ODT_TYPE, new Uint8Array(300).fill(0x41))))).toBe('the .odt file is damaged');
  });
});

describe('.rtf', () => {
  it('round-trips French and Spanish written as code-page bytes, and Vietnamese as \\uN', async () => {
    const bytes = buildRtf([FRENCH, SPANISH, VIETNAMESE], { picture: true });
    expect(Buffer.from(bytes).toString('latin1')).toContain("R\\'e9alisations");
    const result = await extractDocumentText(asAttachment('informe.rtf', 'application/rtf', bytes));
    expect(textOf(result)).toBe([FRENCH, SPANISH, VIETNAMESE].join('\n'));
  });

  it('decodes \\\'hh bytes with the document code page (Russian in windows-1251)', async () => {
    const result = await extractDocumentText(asAttachment('otchet.rtf', 'text/rtf', buildRtf([RUSSIAN], { codepage: 1251 })));
    expect(textOf(result)).toBe(RUSSIAN);
  });

  it('decodes with the font\'s charset, skips \\uN fallbacks, field codes and page headers', async () => {
    const rtf =
      "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fnil\\fcharset0 Arial;}{\\f1\\fnil\\fcharset204 Arial Cyr;}}" +
      '{\\header\\pard Page header text\\par}' +
      "\\uc1\\pard\\f0 Caf\\'e9 \\u8220?quoted\\u8221? {\\f1 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2}\\par " +
      '{\\field{\\*\\fldinst HYPERLINK "https://hidden.example.org"}{\\fldrslt https://visible.example.org}}\\par }';
    const result = await extractDocumentText(asAttachment('r.rtf', 'application/rtf', Buffer.from(rtf, 'latin1')));
    expect(textOf(result)).toBe('Café “quoted” Привет\nhttps://visible.example.org');
  });

  it('calls a file cut short damaged rather than judging half a report', async () => {
    const whole = buildRtf([FRENCH, SPANISH]);
    expect(reasonOf(await extractDocumentText(asAttachment('r.rtf', 'application/rtf', whole.subarray(0, whole.length - 40))))).toBe('the .rtf file is damaged or cut short');
    expect(reasonOf(await extractDocumentText(asAttachment('r.rtf', 'application/rtf', Buffer.from('PK\u0003\u0004 not rtf'))))).toBe('the .rtf file is damaged');
    const deep = Buffer.from(`{\\rtf1 ${'{'.repeat(5_000)}x${'}'.repeat(5_000)}}`, 'latin1');
    expect(reasonOf(await extractDocumentText(asAttachment('r.rtf', 'application/rtf', deep)))).toBe('the .rtf file is damaged');
  });
});

describe('.txt and .html', () => {
  const txt = (content: Uint8Array, contentType = 'text/plain'): MailAttachment => asAttachment('report.txt', contentType, content);

  it('reads UTF-8, UTF-16 with and without a BOM, and a declared charset', async () => {
    expect(textOf(await extractDocumentText(txt(Buffer.from(VIETNAMESE, 'utf8'))))).toBe(VIETNAMESE);
    expect(textOf(await extractDocumentText(txt(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(FRENCH, 'utf16le')]))))).toBe(FRENCH);
    expect(textOf(await extractDocumentText(txt(iconv.encode(`\ufeff${SPANISH}`, 'utf-16be'))))).toBe(SPANISH);
    expect(textOf(await extractDocumentText(txt(Buffer.from(FRENCH, 'utf16le'))))).toBe(FRENCH);
    expect(textOf(await extractDocumentText(txt(iconv.encode(RUSSIAN, 'koi8-r'), 'text/plain; charset="KOI8-R"')))).toBe(RUSSIAN);
  });

  it('falls back to windows-1252 for legacy text that is not UTF-8', async () => {
    expect(textOf(await extractDocumentText(txt(iconv.encode(`${SPANISH} – “fin”`, 'windows-1252'))))).toBe(`${SPANISH} – “fin”`);
  });

  it('refuses binary junk named .txt or .html', async () => {
    const junk = Uint8Array.from({ length: 4_000 }, (_, index) => (index * 131) % 256);
    expect(reasonOf(await extractDocumentText(txt(junk)))).toBe('the .txt file is not plain text');
    expect(reasonOf(await extractDocumentText(asAttachment('page.html', 'text/html', junk)))).toBe('the .html file is not a web page');
  });

  it('keeps only the visible text of a web page, with visible URLs but not link targets or images', async () => {
    const html =
      '<!doctype html><html><head><meta charset="windows-1252"><title>Titre de la page</title><style>p{color:red}</style></head><body>' +
      '<h1>Rapport SMSI</h1><p>Réalisations : voir <a href="https://hidden.example.org/tracking">notre site</a> et https://www.itu.int/wsis.</p>' +
      '<img src="cid:logo" alt="Logo du ministère"><script>alert(1)</script><ul><li>Ligne C3</li><li>Ligne C7</li></ul></body></html>';
    const text = textOf(await extractDocumentText(asAttachment('rapport.html', 'text/html', iconv.encode(html, 'windows-1252'))));
    expect(text).toContain('Rapport SMSI');
    expect(text).toContain('Réalisations : voir notre site et https://www.itu.int/wsis.');
    expect(text).toMatch(/Ligne C3\s+\* Ligne C7/);
    for (const hidden of ['hidden.example.org', 'Logo du ministère', 'alert(1)', 'color:red', 'Titre de la page']) expect(text).not.toContain(hidden);
  });

  it('survives 5,000 levels of nesting', async () => {
    const html = `<html><body><p>Début du rapport.</p>${'<div>'.repeat(5_000)}profond${'</div>'.repeat(5_000)}</body></html>`;
    const { result, ms } = await timed(() => extractDocumentText(asAttachment('deep.html', 'text/html; charset=utf-8', Buffer.from(html))));
    expect(textOf(result)).toContain('Début du rapport.');
    expect(ms).toBeLessThan(DOCUMENT_LIMITS.timeoutMs);
  });
});

describe('any document', () => {
  it('turns an old binary Word .doc away with advice', async () => {
    const doc = Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(2_000)]);
    const result = await extractDocumentText(asAttachment('report.doc', 'application/msword', doc));
    expect(reasonOf(result)).toBe('old Word .doc format: please send .docx, PDF or paste the text');
  });

  it('reads a .doc that is really RTF, .docx, HTML or plain text, as many programs save them', async () => {
    expect(textOf(await extractDocumentText(asAttachment('report.doc', 'application/msword', buildRtf([FRENCH]))))).toBe(FRENCH);
    expect(textOf(await extractDocumentText(asAttachment('report.doc', 'application/msword', buildDocx([SPANISH]))))).toBe(SPANISH);
    expect(textOf(await extractDocumentText(asAttachment('report.doc', 'application/msword', Buffer.from(`<html><body><p>${FRENCH}</p></body></html>`))))).toBe(FRENCH);
    expect(textOf(await extractDocumentText(asAttachment('Список.doc', 'text/plain', Buffer.from(RUSSIAN))))).toBe(RUSSIAN);
  });

  it('answers empty, oversized and unknown files with a reason', async () => {
    expect(reasonOf(await extractDocumentText(pdf(new Uint8Array(0))))).toBe('the file is empty');
    expect(reasonOf(await extractDocumentText(asAttachment('notes.txt', 'text/plain', Buffer.alloc(1_600_000, 'a')), { maxBytes: 1024 * 1024 }))).toBe('the file is larger than 1 MB');
    expect(reasonOf(await extractDocumentText(pdf(new Uint8Array(16 * 1024 * 1024))))).toBe('the file is larger than 15 MB');
    expect(reasonOf(await extractDocumentText(asAttachment('photo.png', 'image/png', new Uint8Array(10))))).toMatch(/not a document that can be read/);
  });

  it('normalises to NFC, drops trailing blanks and collapses blank lines', async () => {
    const decomposed = 'Re\u0301alisations'; // "é" as e + combining acute accent
    const text = textOf(await extractDocumentText(asAttachment('r.txt', 'text/plain; charset=utf-8', Buffer.from(`\n\n${decomposed}   \r\n\r\n\r\n\r\nFin.\n\n`))));
    expect(text).toBe('Réalisations\n\nFin.');
  });
});

describe('TNEF (winmail.dat)', () => {
  it('returns the attached files with their long names and the compressed RTF body as body.rtf', async () => {
    const report = buildDocx([FRENCH]);
    const body = buildRtf(['Veuillez trouver ci-joint notre rapport.']);
    const files = await expandTnef(asAttachment('winmail.dat', 'application/ms-tnef', buildTnef({
      rtfBody: body,
      attachments: [{ name: 'Rapport SMSI 2025 – Sénégal.docx', content: report, contentType: DOCX_TYPE }, { name: 'logo.png', content: new Uint8Array(300) }],
    })));
    expect(files.map((file) => [file.filename, file.contentType])).toEqual([
      ['body.rtf', 'application/rtf'],
      ['Rapport SMSI 2025 – Sénégal.docx', DOCX_TYPE],
      ['logo.png', 'application/octet-stream'],
    ]);
    expect(Buffer.from(files[1]?.content ?? []).equals(Buffer.from(report))).toBe(true);
    expect(textOf(await extractDocumentText(files[0] as MailAttachment))).toBe('Veuillez trouver ci-joint notre rapport.');
    expect(textOf(await extractDocumentText(files[1] as MailAttachment))).toBe(FRENCH);
  });

  it('keeps the attachments before the point where a file is cut short', async () => {
    const whole = buildTnef({ attachments: [{ name: 'a.txt', content: Buffer.from('first') }, { name: 'b.txt', content: new Uint8Array(5_000) }] });
    const files = await expandTnef(asAttachment('winmail.dat', 'application/ms-tnef', whole.subarray(0, whole.length - 3_000)));
    expect(files.map((file) => file.filename)).toEqual(['a.txt']);
  });

  it('returns nothing for data that is not TNEF', async () => {
    expect(await expandTnef(asAttachment('winmail.dat', 'application/ms-tnef', Buffer.from('not tnef at all')))).toEqual([]);
  });

  const corpus = fileURLToPath(new URL('../../../shared/corpus/real-world/', import.meta.url));
  const hasCorpus = existsSync(corpus);
  if (!hasCorpus) console.warn(`skipping the real-world TNEF samples: ${corpus} is absent`);

  async function winmailOf(path: string): Promise<MailAttachment> {
    const message = await simpleParser(readFileSync(`${corpus}${path}`));
    const part = message.attachments.find((attachment) => isTnef({ filename: attachment.filename ?? null, contentType: attachment.contentType }));
    if (!part) throw new Error(`no winmail.dat in ${path}`);
    return asAttachment(part.filename ?? null, part.contentType, part.content);
  }

  it.skipIf(!hasCorpus)('unpacks Outlook\'s rich-text message (MimeKit sample): the picture and the RTF body', async () => {
    const files = await expandTnef(await winmailOf('jstedfast-mimekit/tnef/rich-text.eml'));
    const names = files.map((file) => file.filename);
    expect(names[0]).toBe('body.rtf');
    expect(names).toContain('kitten-playing-with-a-christmas-tree.jpg');
    expect(textOf(await extractDocumentText(files[0] as MailAttachment))).toMatch(/^You've made this a Christmas to remember\nSpringtime feeling's/);
  });

  it.skipIf(!hasCorpus)('unpacks the HTML body of an Exchange message without rich text (MimeKit ukr sample)', async () => {
    const files = await expandTnef(await winmailOf('jstedfast-mimekit/tnef/ukr.eml'));
    expect(files.map((file) => file.filename)).toEqual(['body.html']);
    expect(textOf(await extractDocumentText(files[0] as MailAttachment))).toContain('RR Test 1');
  });

  it.skipIf(!hasCorpus)('returns nothing for a winmail.dat that is really a PNG (zbateson m4006)', async () => {
    expect(await expandTnef(await winmailOf('zbateson-mail-mime-parser/m4006.eml'))).toEqual([]);
  });
});
