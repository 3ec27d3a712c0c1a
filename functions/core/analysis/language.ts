/**
 * Language of a report (ISO 639-1, or "und" when there is too little text to tell).
 *
 * Cheap script checks decide what the script alone decides: Han without Kana is Chinese, Kana is
 * Japanese, Hangul is Korean, Vietnamese tone-marked letters are Vietnamese. Everything else goes
 * to eld (Efficient Language Detector, its extra-small n-gram table): about 0.1–0.2 ms per 200-word
 * report and accurate on short texts, but its table takes ~200 ms and ~35 MB to load, so it is
 * loaded on demand by `loadLanguageDetector()` (once per process) rather than imported with this
 * module. eld does not recognise Vietnamese typed without diacritics reliably, so a syllable rule,
 * tried first on Latin text without accents, catches it: nearly every word is a well-formed
 * Vietnamese syllable and many are among the most frequent ones ("cua", "va", "cac", "thu vien",
 * "thong tin"…).
 */
import type { eld as ExtraSmallEld } from 'eld/extrasmall';
import { eastAsianScript } from './scripts.ts';

/** Thrown when `detectLanguage` runs before `loadLanguageDetector()` has finished: a programming error. */
export class LanguageDetectorNotLoadedError extends Error {
  override readonly name = 'LanguageDetectorNotLoadedError';
  constructor() {
    super('detectLanguage() needs the language data: await loadLanguageDetector() first');
  }
}

type Detector = Pick<typeof ExtraSmallEld, 'detect'>;
let detector: Detector | undefined;
let loading: Promise<void> | undefined;

/** Loads the language data once; later calls return at once. */
export function loadLanguageDetector(): Promise<void> {
  loading ??= import('eld/extrasmall').then(
    (module) => {
      detector = module.eld;
    },
    (error: unknown) => {
      loading = undefined; // let a later call try again
      throw error;
    },
  );
  return loading;
}

/** Below this many letters (an East Asian character counts as 3) the language is "und". */
const MIN_LETTERS = 20;

// Web and e-mail addresses say nothing about the language and mislead n-gram models.
// Both patterns start only where an address can start, so they stay linear on long tokens.
const WEB_ADDRESSES = /(?:https?:\/\/|www\.)\S*/gi;
const MAIL_ADDRESSES = /(?<!\S)[^\s@]*@\S*/g;

/** The opening of a report says what its language is; longer texts are judged on it alone. */
const SAMPLE_LENGTH = 4000;

function withoutAddresses(text: string): string {
  const withoutWeb = text.replace(WEB_ADDRESSES, ' ');
  return withoutWeb.includes('@') ? withoutWeb.replace(MAIL_ADDRESSES, ' ') : withoutWeb;
}

const PERSIAN_LETTERS = /[پچژگکی]/u;
const URDU_LETTERS = /[ٹڈڑںےھ]/u;
const CYRILLIC_LANGUAGES = new Set(['ru', 'uk', 'bg', 'be', 'sr', 'mk', 'kk']);

interface ScriptCounts {
  latin: number;
  nonAsciiLatin: number;
  vietnameseMarked: number;
  cyrillic: number;
  arabic: number;
  han: number;
  kana: number;
  hangul: number;
  other: number;
}

const OTHER_LETTER = /\p{L}/u;

function countScripts(text: string): ScriptCounts {
  const counts: ScriptCounts = { latin: 0, nonAsciiLatin: 0, vietnameseMarked: 0, cyrillic: 0, arabic: 0, han: 0, kana: 0, hangul: 0, other: 0 };
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) {
      if ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a) counts.latin++;
      continue;
    }
    if ((code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7) || (code >= 0x1e00 && code <= 0x1eff)) {
      counts.latin++;
      counts.nonAsciiLatin++;
      // ơ ư and the tone-marked vowels ạ…ỹ exist only in Vietnamese.
      if ((code >= 0x1ea0 && code <= 0x1ef9) || code === 0x1a0 || code === 0x1a1 || code === 0x1af || code === 0x1b0) counts.vietnameseMarked++;
      continue;
    }
    if (code === 0x309 || code === 0x323) {
      counts.vietnameseMarked++; // hook above, dot below (decomposed Vietnamese, as windows-1258 writes it)
      continue;
    }
    if (code >= 0x400 && code <= 0x4ff) {
      counts.cyrillic++;
      continue;
    }
    if ((code >= 0x620 && code <= 0x64a) || (code >= 0x66e && code <= 0x6d3) || (code >= 0x6fa && code <= 0x6ff) || (code >= 0x750 && code <= 0x77f) || (code >= 0xfb50 && code <= 0xfdff) || (code >= 0xfe70 && code <= 0xfefc)) {
      counts.arabic++;
      continue;
    }
    const codePoint = text.codePointAt(index) ?? code;
    if (codePoint > 0xffff) index++;
    const eastAsian = eastAsianScript(codePoint);
    if (eastAsian !== null) counts[eastAsian]++;
    else if (code >= 0x370 && OTHER_LETTER.test(String.fromCodePoint(codePoint))) counts.other++;
  }
  return counts;
}

