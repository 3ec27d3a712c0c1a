/** Which East Asian script a code point belongs to, for the scripts whose characters are words. */
export type EastAsianScript = 'han' | 'kana' | 'hangul';

export function eastAsianScript(codePoint: number): EastAsianScript | null {
  if (codePoint < 0x1100) return null;
  if ((codePoint >= 0x4e00 && codePoint <= 0x9fff) || (codePoint >= 0x3400 && codePoint <= 0x4dbf)) return 'han';
  if (codePoint >= 0xac00 && codePoint <= 0xd7af) return 'hangul';
  if (
    (codePoint >= 0x3040 && codePoint <= 0x309f) || // Hiragana
    (codePoint >= 0x30a1 && codePoint <= 0x30fa) || // Katakana (without ゠ and ・)
    codePoint === 0x30fc || // prolonged sound mark ー
    (codePoint >= 0x31f0 && codePoint <= 0x31ff) || // Katakana phonetic extensions
    (codePoint >= 0xff66 && codePoint <= 0xff9d) || // halfwidth Katakana
    (codePoint >= 0x1b000 && codePoint <= 0x1b16f) // Kana supplement, extended-A
  ) {
    return 'kana';
  }
  if (
    (codePoint >= 0x1100 && codePoint <= 0x11ff) || // Jamo
    (codePoint >= 0x3130 && codePoint <= 0x318f) || // compatibility Jamo
    (codePoint >= 0xa960 && codePoint <= 0xa97f) || // Jamo extended-A
    (codePoint >= 0xd7b0 && codePoint <= 0xd7ff) || // Jamo extended-B
    (codePoint >= 0xffa1 && codePoint <= 0xffdc) // halfwidth Hangul
  ) {
    return 'hangul';
  }
  if (
    codePoint === 0x3005 || // 々
    codePoint === 0x3007 || // 〇
    (codePoint >= 0xf900 && codePoint <= 0xfaff) || // compatibility ideographs
    (codePoint >= 0x20000 && codePoint <= 0x3134f) // extensions B–G, compatibility supplement
  ) {
    return 'han';
  }
  return null;
}
