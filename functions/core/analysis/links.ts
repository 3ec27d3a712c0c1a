/**
 * Absolute http(s) links in a report, as written in the text (including bare "www." addresses, which
 * are returned as "http://www.…" so that every result is absolute). An HTML report's link targets
 * reach here written into its text (report-text.ts). Linear time: each regular expression below has one greedy class
 * and no nested quantifier, and trimming walks each match once.
 */

// A link starts at http://, https:// or www. not glued to a word, an address ("user@www…") or a path.
// It runs until whitespace, a delimiter that cannot be part of a written address (<>"` «» “” and
// CJK punctuation), or the end; trailing punctuation is trimmed afterwards.
const TEXT_LINK =
  /(?<![\p{L}\p{N}@./:_-])(?:https?:\/\/|www\.)[^\s<>"`{}|\\^«»“”‘’\u3000-\u303f\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f]+/giu;

// Latin, Arabic (، ؛ ؟ ۔) and CJK sentence punctuation.
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '»', '…', '\u060c', '\u061b', '\u061f', '\u06d4', '。', '，', '、', '；', '：', '！', '？']);
type Opening = '(' | '[' | '{';
const OPENING_OF: Readonly<Record<string, Opening>> = { ')': '(', ']': '[', '}': '{' };

/** Drops trailing punctuation and closing brackets that have no opening partner inside the link. */
function trimTrailing(link: string): string {
  // Bracket balance of the whole link, updated as characters are trimmed (linear, even for ")))…").
  const balance: Record<Opening, number> = { '(': 0, '[': 0, '{': 0 };
  for (let index = 0; index < link.length; index++) {
    const char = link.charAt(index);
    const opening = OPENING_OF[char];
    if (opening) balance[opening]--;
    else if (char === '(' || char === '[' || char === '{') balance[char]++;
  }
  let end = link.length;
  while (end > 0) {
    const last = link.charAt(end - 1);
    const opening = OPENING_OF[last];
    if (TRAILING_PUNCTUATION.has(last)) {
      end--;
    } else if (opening && balance[opening] < 0) {
      balance[opening]++;
      end--;
    } else {
      break;
    }
  }
  return link.slice(0, end);
}

/** The link with a scheme, or null when nothing is left of its host. */
function absolute(written: string): string | null {
  const scheme = /^https?:\/\//i.exec(written);
  if (scheme) return /^[\p{L}\p{N}[]/u.test(written.slice(scheme[0].length)) ? written : null;
  // www.<at least one more label character>
  return /^www\.[\p{L}\p{N}]/iu.test(written) ? `http://${written}` : null;
}

/** Key under which two spellings of the same link count as one (scheme, host case, final slash). */
function identity(link: string): string {
  const withoutScheme = link.slice(link.indexOf('://') + 3);
  const slash = withoutScheme.indexOf('/');
  const host = slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
  const rest = slash === -1 ? '' : withoutScheme.slice(slash);
  return host.toLowerCase() + rest.replace(/\/$/, '');
}

export function findLinks(text: string): string[] {
  const links: string[] = [];
  const seen = new Set<string>();
  const add = (link: string | null): void => {
    if (link === null) return;
    const key = identity(link);
    if (seen.has(key)) return;
    seen.add(key);
    links.push(link);
  };

  for (const match of text.matchAll(TEXT_LINK)) add(absolute(trimTrailing(match[0])));

  return links;
}
