/** .pdf → text with pdf.js (legacy build for Node), hardened: no eval, no font or CMap loading, page and time caps. */
import { checkPdfStreams, UnpackedTooLarge } from './pdf-streams.ts';
import { Deadline, formatMegabytes, UnreadableDocument, type DocumentLimits } from './limits.ts';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjs: Promise<PdfJs> | undefined;

/** Loaded on the first PDF only: pdf.js costs ~200 ms to load. */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    // pdf.js's display layer builds a DOMMatrix when it loads, for canvas rendering we never do.
    // Node has none; pdf.js borrows one from @napi-rs/canvas when that native package is present,
    // which it is not in a Lambda bundle. An empty stand-in lets the module load the same way everywhere.
    const globals = globalThis as { DOMMatrix?: unknown };
    globals.DOMMatrix ??= class DOMMatrix {};
    // Importing the worker module registers globalThis.pdfjsWorker, so pdf.js runs its worker in this
    // thread instead of importing GlobalWorkerOptions.workerSrc by path, a file a bundle does not have.
    await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })();
  return pdfjs;
}

export async function pdfToText(bytes: Uint8Array, limits: DocumentLimits, deadline: Deadline): Promise<string> {
  if (!new TextDecoder('latin1').decode(bytes.subarray(0, 1024)).includes('%PDF-')) {
    throw new UnreadableDocument('the PDF file is damaged');
  }
  try {
    checkPdfStreams(bytes, limits.maxUncompressedBytes, () => deadline.check());
  } catch (error) {
    if (error instanceof UnpackedTooLarge) {
      throw new UnreadableDocument(`the PDF is too large when unpacked (over ${formatMegabytes(limits.maxUncompressedBytes)})`, { cause: error });
    }
    throw error;
  }

  const { getDocument, VerbosityLevel } = await loadPdfJs();
  const task = getDocument({
    data: new Uint8Array(bytes), // a copy: pdf.js takes ownership of its buffer, and refuses Node Buffers
    isEvalSupported: false, // CVE-2024-4367: font code compiled with new Function() from FontMatrix
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    const document = await deadline.race(task.promise);
    const pages: string[] = [];
    const pageCount = Math.min(document.numPages, limits.maxPdfPages);
    for (let number = 1; number <= pageCount; number++) {
      deadline.check();
      const page = await deadline.race(document.getPage(number));
      const content = await deadline.race(page.getTextContent());
      let text = '';
      for (const item of content.items) {
        if ('str' in item) text += item.hasEOL ? `${item.str}\n` : item.str;
      }
      pages.push(text);
      page.cleanup();
    }
    const text = pages.join('\n\n');
    if (text.trim() === '') throw new UnreadableDocument('the PDF has no text layer (scanned image?): please send the text itself or a PDF saved from the word processor');
    return text;
  } catch (error) {
    if (error instanceof UnreadableDocument) throw error;
    throw new UnreadableDocument(reasonFor(error), { cause: error });
  } finally {
    await task.destroy();
  }
}

function reasonFor(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') return 'the PDF is password-protected';
  return 'the PDF file is damaged';
}
