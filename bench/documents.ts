/**
 * Document extraction speed: a ~2 MB .docx (a report with an embedded photo) and a 20-page PDF report,
 * against the 300 ms target. Run alone with `npx tsx bench/documents.ts`, or through bench/run.ts.
 */
import { pathToFileURL } from 'node:url';
import { extractDocumentText } from '#adapters/documents/index.ts';
import type { MailAttachment } from '#core/types.ts';
import { asAttachment, buildDocx, buildPdf, DOCX_TYPE } from '#test/helpers/documents.ts';

const TARGET_MS = 300;
const RUNS = 15;

const PARAGRAPHS = [
  'WSIS Action Line C3 and C4 report, National Library Network.',
  'Achievements: 40 branches now lend laptops and offer weekly digital-skills training; 3,200 adults completed courses, and the open archive https://archive.example.org passed one million page views.',
  'Obstacles and trends: rural broadband is still slow and costly, while demand for help with e-government services grows every quarter.',
  'Future actions: in 2026 we will share our training kit with libraries across the region through the national association, and translate it into two minority languages.',
];

function docxOfAboutTwoMegabytes(): Uint8Array {
  // Photo-like bytes: they do not compress, as a JPEG does not.
  let state = 0x2545f491;
  const photo = Uint8Array.from({ length: 2 * 1024 * 1024 - 40 * 1024 }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state & 0xff;
  });
  return buildDocx([...PARAGRAPHS, ...PARAGRAPHS, ...PARAGRAPHS], { image: { bytes: photo, extension: 'jpeg' } });
}

function twentyPagePdf(): Uint8Array {
  const lines = PARAGRAPHS.flatMap((paragraph) => paragraph.match(/.{1,90}(\s|$)/g) ?? []).map((line) => line.trim());
  const pages = Array.from({ length: 20 }, (_, page) => [`Page ${page + 1} of 20`, ...Array.from({ length: 5 }, () => lines).flat()]);
  return buildPdf(pages, { compress: true });
}

async function measure(label: string, attachment: MailAttachment): Promise<void> {
  const first = performance.now();
  const result = await extractDocumentText(attachment);
  const coldMs = performance.now() - first;
  if (!result.ok) throw new Error(`${label}: ${result.reason}`);
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await extractDocumentText(attachment);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
  const verdict = median <= TARGET_MS ? 'within' : 'OVER';
  console.log(
    `${label.padEnd(34)} ${(attachment.size / 1024 / 1024).toFixed(2)} MB  median ${median.toFixed(1)} ms over ${RUNS} runs ` +
      `(first call, loading the library: ${coldMs.toFixed(0)} ms)  ${verdict} the ${TARGET_MS} ms target (${((median / TARGET_MS) * 100).toFixed(0)}%)`,
  );
}

export async function benchDocuments(): Promise<void> {
  console.log('Document text extraction');
  await measure('.docx, report + photo', asAttachment('report.docx', DOCX_TYPE, docxOfAboutTwoMegabytes()));
  await measure('.pdf, 20-page report', asAttachment('report.pdf', 'application/pdf', twentyPagePdf()));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchDocuments();
