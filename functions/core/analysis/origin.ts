/**
 * The reporting library's country (ISO 3166-1 alpha-2) and organization, best effort.
 *
 * Country, first found wins: an explicit field ("Country:", "Pays :", "Quốc gia:", "Страна:",
 * "البلد:", "国家："…) in the report or the signature; the sender's country-code domain (.vn → VN,
 * .uk → GB; generic and vanity domains such as .org or .io say nothing); a country name ending a
 * line or a comma-separated part of the signature ("Hanoi, Viet Nam"), or of the sender's display
 * name when that names a library or association ("National Library of Jordan").
 * Country names come from the ICU data behind `Intl.DisplayNames` in the languages reports come in,
 * plus common aliases ("USA", "Viet Nam", "Russian Federation"…); the table is built on first use.
 *
 * Organization: an explicit field ("Organization:", "Tổ chức:", "单位："…), else a part of a
 * signature line, else of the display name, that names a library or association ("… Library",
 * "Bibliothèque …", "Thư viện …", "مكتبة …", "…图书馆", "Hội Thư viện …").
 */
import { compileFolded, foldForMatching, foldPatternSource } from './fold.ts';

export interface Origin {
  country: string | null;
  organization: string | null;
}

export interface OriginInput {
  reportText: string;
  signature: string;
  fromAddress: string | null;
  fromName: string | null;
}

// ISO 3166-1 alpha-2 (officially assigned) plus XK (Kosovo), which CLDR and the EU use.
const COUNTRY_CODES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO ' +
    'FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE ' +
    'JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO ' +
    'MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW ' +
    'PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM ' +
    'TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

/** Languages whose country names are recognised (reports come in these). */
const NAME_LANGUAGES = ['en', 'fr', 'es', 'pt', 'de', 'vi', 'ru', 'ar', 'zh'];

/** Names ICU does not give, or gives differently, that senders write. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  US: ['USA', 'U.S.A.', 'U.S.', 'United States of America', 'EE.UU.', 'EEUU', 'Mỹ', 'Hoa Kỳ', 'Etats-Unis d’Amérique'],
  GB: ['UK', 'U.K.', 'Great Britain', 'Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland', 'Anh'],
  VN: ['Viet Nam', 'Vietnam', 'Việt Nam', 'Socialist Republic of Viet Nam', 'Cộng hòa Xã hội Chủ nghĩa Việt Nam'],
  RU: ['Russian Federation', 'Российская Федерация', 'РФ', 'Fédération de Russie', 'Federación de Rusia'],
  KR: ['Republic of Korea', 'Korea', 'Corée', 'Corea', 'Korea, Republic of', '대한민국'],
  KP: ["Democratic People's Republic of Korea", 'DPRK'],
  CZ: ['Czech Republic', 'République tchèque', 'República Checa', 'Tschechische Republik'],
  TR: ['Turkey', 'Turquie', 'Turquía', 'Türkei', 'Turkiye'],
  CI: ['Ivory Coast', "Cote d'Ivoire"],
  CD: ['DRC', 'DR Congo', 'Democratic Republic of the Congo', 'Democratic Republic of Congo', 'RDC', 'République démocratique du Congo'],
  CG: ['Congo', 'Republic of the Congo', 'Congo-Brazzaville'],
  NL: ['Holland', 'The Netherlands'],
  MM: ['Burma'],
  SZ: ['Swaziland'],
  MK: ['Macedonia', 'Republic of North Macedonia'],
  CV: ['Cabo Verde'],
  TL: ['East Timor'],
  PS: ['State of Palestine', 'Palestine'],
  IR: ['Islamic Republic of Iran', 'Iran (Islamic Republic of)'],
  SY: ['Syrian Arab Republic'],
  LA: ["Lao People's Democratic Republic", 'Lao PDR'],
  BO: ['Plurinational State of Bolivia', 'Bolivia (Plurinational State of)'],
  VE: ['Bolivarian Republic of Venezuela', 'Venezuela (Bolivarian Republic of)'],
  TZ: ['United Republic of Tanzania'],
  MD: ['Republic of Moldova'],
  BN: ['Brunei Darussalam'],
  VA: ['Holy See', 'Vatican'],
  HK: ['Hong Kong', '香港'],
  MO: ['Macau', '澳门', '澳門'],
  TW: ['台湾', '臺灣'],
  CN: ['PRC', "People's Republic of China", '中华人民共和国'],
  EG: ['جمهورية مصر العربية'],
  AE: ['UAE', 'الإمارات'],
  SA: ['KSA', 'السعودية'],
};

/** Country-code domains used as generic names; they count only under a public second level (gov.co). */
const VANITY_DOMAINS = new Set(['io', 'co', 'me', 'tv', 'ai', 'fm', 'ly', 'to', 'ws', 'cc', 'gg', 'la', 'nu', 'tk', 'ac', 'sh', 'im']);
const PUBLIC_SECOND_LEVELS = new Set(['gov', 'gob', 'edu', 'org', 'ac', 'com', 'net', 'mil', 'nic', 'sch']);

