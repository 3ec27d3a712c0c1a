/**
 * Word count as a submitter checking in a word processor would see it. One pass over the UTF-16
 * code units; a regular expression runs only on an unusual non-ASCII character at the start of a
 * token that has not yet shown a letter or digit.
 */
import { eastAsianScript } from './scripts.ts';

export const WORD_COUNT_RULE =
  'Words are counted the way a word processor counts them. The text is split at whitespace ' +
  '(spaces, tabs, line breaks, no-break and ideographic spaces); each piece that holds at least one ' +
  'letter or digit is one word, so "e-government", "2025", "C3/C4" and a web address such as ' +
  '"https://example.org/report" each count once, while stand-alone punctuation such as "-", "—" or ' +
  '"•" does not count. Chinese, Japanese and Korean characters (Han, Hiragana, Katakana, Hangul) ' +
  'count one word each; in a piece that mixes them with other letters, each such character counts ' +
  'one and each run of other characters between them that holds a letter or digit counts one more ' +
  '(so "2025年" is two words).';

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200b) || // en quad … hair space, zero-width space
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Letters of the scripts reports mostly come in, without the regular expression. */
function isCommonLetter(code: number): boolean {
  return (
    (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) || // Latin-1 and Latin Extended
    (code >= 0x400 && code <= 0x481) || // Cyrillic
    (code >= 0x48a && code <= 0x52f) ||
    (code >= 0x620 && code <= 0x64a) || // Arabic
    (code >= 0x660 && code <= 0x669) ||
    (code >= 0x671 && code <= 0x6d3) ||
    (code >= 0x1e00 && code <= 0x1eff) // Latin Extended Additional (Vietnamese)
  );
}

function isAsciiLetterOrDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
}

// Punctuation a web address may be wrapped in: ( [ { < " ' « “ ‘
const OPENING_PUNCTUATION = new Set([0x28, 0x5b, 0x7b, 0x3c, 0x22, 0x27, 0xab, 0x201c, 0x2018]);

/** True when the token at `start` begins with http://, https:// or www. (any case). */
function startsWithWebAddress(text: string, start: number): boolean {
  const c0 = text.charCodeAt(start) | 0x20;
  if (c0 === 0x77) {
    // www.
    return (text.charCodeAt(start + 1) | 0x20) === 0x77 && (text.charCodeAt(start + 2) | 0x20) === 0x77 && text.charCodeAt(start + 3) === 0x2e;
  }
  if (c0 !== 0x68) return false;
  const scheme = text.slice(start, start + 8).toLowerCase();
  return scheme.startsWith('http://') || scheme === 'https://';
}

export function countWords(text: string): number {
  let words = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    // Skip whitespace.
    while (index < length && isWhitespace(text.charCodeAt(index))) index++;
    if (index >= length) break;

    let addressStart = index;
    while (addressStart < length && OPENING_PUNCTUATION.has(text.charCodeAt(addressStart))) addressStart++;
    if (startsWithWebAddress(text, addressStart)) {
      words++;
      while (index < length && !isWhitespace(text.charCodeAt(index))) index++;
      continue;
    }

    // A token: CJK characters count one each; every other run counts once if it holds a letter or digit.
    let runHasWordCharacter = false;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (isWhitespace(code)) break;
      if (code < 0x80) {
        if (!runHasWordCharacter && isAsciiLetterOrDigit(code)) runHasWordCharacter = true;
        index++;
        continue;
      }
      const codePoint = text.codePointAt(index) ?? code;
      const width = codePoint > 0xffff ? 2 : 1;
      if (eastAsianScript(codePoint) !== null) {
        if (runHasWordCharacter) words++;
        runHasWordCharacter = false;
        words++;
      } else if (!runHasWordCharacter && (isCommonLetter(code) || LETTER_OR_DIGIT.test(text.slice(index, index + width)))) {
        runHasWordCharacter = true;
      }
      index += width;
    }
    if (runHasWordCharacter) words++;
  }
  return words;
}
