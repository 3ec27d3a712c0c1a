import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords } from '#core/analysis/words.ts';
import { REPORTS } from '#test/fixtures/analysis/reports.ts';

/**
 * The counting rule written the slow, obvious way (split at whitespace, then regular expressions),
 * to check the single-pass implementation against.
 */
const EAST_ASIAN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]/u;
function referenceCount(text: string): number {
  let words = 0;
  for (const token of text.split(/[\s\u200b\ufeff]+/u)) {
    if (token === '') continue;
    if (/^[([{<"'«“‘]*(?:https?:\/\/|www\.)/i.test(token)) {
      words++;
      continue;
    }
    for (const piece of token.split(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー])/u)) {
      if (EAST_ASIAN.test(piece) || /[\p{L}\p{N}]/u.test(piece)) words++;
    }
  }
  return words;
}

// Characters where the rule has something to decide: letters of several scripts, digits, marks,
// punctuation, CJK punctuation, URL pieces, astral characters, and every kind of whitespace.
const WHITESPACE = [' ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2009', '\u202f'];
const SAMPLE_CHARACTERS = [
  ...'aZ09éßđươ', 'ж', 'ع', '٣', '\u0301', '\u0323', ...'-—•.,;:!?()「」、。，（）/@#', 'https://', 'www.', 'http://',
  ...'图书馆行动', ...'ひらがなカタカナー', ...'한국도서관', '𠀀', '😀', '\u200d',
];
const characterOrWhitespace = fc.constantFrom(...SAMPLE_CHARACTERS, ...WHITESPACE);
const textArbitrary = fc.array(characterOrWhitespace, { maxLength: 60 }).map((parts) => parts.join(''));
// Any code points, lone surrogates included (fast-check's own 'binary' unit is slow to generate).
const anyCodePoints = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)), maxLength: 60 });
const whitespaceRun = fc.array(fc.constantFrom(...WHITESPACE), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));

describe('countWords', () => {
  it.each([
    ['', 0],
    ['   \n\t ', 0],
    ['Libraries connect people', 3],
    ['e-government, C3/C4 and 2025.', 4],
    ['-  —  •  …  ()', 0],
    ['Access — for all', 3],
    ['Wi-Fi in 42 branch libraries', 5],
    ['Hướng hành động C3', 4],
    ['Huong hanh dong C3', 4],
    ['Доступ к информации (С3)', 4],
    ['النفاذ إلى المعلومات', 3],
    ['图书馆开放', 5],
    ['2025年，浙江图书馆', 7],
    ['国立国会図書館（NDL）', 8],
    ['デジタルアーカイブ', 9],
    ['국립중앙도서관은', 8],
    ['见https://www.zjlib.cn/guji', 2],
    ['https://例え.jp/パス/資料', 1],
    ['(https://例え.jp/資料).', 1],
    ['www.knls.ac.ke/plans is open', 3],
  ])('counts %j as %i words', (text, expected) => {
    expect(countWords(text)).toBe(expected);
  });

  it('treats no-break, thin and ideographic spaces and zero-width spaces as separators', () => {
    expect(countWords('open\u00a0access\u2009for\u3000all\u200bcommunities')).toBe(5);
  });

  it('counts the sample reports as the reference rule does', () => {
    for (const report of REPORTS) expect(countWords(report.text), report.id).toBe(referenceCount(report.text));
  });

  it('agrees with the reference rule on arbitrary mixed-script text', () => {
    fc.assert(fc.property(textArbitrary, (text) => countWords(text) === referenceCount(text)), { numRuns: 2000 });
  });

  it('does not change when whitespace runs are lengthened or swapped for other whitespace', () => {
    fc.assert(
      fc.property(fc.array(textArbitrary, { minLength: 1, maxLength: 8 }), fc.array(whitespaceRun, { minLength: 8, maxLength: 8 }), (pieces, runs) => {
        const singleSpaced = pieces.join(' ');
        const reSpaced = pieces.map((piece, index) => piece + (runs[index] ?? ' ')).join('');
        return countWords(reSpaced) === countWords(singleSpaced);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts two texts joined by whitespace as the sum of their counts', () => {
    fc.assert(
      fc.property(fc.oneof(textArbitrary, anyCodePoints), whitespaceRun, fc.oneof(textArbitrary, anyCodePoints), (first, gap, second) => {
        return countWords(first + gap + second) === countWords(first) + countWords(second);
      }),
      { numRuns: 1000 },
    );
  });
});
