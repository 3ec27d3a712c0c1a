/** .docx → text with mammoth, after the zip has been proven small enough to unpack. */
import { Deadline, UnreadableDocument, type DocumentLimits } from './limits.ts';
import { htmlMarkupToText } from './plain-text.ts';
import { readZipDirectory, verifyEntries } from './zip.ts';

/** An OLE2 compound file: an old binary .doc, or a password-protected .docx (Office wraps those in OLE2). */
export function isCompoundFile(bytes: Uint8Array): boolean {
  const signature = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  return bytes.length >= 8 && signature.every((byte, index) => bytes[index] === byte);
}

let mammoth: Promise<typeof import('mammoth')> | undefined;

/** Loaded on the first .docx only. */
export function loadMammoth(): Promise<typeof import('mammoth')> {
  mammoth ??= import('mammoth').then((module) => module.default);
  return mammoth;
}

export async function docxToText(bytes: Uint8Array, limits: DocumentLimits, deadline: Deadline): Promise<string> {
  if (isCompoundFile(bytes)) {
    throw new UnreadableDocument('the .docx file is password-protected or is an old Word .doc renamed: please send it without a password, as PDF, or paste the text');
  }
  const entries = readZipDirectory(bytes, limits, '.docx');
  verifyEntries(bytes, entries, '.docx', () => deadline.check());

  const { convertToHtml, images } = await loadMammoth();
  let html: string;
  try {
    // HTML rather than mammoth's extractRawText, which drops line breaks (<w:br/>) and so glues the words
    // on either side together. Images are never read: external file access is off (links such as
    // file:///etc/passwd stay links) and the image converter does not touch the image bytes.
    const result = await deadline.race(
      convertToHtml(
        { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
        { externalFileAccess: false, convertImage: images.imgElement(() => Promise.resolve({ src: '' })) },
      ),
    );
    html = result.value;
  } catch (error) {
    if (error instanceof UnreadableDocument) throw error;
    throw new UnreadableDocument('the .docx file is damaged', { cause: error });
  }
  return htmlMarkupToText(html);
}
