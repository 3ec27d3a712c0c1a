import { describe, expect, it, vi } from 'vitest';
import { DOCX_TYPE, buildDocx, buildPdf } from '#test/helpers/documents.ts';
import { analyse } from '#test/helpers/fixtures.ts';

// The heavy modules are wrapped so that the test sees when they are first imported; each wrapper
// hands back the real module, so the analysis itself is unchanged.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock('mammoth', async (importOriginal) => {
  loaded.add('mammoth');
  return importOriginal();
});
vi.mock('pdfjs-dist/legacy/build/pdf.mjs', async (importOriginal) => {
  loaded.add('pdfjs');
  return importOriginal();
});
vi.mock('eld/extrasmall', async (importOriginal) => {
  loaded.add('eld');
  return importOriginal();
});

const REPORT = `Our library contributed to WSIS Action Line C3 with the open archive https://archive.example.org.
Achievements: 2,000 scans. Obstacles: funding. Future actions: a regional network in 2026.`;

const withAttachment = (name: string, type: string, content: Uint8Array) =>
  Buffer.from(
    `From: a@library.example\r\nTo: reports@intake.localhost\r\nSubject: r\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\nPlease find our report attached.\r\n--m\r\nContent-Type: ${type}; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(content).toString('base64')}\r\n--m--\r\n`,
  );

describe('heavy modules load only when a message needs them', () => {
  it('an auto-reply loads nothing heavy; a report in the body loads only the language data', async () => {
    await analyse('From: a@library.example\nAuto-Submitted: auto-replied\nSubject: Out of office\n\n\n');
    expect([...loaded]).toEqual([]);
    const report = await analyse(`From: a@library.example\nTo: reports@intake.localhost\nSubject: r\n\n${REPORT}\n`);
    expect(report.status).toBe('accepted');
    expect([...loaded]).toEqual(['eld']);
  });

  it('mammoth with the first .docx, pdf.js with the first PDF', async () => {
    const docx = await analyse(withAttachment('report.docx', DOCX_TYPE, buildDocx(REPORT.split('\n'))));
    expect(docx.source).toBe('attachment:report.docx');
    expect(loaded.has('mammoth')).toBe(true);
    expect(loaded.has('pdfjs')).toBe(false);
    const pdf = await analyse(withAttachment('report.pdf', 'application/pdf', buildPdf([REPORT.split('\n')])));
    expect(pdf.source).toBe('attachment:report.pdf');
    expect(loaded.has('pdfjs')).toBe(true);
  });
});