interface CountryNames {
  /** Folded name → code. */
  readonly byName: ReadonlyMap<string, string>;
  /** Longest name, in characters, among names written without spaces (Chinese, Japanese, Korean). */
  readonly longestUnspaced: number;
}

/** Folded, punctuation-free form of a name: "St. Kitts & Nevis" → "st kitts and nevis". */
function nameKey(name: string): string {
  return foldForMatching(name)
    .replace(/&/g, ' and ')
    .replace(/[.'’]/g, '')
    .replace(/[\s,()\-/]+/g, ' ')
    .trim();
}

const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

let countryNames: CountryNames | undefined;

/** The name table, built once on first use from ICU's region names. */
function getCountryNames(): CountryNames {
  if (countryNames) return countryNames;
  const byName = new Map<string, string>();
  const derived = new Map<string, string>();
  const ambiguous = new Set<string>();
  const written = new Set<string>(); // many names are spelled alike in several languages
  const addName = (name: string, code: string): void => {
    if (written.has(code + name)) return;
    written.add(code + name);
    const key = nameKey(name);
    // A name that spells another country's code is left out: es "RU" (Reino Unido) is Russia's code.
    if (key.length < 2 || (COUNTRY_CODES.has(key.toUpperCase()) && key.toUpperCase() !== code)) return;
    if (!byName.has(key)) byName.set(key, code);
    // Also the parts of "Myanmar (Burma)" and "St." spelled out, unless they name two countries.
    if (!/[()（）]|St\. /.test(name)) return;
    for (const variant of [...name.split(/[()（）]/), name.replace(/\bSt\. /g, 'Saint ')]) {
      const variantKey = nameKey(variant);
      if (variantKey.length < 2 || variantKey === key) continue;
      if (derived.has(variantKey) && derived.get(variantKey) !== code) ambiguous.add(variantKey);
      else derived.set(variantKey, code);
    }
  };
  for (const [code, aliases] of Object.entries(ALIASES)) for (const alias of aliases) addName(alias, code);
  for (const language of NAME_LANGUAGES) {
    const long = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    const short = new Intl.DisplayNames([language], { type: 'region', style: 'short', fallback: 'none' });
    for (const code of COUNTRY_CODES) {
      const name = long.of(code);
      if (name) addName(name, code);
      const shortName = short.of(code);
      if (shortName && shortName !== name) addName(shortName, code);
    }
  }
  for (const [key, code] of derived) if (!ambiguous.has(key) && !byName.has(key)) byName.set(key, code);
  let longestUnspaced = 0;
  for (const key of byName.keys()) if (UNSPACED_SCRIPT.test(key)) longestUnspaced = Math.max(longestUnspaced, key.length);
  countryNames = { byName, longestUnspaced };
  return countryNames;
}

/** The country a short piece of text ends with, e.g. "Hanoi, Viet Nam" part "Viet Nam". */
function countryEnding(segment: string): string | null {
  const { byName, longestUnspaced } = getCountryNames();
  const key = nameKey(segment);
  if (!key) return null;
  if (UNSPACED_SCRIPT.test(key)) {
    // No spaces between words: look for a known name anywhere in the part, longest first.
    for (let length = Math.min(longestUnspaced, key.length); length >= 2; length--) {
      for (let start = 0; start + length <= key.length; start++) {
        const code = byName.get(key.slice(start, start + length));
        if (code) return code;
      }
    }
    return null;
  }
  const words = key.split(' ');
  for (let count = Math.min(words.length, 6); count >= 1; count--) {
    const candidate = words.slice(words.length - count).join(' ');
    // Short Latin names ("us", "nga", "anh") are too often other words outside an explicit field.
    if (candidate.length < 4) continue;
    const code = byName.get(candidate);
    if (code) return code;
  }
  return null;
}

/** The country an explicit field's value names: a code, a name, or a part that is one. */
function countryOfValue(value: string): string | null {
  const trimmed = value.trim().replace(/[.;,]+$/, '');
  if (/^[A-Z]{2}$/.test(trimmed) && COUNTRY_CODES.has(trimmed)) return trimmed;
  const whole = getCountryNames().byName.get(nameKey(trimmed));
  if (whole) return whole;
  for (const part of trimmed.split(/[,;/|()（）]/)) {
    const code = countryEnding(part);
    if (code) return code;
  }
  return null;
}

// Field labels, folded. A line "Label: value" (or "Label / Label2 : value") carries the field.
const COUNTRY_LABELS = String.raw`country(?: or territory)?|pays|pais|land|quoc gia|nuoc|страна|(?:ال)?بلد|(?:ال)?دوله|国家|国名|국가`;
const ORGANIZATION_LABELS =
  String.raw`organi[sz]ation(?: name)?|name of (?:the )?(?:library|organi[sz]ation|institution)|reporting (?:library|organi[sz]ation)|institution(?: name)?|library(?: name)?|` +
  String.raw`organisme|etablissement|bibliotheque|organizacion|institucion|organizacao|instituicao|biblioteca|organisation|einrichtung|institution|bibliothek|` +
  String.raw`to chuc|don vi|co quan|thu vien|организация|учреждение|библиотека|(?:ال)?مؤسسه|(?:ال)?منظمه|(?:ال)?جهه|(?:ال)?مكتبه|单位|机构|機関|組織|기관`;

function fieldPattern(labels: string): RegExp {
  const folded = foldPatternSource(labels);
  return new RegExp(String.raw`^[\s*•\-]*(?:${folded})(?:\s*/\s*(?:${folded}|region|territory|territoire))*\s*:\s*\S`, 'u');
}
const COUNTRY_FIELD = fieldPattern(COUNTRY_LABELS);
const ORGANIZATION_FIELD = fieldPattern(ORGANIZATION_LABELS);

/** The values of the "Label: value" lines whose label matches, as written, in order. */
function* fieldValues(text: string, label: RegExp): Generator<string> {
  for (const line of text.split(/\r?\n/)) {
    const colon = line.search(/[:：]/);
    if (colon === -1 || colon > 60) continue;
    if (!label.test(foldForMatching(line))) continue;
    const value = clean(line.slice(colon + 1));
    if (value) yield value;
  }
}

function firstOf<T>(values: Iterable<T>, pick: (value: T) => string | null): string | null {
  for (const value of values) {
    const picked = pick(value);
    if (picked !== null) return picked;
  }
  return null;
}

function first(values: Iterable<string>): string | null {
  return firstOf(values, (value) => value);
}

function clean(value: string): string {
  return value
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[*"'«“]+|[*"'»”.,;]+$/g, '')
    .trim()
    .slice(0, 200);
}

function countryOfDomain(fromAddress: string | null): string | null {
  if (!fromAddress) return null;
  const labels = fromAddress.slice(fromAddress.lastIndexOf('@') + 1).toLowerCase().replace(/\.$/, '').split('.');
  const tld = labels.at(-1) ?? '';
  if (!/^[a-z]{2}$/.test(tld)) return null;
  if (VANITY_DOMAINS.has(tld) && !PUBLIC_SECOND_LEVELS.has(labels.at(-2) ?? '')) return null;
  const code = tld === 'uk' ? 'GB' : tld.toUpperCase();
  return COUNTRY_CODES.has(code) ? code : null;
}

/** The comma-, bar- or bracket-separated parts of the lines of a signature or display name. */
function segments(text: string): string[] {
  return text
    .split(/\r?\n|[,;|•·()（）]|\s[-–—]\s|、|，/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && part.length <= 120 && !/@|:\/\/|\bwww\./i.test(part));
}

const ORGANIZATION_WORDS = compileFolded([
  String.raw`\b<(?:librar(?:y|ies)|association|bibliotheque|bibliotecas?|bibliothek|bucherei|biblioteka|thu vien|asociacion|associacao|verband)>\b`,
  String.raw`bibliotheksverband|\b<библиотек[аи]?>\b|\b<ассоциаци[яи]>\b|مكتبه|جمعيه`,
  String.raw`图书馆(?!员)|圖書館(?!員)|図書館(?!員)|协会|學會|学会`,
]);

function organizationIn(text: string): string | null {
  for (const part of segments(text)) {
    if (ORGANIZATION_WORDS.test(foldForMatching(part))) return clean(part);
  }
  return null;
}

export function findOrigin(input: OriginInput): Origin {
  const { reportText, signature, fromAddress, fromName } = input;
  const display = fromName ?? '';

  const country =
    firstOf(fieldValues(reportText, COUNTRY_FIELD), countryOfValue) ??
    firstOf(fieldValues(signature, COUNTRY_FIELD), countryOfValue) ??
    countryOfDomain(fromAddress) ??
    firstOf(segments(signature), countryEnding) ??
    // Only a display name that names an institution: "Miller, Chad" is a person, not Chad.
    (ORGANIZATION_WORDS.test(foldForMatching(display)) ? firstOf(segments(display), countryEnding) : null);

  const organization =
    first(fieldValues(reportText, ORGANIZATION_FIELD)) ??
    first(fieldValues(signature, ORGANIZATION_FIELD)) ??
    organizationIn(signature) ??
    organizationIn(display);

  return { country, organization };
}
