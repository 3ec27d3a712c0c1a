/**
 * Peak memory for one 30 MB message (a report body plus a 22 MB attachment, base64-encoded), and the
 * start-up cost of the common path. Run in a fresh process so the figures are its own.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export async function benchMemory(): Promise<void> {
  const baselineRss = process.memoryUsage().rss;
  const importStart = performance.now();
  const { processMessage } = await import('#core/process-message.ts');
  const { loadCallProfile } = await import('#core/call-profile.ts');
  const importMs = performance.now() - importStart;

  const report = 'Our library advanced C3 and C4: https://archive.example.org. Achievements: many. Obstacles: funding. Future actions: a network.';
  const attachment = randomBytes(22 * 1024 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
  const raw = Buffer.from(
    `From: a@biblioteca.example.br\r\nTo: reports@intake.localhost\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\n${report}\r\n--m\r\nContent-Type: application/zip; name="scans.zip"\r\nContent-Disposition: attachment; filename="scans.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--m--\r\n`,
  );
  const before = process.resourceUsage().maxRSS;
  const start = performance.now();
  const analysis = await processMessage(raw, { profile: loadCallProfile(), now: new Date('2025-09-15T10:00:00Z') });
  const ms = performance.now() - start;
  const peak = process.resourceUsage().maxRSS; // KiB
  console.log(
    `common-path start-up: importing the core took ${importMs.toFixed(0)} ms (mammoth, pdfjs and document code load only when a document is met)\n` +
      `30 MB message (${(raw.length / 1024 / 1024).toFixed(1)} MB): ${analysis.status} in ${ms.toFixed(0)} ms; ` +
      `peak RSS ${(peak / 1024).toFixed(0)} MB (before the message ${(before / 1024).toFixed(0)} MB, process start ${(baselineRss / 1024 / 1024).toFixed(0)} MB)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMemory();
