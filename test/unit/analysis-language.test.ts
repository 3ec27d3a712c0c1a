import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { detectLanguage, LanguageDetectorNotLoadedError, loadLanguageDetector } from '#core/analysis/language.ts';
import { REPORTS } from '#test/fixtures/analysis/reports.ts';
import { SHORT_TEXTS } from '#test/fixtures/analysis/short-texts.ts';

/** Vietnamese as typed on a keyboard without a Vietnamese input method. */
function withoutDiacritics(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** Consecutive `size`-word windows of a text. */
function windows(text: string, size: number): string[] {
  const words = text.split(/\s+/);
  const result: string[] = [];
  for (let start = 0; start + size <= words.length; start += size) result.push(words.slice(start, start + size).join(' '));
  return result;
}

describe('detectLanguage', () => {
  beforeAll(async () => {
    await loadLanguageDetector();
  });

  it.each(REPORTS.map((report) => [report.id, report.language, report.text] as const))('tells the language of the %s report (%s)', (_id, language, text) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it.each(REPORTS.map((report) => [report.id, report.language, report.text] as const))('tells it from any 25-word passage of the %s report', (_id, language, text) => {
    for (const passage of windows(text, 25)) expect(detectLanguage(passage), passage).toBe(language);
  });

  const supported = SHORT_TEXTS.filter((sample) => sample.language !== 'id');
  it.each(supported.map((sample) => [sample.language, sample.text] as const))('tells %s in a short passage', (language, text) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('recognises Vietnamese typed without diacritics, whole and in 15-word passages', () => {
    const vietnamese = [...REPORTS, ...SHORT_TEXTS].filter((sample) => sample.language === 'vi');
    for (const { text } of vietnamese) {
      const plain = withoutDiacritics(text);
      expect(detectLanguage(plain), plain).toBe('vi');
      for (const passage of windows(plain, 15)) expect(detectLanguage(passage), passage).toBe('vi');
    }
  });

  it('recognises Vietnamese whose tone marks are combining characters (as windows-1258 mail stores them)', () => {
    const report = REPORTS.find((sample) => sample.id === 'vi-national-library');
    expect(detectLanguage(report?.text.normalize('NFD') ?? '')).toBe('vi');
  });

  it('does not take Indonesian, Italian or English for unaccented Vietnamese', () => {
    for (const sample of SHORT_TEXTS.filter((s) => ['id', 'it', 'en'].includes(s.language))) {
      expect(detectLanguage(sample.text)).not.toBe('vi');
    }
  });

  it('tells Japanese from Chinese by its Kana, and Korean by its Hangul', () => {
    expect(detectLanguage('国立国会図書館は明治期の資料をデジタル化して公開しました。')).toBe('ja');
    expect(detectLanguage('国家图书馆将明代的资料数字化并向公众开放。')).toBe('zh');
    expect(detectLanguage('국립중앙도서관은 고문헌을 디지털화하여 공개하였습니다.')).toBe('ko');
  });

  it('tells other Cyrillic and Arabic-script languages when the letters bear it out', () => {
    expect(detectLanguage('Національна бібліотека України оцифрувала понад десять тисяч рукописів і відкрила до них вільний доступ для дослідників.')).toBe('uk');
    expect(detectLanguage('کتابخانه ملی ایران در سال گذشته بیش از ده هزار کتاب را دیجیتال کرد و برای پژوهشگران در دسترس قرار داد.')).toBe('fa');
    expect(detectLanguage('أتاحت المكتبة الوطنية أكثر من عشرة آلاف كتاب رقمي للباحثين والطلاب مجانا.')).toBe('ar');
  });

  it('ignores web and e-mail addresses when judging', () => {
    // The addresses hold more (English) words than the Vietnamese sentence around them.
    const text =
      'Bao cao cua thu vien tinh nam nay xem tai https://www.example.org/annual-report-of-the-provincial-library-services ' +
      'va www.library-services-for-everyone.org/english-version, lien he library.services.department@example.org';
    expect(detectLanguage(text)).toBe('vi');
  });

  it('never throws on arbitrary text and answers a two-letter code or "und"', () => {
    const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)), maxLength: 300 });
    fc.assert(fc.property(fc.oneof(anyText, fc.string({ maxLength: 300 })), (text) => /^(?:[a-z]{2}|und)$/.test(detectLanguage(text))), { numRuns: 500 });
  });

  it.each(['', '   ', 'OK', 'Thanks!', 'C3 C4', 'https://www.example.org/a/long/path/to/the/report www.example.org', '2025-09-30 12:00'])(
    'returns "und" for too little text: %j',
    (text) => {
      expect(detectLanguage(text)).toBe('und');
    },
  );
});

describe('detectLanguage before the language data is loaded', () => {
  it('judges nothing long and says so; too-short texts need no data', async () => {
    vi.resetModules();
    const fresh = await import('#core/analysis/language.ts');
    expect(fresh.detectLanguage('OK')).toBe('und');
    expect(() => fresh.detectLanguage('The library trained three hundred teachers this year.')).toThrow(fresh.LanguageDetectorNotLoadedError);
    await fresh.loadLanguageDetector();
    expect(fresh.detectLanguage('The library trained three hundred teachers this year.')).toBe('en');
  });

  it('names the error', () => {
    const error = new LanguageDetectorNotLoadedError();
    expect(error.name).toBe('LanguageDetectorNotLoadedError');
    expect(error.message).toMatch(/loadLanguageDetector/);
  });
});
