/**
 * The matching form of a text: lower case, compatibility-decomposed, without accents, tone marks
 * or Arabic vowel signs, with letter variants merged. Keyword patterns are folded the same way, so
 * "Hướng hành động", "Huong hanh dong" and "HUONG HANH DONG" all read "huong hanh dong".
 */

// Latin combining marks; Arabic harakat, hamza above/below, madda, superscript alef; tatweel.
const MARKS = /[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g;

// Letters NFKD leaves alone but that writers use interchangeably.
const VARIANTS: Readonly<Record<string, string>> = {
  'đ': 'd',
  'ß': 'ss',
  'ٱ': 'ا', // alef wasla (hamzat al-wasl forms fold through NFKD + MARKS)
  'ى': 'ي', // alef maqsura / ya
  'ة': 'ه', // taa marbuta / ha
  'ی': 'ي', // Persian ya
  'ک': 'ك', // Persian kaf
  '’': "'",
  '‘': "'",
  'ʼ': "'",
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '−': '-',
};
const VARIANT_CHARS = /[đßٱىةیک’‘ʼ‐‑‒–—−\u0660-\u0669\u06f0-\u06f9]/g;

function replaceVariant(char: string): string {
  const code = char.charCodeAt(0);
  // Arabic-Indic and Persian digits read as ASCII digits ("ج٣" is C3).
  if (code >= 0x0660 && code <= 0x0669) return String.fromCharCode(code - 0x0660 + 48);
  if (code >= 0x06f0 && code <= 0x06f9) return String.fromCharCode(code - 0x06f0 + 48);
  return VARIANTS[char] ?? char;
}

const ASCII_ONLY = /^[\x20-\x7e\t\n\r]*$/;

// Several analyses fold the same report one after the other; the last result is kept.
let lastText = '';
let lastFolded = '';

/** The folded form of a whole text, for matching only (never shown). */
export function foldForMatching(text: string): string {
  if (text === lastText) return lastFolded;
  const lower = text.toLowerCase();
  const folded = ASCII_ONLY.test(lower) ? lower : lower.normalize('NFKD').replace(MARKS, '').replace(VARIANT_CHARS, replaceVariant);
  lastText = text;
  lastFolded = folded;
  return folded;
}

/**
 * Folds the non-ASCII parts of a regular-expression source the way `foldForMatching` folds text,
 * leaving ASCII alone so that escapes such as `\p{L}` or `\s` keep their meaning. Patterns are
 * therefore written in lower case.
 */
export function foldPatternSource(source: string): string {
  return source.replace(/[^\p{ASCII}]+/gu, foldForMatching);
}

/**
 * Turns a keyword pattern written for folded text into a regular-expression source: a space stands
 * for any run of spaces or hyphens ("capacity building", "capacity-building") and " ?" for an
 * optional one ("cyber ?security" also matches "cybersecurity"); `\b<` / `>\b` mark Unicode-aware
 * word starts and ends (JavaScript's own `\b` only knows ASCII). Patterns are written in lower case.
 */
function keywordSource(pattern: string): string {
  return foldPatternSource(pattern)
    .replaceAll(' ?', '[\\s\\-]*')
    .replaceAll(' ', '[\\s\\-]+')
    .replaceAll('\\b<', '(?<![\\p{L}\\p{N}])')
    .replaceAll('>\\b', '(?![\\p{L}\\p{N}])');
}

/** Compiles keyword patterns (see `keywordSource`) into one regular expression. */
export function compileFolded(patterns: readonly string[], flags = 'u'): RegExp {
  return new RegExp(patterns.map(keywordSource).join('|'), flags);
}

/** The top-level alternatives of a pattern: "a|(?:b|c)" → ["a", "(?:b|c)"]. */
function alternativesOf(pattern: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') index++;
    else if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (char === '|' && depth === 0) {
      alternatives.push(pattern.slice(start, index));
      start = index + 1;
    }
  }
  alternatives.push(pattern.slice(start));
  return alternatives;
}

/** Index of the parenthesis closing the group that opens at `open`. */
function closingParenthesis(pattern: string, open: number): number {
  let depth = 0;
  for (let index = open; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\') index++;
    else if (char === '(' || char === '[') depth++;
    else if ((char === ')' || char === ']') && --depth === 0) return index;
  }
  return pattern.length;
}

