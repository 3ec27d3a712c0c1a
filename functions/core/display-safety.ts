/**
 * Showing text from messages to staff without letting it act on the terminal or mislead the reader:
 * control and escape characters are shown escaped, and a sender domain that mixes scripts (a
 * Cyrillic "а" in a Latin name, https://unicode.org/reports/tr39/#Mixed_Script_Detection) is shown
 * in punycode and flagged.
 */
import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * C0 and C1 controls, DEL, zero-width and direction marks, line and paragraph separators, bidi
 * embeddings, overrides and isolates, and the byte order mark.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/** Every unsafe character replaced by `replacement` (e.g. a space, for a header value). */
export function replaceUnsafeCharacters(text: string, replacement: string): string {
  return text.replace(UNSAFE_CHARS, replacement);
}

/** The unsafe characters JSON.stringify leaves as they are (the C0 controls it escapes; a pretty-printed line break is layout). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/** Every unsafe character as a visible escape (`\x1b`, `\u202e`); the rest unchanged. */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE_CHARS, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Text of several lines: line breaks kept (CRLF as LF), tabs as four spaces, everything else as escapeControlCharacters. */
export function escapeMultiline(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => escapeControlCharacters(line.replace(/\t/g, '    ')))
    .join('\n');
}

/**
 * One JSON text on one line that a terminal shows as it is: JSON.stringify already escapes C0
 * controls; the other unsafe characters (C1 controls such as U+009B, a CSI, and bidi overrides)
 * become \uXXXX escapes too, which any JSON parser reads back as the same string.
 */
export function toSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** Scripts a domain label may combine (UTS #39 "highly restrictive"): Japanese, Chinese and Korean writing. */
const ALLOWED_SCRIPT_SETS: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

/** The scripts a look-alike is usually drawn from, and those the allowed sets name. */
const SCRIPTS = [
  'Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Cherokee', 'Hebrew', 'Arabic', 'Syriac', 'Thaana',
  'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala',
  'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Khmer', 'Mongolian', 'Ethiopic', 'Han', 'Hiragana', 'Katakana', 'Bopomofo', 'Hangul',
] as const;
const SCRIPT_PATTERNS = SCRIPTS.map((name) => ({ name, pattern: new RegExp(`\\p{Script=${name}}`, 'u') }));

function scriptOf(char: string): string | null {
  if (/[\p{Script=Common}\p{Script=Inherited}]/u.test(char)) return null;
  return SCRIPT_PATTERNS.find(({ pattern }) => pattern.test(char))?.name ?? 'Other';
}

/** True when one label of the domain mixes scripts in a way no real name does. */
export function hasMixedScripts(domain: string): boolean {
  const unicode = domainToUnicode(domain) || domain;
  return unicode.split('.').some((label) => {
    const scripts = new Set<string>();
    for (const char of label) {
      const script = scriptOf(char);
      if (script) scripts.add(script);
    }
    return scripts.size > 1 && !ALLOWED_SCRIPT_SETS.some((allowed) => [...scripts].every((s) => allowed.includes(s)));
  });
}

export interface SenderDisplay {
  /** The address as it may be shown: escaped, its domain in punycode when flagged. */
  readonly text: string;
  /** The domain mixes scripts: likely an impersonation of another domain. */
  readonly mixedScripts: boolean;
}

/** A sender address for staff to read. */
export function displaySender(address: string | null): SenderDisplay {
  if (address === null) return { text: '(none)', mixedScripts: false };
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1);
  if (!domain || !hasMixedScripts(domain)) return { text: escapeControlCharacters(address), mixedScripts: false };
  // A domain IDNA refuses still must not show its look-alike letters: escape every non-ASCII one.
  const ascii = domainToASCII(domain) || domain.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
  return { text: `${escapeControlCharacters(address.slice(0, at))}@${escapeControlCharacters(ascii)}`, mixedScripts: true };
}
