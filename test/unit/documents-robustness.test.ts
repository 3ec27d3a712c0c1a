import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandTnef, extractDocumentText } from '#adapters/documents/index.ts';
import { asAttachment, buildDocx, buildOdt, buildPdf, buildRtf, buildTnef, DOCX_TYPE, ODT_TYPE } from '#test/helpers/documents.ts';

const REPORT = [
  'Réalisations : 40 bibliothèques équipées (ligne d’action C3).',
  'Obstáculos: conectividad rural lenta.',
  'Future actions: regional training in 2026.',
];

const KINDS = [
  { name: 'report.docx', type: DOCX_TYPE, valid: () => buildDocx(REPORT) },
  { name: 'report.pdf', type: 'application/pdf', valid: () => buildPdf([REPORT], { compress: true }) },
  { name: 'report.odt', type: ODT_TYPE, valid: () => buildOdt(REPORT) },
  { name: 'report.rtf', type: 'application/rtf', valid: () => buildRtf(REPORT) },
  { name: 'report.txt', type: 'text/plain', valid: () => Buffer.from(REPORT.join('\n')) },
  { name: 'report.html', type: 'text/html', valid: () => Buffer.from(`<p>${REPORT.join('</p><p>')}</p>`) },
  { name: 'report.doc', type: 'application/msword', valid: () => buildRtf(REPORT) },
];

/** Damage as transfers and careless tools do it: bytes overwritten, the end cut off. */
const damage = (length: number) =>
  fc.record({
    writes: fc.array(fc.record({ at: fc.nat({ max: length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 12 }),
    keep: fc.integer({ min: 1, max: length }),
  });

function damaged(bytes: Uint8Array, { writes, keep }: { writes: { at: number; byte: number }[]; keep: number }): Uint8Array {
  const copy = bytes.slice(0, keep);
  for (const { at, byte } of writes) if (at < copy.length) copy[at] = byte;
  return copy;
}

describe('documents never throw on bad input', () => {
  for (const kind of KINDS) {
    it(`${kind.name}: arbitrary bytes get text or a reason`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 3_000 }), async (bytes) => {
          const result = await extractDocumentText(asAttachment(kind.name, kind.type, bytes));
          if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
        }),
        { numRuns: 40 },
      );
    });

    it(`${kind.name}: a damaged valid file gets text or a reason`, async () => {
      const valid = kind.valid();
      await fc.assert(
        fc.asyncProperty(damage(valid.length), async (how) => {
          const result = await extractDocumentText(asAttachment(kind.name, kind.type, damaged(valid, how)));
          if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('winmail.dat: damaged TNEF yields files or nothing, never an exception', async () => {
    const valid = buildTnef({ rtfBody: buildRtf(REPORT), attachments: [{ name: 'report.docx', content: buildDocx(REPORT) }] });
    await fc.assert(
      fc.asyncProperty(damage(valid.length), async (how) => {
        const files = await expandTnef(asAttachment('winmail.dat', 'application/ms-tnef', damaged(valid, how)));
        for (const file of files) expect(file.size).toBe(file.content.length);
      }),
      { numRuns: 100 },
    );
  });
});