/**
 * Rewrites an alternative that starts with a non-capturing group into alternatives that start with
 * its branches: "(?:a|b) c" → ["a c", "b c"], "(?:mass )?media" → ["mass media", "media"].
 */
function distribute(alternative: string): string[] {
  if (!alternative.startsWith('(?:')) return [alternative];
  const close = closingParenthesis(alternative, 0);
  let rest = alternative.slice(close + 1);
  if (/^[*+{]/.test(rest)) return [alternative];
  const optional = rest.startsWith('?');
  if (optional) rest = rest.slice(1);
  const branches = alternativesOf(alternative.slice(3, close)).map((branch) => branch + rest);
  if (optional) branches.push(rest);
  return branches.flatMap(distribute);
}

const SYNTAX_CHARACTER = /[\\^$.*+?()[\]{}|/]/;
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/** True when the character before `index` is a letter or digit: a match there is inside a word. */
export function startsInsideWord(text: string, index: number): boolean {
  return index > 0 && WORD_CHARACTER.test(text.charAt(index - 1));
}

interface Alternative {
  readonly set: number;
  readonly atWordStart: boolean;
  readonly pattern: string;
}

/**
 * One expression for all alternatives of several keyword sets, as a trie one level deep (grouped by
 * first character, so V8 tries a handful of branches at each position instead of every
 * alternative), with one capturing group per first character, set and word-start requirement.
 */
function setsExpression(alternatives: readonly Alternative[]): { source: string; groups: Omit<Alternative, 'pattern'>[] } {
  const byFirstCharacter = new Map<string, Map<string, { set: number; atWordStart: boolean; sources: string[] }>>();
  for (const { set, atWordStart, pattern } of alternatives) {
    for (const alternative of distribute(pattern)) {
      const source = keywordSource(alternative);
      const first = source.slice(0, 1);
      const key = first === '\\' || first === '(' || first === '[' ? '' : first;
      const groups = byFirstCharacter.get(key) ?? new Map();
      byFirstCharacter.set(key, groups);
      const groupKey = `${set}:${atWordStart}`;
      const group = groups.get(groupKey) ?? { set, atWordStart, sources: [] };
      groups.set(groupKey, group);
      group.sources.push(source.slice(key.length));
    }
  }
  const groups: Omit<Alternative, 'pattern'>[] = [];
  const branches = [...byFirstCharacter].map(([first, byGroup]) => {
    const captured = [...byGroup.values()].map(({ set, atWordStart, sources }) => {
      groups.push({ set, atWordStart });
      return `(${sources.join('|')})`;
    });
    const prefix = SYNTAX_CHARACTER.test(first) ? `\\${first}` : first;
    return `${prefix}(?:${captured.join('|')})`;
  });
  return { source: branches.join('|'), groups };
}

/**
 * Finds which of several keyword sets occur in a folded text, in one pass however many sets and
 * patterns there are. Alternatives that start with `\b<` must start a word; that is checked on
 * each match rather than by a look-behind tried at every position (several times faster in V8 on
 * non-Latin-1 text). Patterns must not contain capturing groups. Matches do not overlap, so a
 * mention that starts inside another one is not seen.
 */
export function compileKeywordSets(sets: readonly (readonly string[])[]): (folded: string) => Set<number> {
  const alternatives = sets.flatMap((patterns, set) =>
    patterns.flatMap(alternativesOf).map((pattern) => {
      const atWordStart = pattern.startsWith('\\b<');
      return { set, atWordStart, pattern: atWordStart ? pattern.slice(3) : pattern };
    }),
  );
  const { source, groups } = setsExpression(alternatives);
  const expression = new RegExp(source, 'gu');
  return (folded) => {
    const found = new Set<number>();
    expression.lastIndex = 0;
    for (let match = expression.exec(folded); match !== null; match = expression.exec(folded)) {
      const group = groups[match.findIndex((value, index) => index > 0 && value !== undefined) - 1];
      if (match[0] === '' || (group?.atWordStart && startsInsideWord(folded, match.index))) {
        expression.lastIndex = match.index + 1;
      } else if (group) {
        found.add(group.set);
        if (found.size === sets.length) break;
      }
    }
    return found;
  };
}