const VIETNAMESE_SYLLABLE = /^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$/;
// Frequent Vietnamese syllables, without diacritics, that are not common words in other Latin-script
// languages (so not "de", "la", "co", "da", "tu", "dan", "con", "van"…).
const FREQUENT_VIETNAMESE = new Set(
  (
    'cua va cac nhung duoc trong thu vien thong tin nguoi khong nhieu chung toi voi mot nay cho nhu cung ' +
    'viec hien thuc phat trien dong hoat tren duoi sach hoc truong tinh huyen nuoc cong nghe den nam nhan ' +
    'thanh phan quan ly chinh sinh dich vu lieu doc gia quoc ket qua khan kho dat trinh chuong dung xay ' +
    'nang luc cao ho tro su dia phuong cap tiep truy ke hoach gian thoi moi nghiep tap huan dao tao giao ' +
    'duc khoa ky cau tang cuong hop tac khu vuc hoi thao toc thieu nhi xa tai bao gop lam them dien viet ' +
    'hanh huong nhat cuoi tuan duong'
  ).split(' '),
);

/** Vietnamese typed without diacritics: almost all words are syllables, many of them frequent ones. */
function looksLikeUnaccentedVietnamese(text: string): boolean {
  let words = 0;
  let syllables = 0;
  let frequent = 0;
  for (const [word] of text.toLowerCase().matchAll(/[a-z]+/g)) {
    words++;
    if (VIETNAMESE_SYLLABLE.test(word)) syllables++;
    if (FREQUENT_VIETNAMESE.has(word)) frequent++;
  }
  return words >= 6 && syllables >= 0.7 * words && frequent >= 0.3 * words;
}

export function detectLanguage(text: string): string {
  const prose = withoutAddresses(text.slice(0, SAMPLE_LENGTH));
  const counts = countScripts(prose);
  const eastAsian = counts.han + counts.kana + counts.hangul;
  const weighted = counts.latin + counts.cyrillic + counts.arabic + counts.other + 3 * eastAsian;
  if (weighted < MIN_LETTERS) return 'und';
  if (!detector) throw new LanguageDetectorNotLoadedError();

  const dominant = Math.max(counts.latin, counts.cyrillic, counts.arabic, counts.other, 3 * eastAsian);
  if (dominant === 3 * eastAsian) {
    if (counts.hangul >= counts.han + counts.kana) return 'ko';
    // Japanese mixes Kana into Han throughout; Chinese has none.
    return counts.kana * 10 >= counts.han + counts.kana ? 'ja' : 'zh';
  }
  if (dominant === counts.latin) {
    if (counts.vietnameseMarked >= 3 && counts.vietnameseMarked * 30 >= counts.latin) return 'vi';
    if (counts.nonAsciiLatin * 100 <= counts.latin && looksLikeUnaccentedVietnamese(prose)) return 'vi';
  }

  const guess = detector.detect(prose).language;
  if (dominant === counts.arabic) {
    if (guess === 'fa' && PERSIAN_LETTERS.test(prose)) return 'fa';
    if (guess === 'ur' && URDU_LETTERS.test(prose)) return 'ur';
    return 'ar';
  }
  if (dominant === counts.cyrillic) return CYRILLIC_LANGUAGES.has(guess) ? guess : 'ru';
  return guess || 'und';
}
