import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse } from '#test/helpers/fixtures.ts';
import { buildDocx, buildPdf } from '#test/helpers/documents.ts';
import type { ReportAnalysis } from '#core/types.ts';

const REPORT = `Our public library network advanced WSIS Action Line C3 (access to information and knowledge) and C4 (capacity building).
Key outputs: the open digital archive https://archive.example.org and the digital skills campaign https://skills.example.org.
Achievements: 40 branches now lend laptops and offer weekly training; 3,200 adults completed courses.
Obstacles and trends: rural broadband is still slow and costly, while demand for e-government help grows.
Future actions: in 2026 we will share our training kit with libraries across the region through the national association.`;

const headers = (extra = '') =>
  `From: Ana Souza <ana@biblioteca.example.br>\r\nTo: reports@intake.localhost\r\nSubject: WSIS report\r\nDate: Mon, 15 Sep 2025 10:00:00 -0300\r\nMessage-ID: <h1@biblioteca.example.br>\r\nMIME-Version: 1.0\r\n${extra}`;

function expectAnswered(a: ReportAnalysis): void {
  expect(['accepted', 'needs_revision', 'ignored']).toContain(a.status);
  if (a.status !== 'accepted') expect(a.problems.length).toBeGreaterThan(0);
  for (const p of a.problems) expect(p.message.length).toBeGreaterThan(20);
}

const codes = (a: ReportAnalysis) => a.problems.map((p) => p.code);

function withAttachment(name: string, type: string, content: Uint8Array, body = 'Dear colleagues, please find our report attached.\r\n\r\nBest regards,\r\nAna') {
  const b64 = Buffer.from(content).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    `${headers('Content-Type: multipart/mixed; boundary="mix"\r\n')}\r\n--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n--mix\r\nContent-Type: ${type}; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64}\r\n--mix--\r\n`,
  );
}

