import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findLinks } from '#core/analysis/links.ts';
import { REPORTS } from '#test/fixtures/analysis/reports.ts';

describe('findLinks', () => {
  it.each(REPORTS.map((report) => [report.id, report.text, report.expected.links] as const))('finds the links of the %s report', (_id, text, expected) => {
    expect(findLinks(text)).toEqual(expected);
  });

  it.each([
    ['See https://example.org/report.', 'https://example.org/report'],
    ['Links: https://example.org/a, and more; done', 'https://example.org/a'],
    ['(https://example.org/report)', 'https://example.org/report'],
    ['(see https://en.wikipedia.org/wiki/Library_(disambiguation)).', 'https://en.wikipedia.org/wiki/Library_(disambiguation)'],
    ['[https://example.org/x]', 'https://example.org/x'],
    ['«https://example.org/fr»', 'https://example.org/fr'],
    ['“https://example.org/quoted”', 'https://example.org/quoted'],
    ['"https://example.org/q?a=1&b=2",', 'https://example.org/q?a=1&b=2'],
    ["'https://example.org/single'", 'https://example.org/single'],
    ['Really? https://example.org/faq?!', 'https://example.org/faq'],
    ['<https://example.org/angle>', 'https://example.org/angle'],
    ['Visit www.example.org/library.', 'http://www.example.org/library'],
    ['WWW.EXAMPLE.ORG', 'http://WWW.EXAMPLE.ORG'],
    ['HTTPS://Example.org/Path', 'HTTPS://Example.org/Path'],
    ['网站：https://www.zjlib.cn/guji，欢迎访问。', 'https://www.zjlib.cn/guji'],
    ['詳しくは（https://dl.ndl.go.jp）をご覧ください', 'https://dl.ndl.go.jp'],
    ['موقعها https://www.bibalex.org/digital ، دعمًا', 'https://www.bibalex.org/digital'],
    ['https://thuvien.vn/tài-liệu-số…', 'https://thuvien.vn/tài-liệu-số'],
    ['http://[2001:db8::1]/report', 'http://[2001:db8::1]/report'],
  ])('takes the link out of %j', (text, expected) => {
    expect(findLinks(text)).toEqual([expected]);
  });

  it.each([
    'ftp://files.example.org/report.pdf',
    'mailto:reports@example.org',
    'write to reports@www.example.org',
    'awww.example.org is not a web address',
    'https:// example.org',
    'http://',
    'www.',
    'file:///etc/passwd',
    'javascript:alert(1)',
  ])('finds no link in %j', (text) => {
    expect(findLinks(text)).toEqual([]);
  });

  it('keeps the order of first appearance and drops repeats, whatever the scheme case, host case or final slash', () => {
    const text = 'https://b.example.org/x then https://a.example.org/ and HTTPS://A.example.org, again https://b.example.org/x/.';
    expect(findLinks(text)).toEqual(['https://b.example.org/x', 'https://a.example.org/']);
  });

  // mailparser once shipped a linkify regular expression that took minutes on crafted input.
  it.each([
    ['one unterminated link full of brackets', 'http://a' + ')'.repeat(1_000_000)],
    ['a million opening brackets', 'https://x.org/' + '('.repeat(1_000_000)],
    ['link starts over and over', 'www.'.repeat(250_000)],
    ['schemes without hosts', 'https://'.repeat(125_000)],
    ['almost-schemes', 'http:/'.repeat(170_000)],
    ['trailing punctuation', 'https://x.org/' + '.,;:!?'.repeat(170_000)],
    ['one long word', 'a'.repeat(1_000_000)],
    ['spaces between halves', 'http'.repeat(125_000) + ' '.repeat(500_000)],
  ])('stays linear on a 1 MB adversarial text: %s', (_name, text) => {
    const started = performance.now();
    findLinks(text);
    // Generous bound for a shared machine: the quadratic versions take minutes.
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('never throws on arbitrary text, and returns only absolute http(s) links', () => {
    const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)), maxLength: 120 });
    const linkish = fc
      .array(fc.constantFrom('http://', 'https://', 'www.', '"', '>', '(', ')', '.', 'a', '例', ' ', '&amp;', '@', '،', '。'), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(anyText, linkish), (text) => {
        return findLinks(text).every((link) => /^https?:\/\/\S/i.test(link));
      }),
      { numRuns: 2000 },
    );
  });
});