describe('hostile and broken messages are answered, never thrown', () => {
  it('a 0-byte file → empty_report alone', async () => {
    const a = await analyse(new Uint8Array(0));
    expect(a.status).toBe('needs_revision');
    expect(codes(a)).toEqual(['empty_report']);
  });

  it('garbage bytes → empty_report', async () => {
    const a = await analyse(randomBytes(64 * 1024));
    expectAnswered(a);
    expect(a.status).not.toBe('accepted');
  });

  it('a message cut off in the middle of a base64 attachment keeps its body', async () => {
    const raw = withAttachment('photo.jpg', 'image/jpeg', randomBytes(20_000), REPORT).subarray(0, 9_000);
    const a = await analyse(raw);
    expect(a.status).toBe('accepted');
    expect(a.actionLines).toEqual(['C3', 'C4', 'C7']);
  });

  it('a 30 MB message is analysed', { timeout: 60_000 }, async () => {
    const a = await analyse(withAttachment('scans.zip', 'application/zip', randomBytes(22 * 1024 * 1024), REPORT));
    expect(a.status).toBe('accepted');
    expect(a.source).toBe('body');
  });

  it('1,100 MIME parts → a problem that names the cause', async () => {
    let raw = headers('Content-Type: multipart/mixed; boundary="p"\r\n') + '\r\n';
    for (let i = 0; i < 1100; i++) raw += `--p\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`;
    const a = await analyse(Buffer.from(`${raw}--p--\r\n`));
    expect(codes(a)).toEqual(['empty_report']);
    expect(a.problems[0]?.message).toMatch(/MIME parts/);
    expect(a.from?.address).toBe('ana@biblioteca.example.br');
  });

  it('a 1 MB header block → a problem that names the cause', async () => {
    const junk = `X-Junk: ${'a'.repeat(990)}\r\n`.repeat(1100);
    const a = await analyse(Buffer.from(`${headers(junk)}\r\n${REPORT}\r\n`));
    expect(codes(a)).toEqual(['empty_report']);
    expect(a.problems[0]?.message).toMatch(/header/);
  });

  it('5,000 levels of nesting are bounded', async () => {
    let raw = headers('Content-Type: multipart/mixed; boundary="b0"\r\n') + '\r\n';
    for (let i = 1; i < 5000; i++) raw += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary="b${i}"\r\n\r\n`;
    raw += `--b4999\r\nContent-Type: text/plain\r\n\r\n${REPORT}\r\n`;
    for (let i = 4999; i >= 0; i--) raw += `--b${i}--\r\n`;
    const a = await analyse(Buffer.from(raw));
    expectAnswered(a);
  });

  it('two From headers: the first is the sender', async () => {
    const a = await analyse(`From: ana@biblioteca.example.br\nFrom: intruder@evil.example\nTo: reports@intake.localhost\nSubject: r\n\n${REPORT}\n`);
    expect(a.from?.address).toBe('ana@biblioteca.example.br');
  });

  it('an encoded-word display name that decodes to an address does not become the sender', async () => {
    const a = await analyse(`From: =?utf-8?B?Y2VvQG90aGVyLmV4YW1wbGU=?= <real@library.example>\nTo: reports@intake.localhost\nSubject: r\n\n${REPORT}\n`);
    expect(a.from?.address).toBe('real@library.example');
    const bare = await analyse(`From: =?utf-8?Q?ceo=40other.example?=\nTo: reports@intake.localhost\nSubject: r\n\n${REPORT}\n`);
    expect(bare.from).toBeNull();
  });

  it('a subject that decodes to CRLF + Bcc: stays one subject value', async () => {
    const a = await analyse(`From: ana@biblioteca.example.br\nTo: reports@intake.localhost\nSubject: =?utf-8?B?aGkNCkJjYzogdmljdGltQGV4YW1wbGUuY29t?=\n\n${REPORT}\n`);
    expect(a.subject).toBe('hi\r\nBcc: victim@example.com');
    expect(a.cc).toEqual([]);
  });

  it('a .docx zip bomb → unreadable_attachment alone, quickly', async () => {
    const bomb = buildDocx([REPORT], { extraEntries: 5000 });
    const a = await analyse(withAttachment('report.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bomb));
    expect(codes(a)).toEqual(['unreadable_attachment']);
  });

  it('a .docx report attached to a cover note is judged from the attachment', async () => {
    const docx = buildDocx(REPORT.split('\n'));
    const a = await analyse(withAttachment('WSIS report.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', docx));
    expect(a.source).toBe('attachment:WSIS report.docx');
    expect(a.status).toBe('accepted');
  });

  it('a PDF with 10,000 pages is read within bounds', { timeout: 30_000 }, async () => {
    const pages = Array.from({ length: 10_000 }, (_, i) => (i === 0 ? REPORT.split('\n') : [`Page ${i + 1}`]));
    const a = await analyse(withAttachment('report.pdf', 'application/pdf', buildPdf(pages)));
    expectAnswered(a);
  });
});

// Arbitrary MIME trees: multiparts of random kinds holding leaves of random types, charsets and encodings.
type Tree = { kind: 'leaf'; type: string; charset: string; encoding: string; name: string | null; body: Uint8Array } | { kind: 'multi'; subtype: string; children: Tree[] };

const leaf = fc.record({
  kind: fc.constant('leaf' as const),
  type: fc.constantFrom('text/plain', 'text/html', 'application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/ms-tnef', 'message/rfc822', 'message/delivery-status', 'image/png', 'application/rtf', 'text/calendar'),
  charset: fc.constantFrom('utf-8', 'windows-1258', 'koi8-r', 'gb2312', 'iso-2022-jp', 'x-unknown', 'utf-7', 'big5'),
  encoding: fc.constantFrom('base64', 'quoted-printable', '8bit', '7bit', 'x-uuencode', 'binary'),
  name: fc.option(fc.constantFrom('report.docx', 'report.pdf', 'winmail.dat', 'r.odt', 'r.rtf', 'r.txt', '../../etc/passwd', 'a"b.html'), { nil: null }),
  body: fc.uint8Array({ maxLength: 600 }),
});
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant('multi' as const), subtype: fc.constantFrom('mixed', 'alternative', 'related', 'report', 'signed'), children: fc.array(tie('tree'), { maxLength: 4 }) }),
  ),
})).tree;

function serialize(node: Tree, depth = 0): Buffer {
  if (node.kind === 'leaf') {
    const disposition = node.name ? `Content-Disposition: attachment; filename="${node.name}"\r\n` : '';
    return Buffer.concat([Buffer.from(`Content-Type: ${node.type}; charset=${node.charset}\r\nContent-Transfer-Encoding: ${node.encoding}\r\n${disposition}\r\n`), node.body, Buffer.from('\r\n')]);
  }
  const boundary = `bnd${depth}x${node.children.length}`;
  const parts = node.children.map((child) => Buffer.concat([Buffer.from(`--${boundary}\r\n`), serialize(child, depth + 1)]));
  return Buffer.concat([Buffer.from(`Content-Type: multipart/${node.subtype}; boundary="${boundary}"\r\n\r\n`), ...parts, Buffer.from(`--${boundary}--\r\n`)]);
}

describe('properties', () => {
  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        expectAnswered(await analyse(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on arbitrary MIME trees', async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (t) => {
        expectAnswered(await analyse(Buffer.concat([Buffer.from(headers()), serialize(t)])));
      }),
      { numRuns: 150 },
    );
  });
});
