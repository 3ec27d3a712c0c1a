/**
 * WSIS Action Lines C1–C11 that a report refers to, by code or by name (see
 * ../shared/action-lines.md for the names). Everything matches the folded text (fold.ts): case,
 * accents, Vietnamese tone marks, đ/d and Arabic letter variants do not matter.
 *
 * Names are matched as keyword patterns rather than exact official strings, because senders
 * paraphrase them ("capacity-building", "building capacities"). Words that name a line on their
 * own count ("infrastructure" → C2, "capacity building" → C4, "media" → C9), but plainer words do
 * not ("access" or "information" alone is not C3; "social media" is not C9).
 *
 * Codes: "C3", "C 3", "C.3", "C-3", Cyrillic "С3", Arabic "ج3"/"جيم 3", and bare numbers after a
 * name for Action Lines ("Action Line 3", "líneas de acción 3 y 4", "dòng hành động 3"). A code
 * glued to other letters or digits ("C30", "AC3", "C3PO", "EC3V") is not one. A range written with
 * a dash or "to" between two codes ("C3–C5", "C1 to C11") stands for every line in it.
 */
import { ACTION_LINES, type ActionLine } from '#core/types.ts';
import { compileFolded, compileKeywordSets, foldForMatching, startsInsideWord } from './fold.ts';

// A Latin or Cyrillic C not glued to a preceding Latin/Cyrillic/Greek letter or digit (a Chinese
// or Arabic character before it is fine: "行动方针C3"), a number 1–11 not followed by another
// digit or Latin/Cyrillic letter, optionally a range to a second code. The look-behinds come after
// the letter they guard, so the expression only stops where a C (or jim) stands.
const LATIN_C = String.raw`[cс](?<![\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{N}_][cс])`;
const LATIN_CODE = String.raw`${LATIN_C}[ .\-]?(1[01]|[1-9])(?![\p{N}\p{Script=Latin}\p{Script=Cyrillic}_])`;
const CODES = new RegExp(
  String.raw`${LATIN_CODE}(?:\s*(?:-|to)\s*${LATIN_CODE})?` +
    // Arabic: the letter jim, alone or spelled out, before the number.
    String.raw`|(?:جيم|ج)(?<!\p{L}(?:جيم|ج))\s*[.\-]?\s*(1[01]|[1-9])(?!\p{N})`,
  'gu',
);

// Names for "Action Line(s)" after which a bare number is a code: "Action Line 3", "líneas de
// acción 3 y 4". Those in scripts that separate words must start a word.
const LINE_WORDS = [
  'action lines?',
  'grandes? orientations?',
  "lignes? d'action",
  'lineas? de accion',
  'linhas? de acao',
  'aktionslinien?',
  'направлени[а-я]* деятельности',
  'линии? действи[а-я]*',
  '(?:duong )?huong hanh dong',
  '(?:dong|linh vuc) hanh dong',
  'خطوط العمل',
  'خط العمل',
  '行动方针|行动方面|行動方針',
];
const NUMBER = String.raw`(?:[cс][ .\-]?)?(?:1[01]|[1-9])(?![\p{N}\p{Script=Latin}])`;
const LIST_SEPARATOR = String.raw`\s*(?:,|;|/|&|\+|-|\band\b|\bet\b|\by\b|\be\b|\bund\b|\bva\b|\bto\b|и|و|和|、|及)\s*`;
const NUMBERED_LINES = new RegExp(
  String.raw`(?:${compileFolded(LINE_WORDS).source})[\s:]*(?:no\.?|n°|#|so)?\s*(${NUMBER}(?:${LIST_SEPARATOR}${NUMBER})*)`,
  'gu',
);
const SPACED_SCRIPT = /[\p{Script=Latin}\p{Script=Cyrillic}]/u;

/** Name patterns per line, for folded text (see compileKeywordSets in fold.ts for the notation). */
const NAMES: Readonly<Record<ActionLine, readonly string[]>> = {
  C1: [
    String.raw`\b<role of (?:the )?(?:governments?|public authorities)>\b|\b<public governance authorities>\b`,
    String.raw`\b<role des (?:gouvernements|pouvoirs publics)>\b`,
    String.raw`\b<papel de los gobiernos>\b`,
    String.raw`\b<papel dos governos>\b`,
    String.raw`\b<rolle der regierungen>\b`,
    String.raw`\b<рол[ьи] (?:органов государственного управления|правительств)`,
    String.raw`دور الحكومات`,
    String.raw`政府和所有利益相关方|政府和利益相关方`,
    String.raw`\b<vai tro cua (?:cac )?(?:co quan nha nuoc|chinh phu)>\b`,
  ],
  C2: [
    String.raw`\b<infrastructures?>\b`,
    String.raw`\b<infraestructuras?>\b`,
    String.raw`\b<infraestruturas?>\b`,
    String.raw`infrastruktur`, // German compounds: Netzinfrastruktur, Kommunikationsinfrastruktur
    String.raw`\b<инфраструктур`,
    String.raw`بني(?:ه|ات)? (?:ال)?تحتيه`,
    String.raw`基础设施|基礎設施`,
    String.raw`\b<ha tang>\b`,
  ],
  C3: [
    String.raw`\b<access to (?:the )?(?:information|knowledge)>\b`,
    String.raw`\b<acces a (?:l' ?information|la connaissance|au savoir|aux (?:connaissances|savoirs))>\b`,
    String.raw`\b<acceso a la informacion|\b<acceso al conocimiento`,
    String.raw`\b<acesso a informacao|\b<acesso ao conhecimento`,
    String.raw`\b<zugang zu (?:informationen|information|wissen)>\b`,
    String.raw`\b<доступ[а-я]* к (?:информации|знаниям)`,
    String.raw`(?:النفاذ|الوصول|نفاذ|وصول) (?:الي )?(?:ال|لل)(?:معلومات|معرفه)`,
    String.raw`获取信息|获取知识|信息获取|信息和知识的获取|獲取資訊`,
    String.raw`\b<(?:tiep can|truy cap) (?:thong tin|tri thuc)>\b`,
  ],
  C4: [
    String.raw`\b<capacity (?:building|development)>\b`,
    String.raw`\b<build(?:ing)? (?:the )?capacit(?:y|ies)>\b`,
    String.raw`\b<(?:renforcement|renforcer|developpement) (?:des|les) capacites>\b`,
    String.raw`\b<(?:creacion|fortalecimiento|desarrollo|fomento) de (?:la |las )?capacidad(?:es)?>\b`,
    String.raw`\b<(?:criacao|construcao|fortalecimento|desenvolvimento) de capacidades?>\b`,
    String.raw`\b<kapazitatsaufbau|\b<kapazitatsentwicklung|\b<aufbau von kapazitaten`,
    String.raw`\b<(?:создани|наращивани|укреплени|развити)[ея] потенциала`,
    String.raw`(?:بناء|تنميه|تعزيز) (?:ال)?قدرات`,
    String.raw`能力建设|能力建設`,
    String.raw`\b<(?:nang cao|xay dung|phat trien) nang luc>\b`,
  ],
  C5: [
    String.raw`\b<(?:confidence|trust) and security>\b`,
    String.raw`\b<cyber ?security>\b`,
    String.raw`\b<confiance et (?:la )?securite>\b|\b<cybersecurite>\b`,
    String.raw`\b<confianza y (?:la )?seguridad>\b|\b<ciberseguridad>\b`,
    String.raw`\b<confianca e (?:a )?seguranca>\b|\b<ciberseguranca>\b`,
    String.raw`\b<vertrauen und sicherheit>\b|\b<cybersicherheit>\b`,
    String.raw`\b<доверия и безопасности|\b<кибербезопасност`,
    String.raw`الثقه والامن|الامن السيبراني`,
    String.raw`信心和安全|信任和安全|信心并提高其安全性|网络安全`,
    String.raw`\b<long tin va an (?:toan|ninh)>\b|\b<an ninh mang>\b`,
  ],
  C6: [
    String.raw`\b<enabling environment>\b`,
    String.raw`\b<environnement (?:propice|favorable)>\b`,
    String.raw`\b<entorno (?:habilitador|propicio|favorable)>\b`,
    String.raw`\b<ambiente (?:favoravel|propicio|habilitador)>\b`,
    String.raw`\b<(?:forderliches|gunstiges) umfeld>\b`,
    String.raw`\b<благоприятн[а-я]* сред`,
    String.raw`(?:ال)?بيئه (?:ال)?(?:تمكينيه|مواتيه)`,
    String.raw`扶持性环境|有利的环境|有利环境`,
    String.raw`\b<moi truong thuan loi>\b`,
  ],
  C7: [
    String.raw`\b<ict applications?>\b`,
    String.raw`\b<e-?(?:government|business|commerce|learning|health|employment|environment|agriculture|science)>\b`,
    String.raw`\b<applications (?:des )?tic>\b`,
    String.raw`\b<(?:cyber|tele|e)-?(?:gouvernement|administration|enseignement|apprentissage|sante|emploi|ecologie|environnement|agriculture|science)>\b`,
    String.raw`\b<(?:administration|gouvernement|commerce) electronique>\b`,
    String.raw`\b<aplicaciones (?:de las )?tic>\b`,
    String.raw`\b<(?:gobierno|comercio|aprendizaje) electronico>\b|\b<negocios electronicos>\b|\b<salud electronica>\b`,
    String.raw`\b<ciber(?:gobierno|ensenanza|salud|empleo|ecologia|agricultura|ciencia)>\b`,
    String.raw`\b<aplicacoes (?:das )?tic>\b`,
    String.raw`\b<(?:governo|comercio) ele(?:c)?tronico>\b|\b<(?:aprendizagem|saude) ele(?:c)?tronica>\b`,
    String.raw`\b<ikt anwendungen>\b|\b<elektronische (?:verwaltung|behordendienste)>\b`,
    String.raw`\b<приложени[яй] икт`,
    String.raw`\b<электронн[а-я]* (?:правительств|обучени|торговл|коммерци|здравоохранени|занятост|наук|сельск|деловая|бизнес|охран)`,
    String.raw`تطبيقات تكنولوجيا المعلومات`,
    String.raw`(?:ال)?(?:حكومه|تعلم|تعليم|صحه|تجاره|اعمال التجاريه|عماله|بيئه|زراعه|علوم) (?:ال)?الكتروني`,
    String.raw`信息通信技术应用|电子政务|电子商务|电子学习|远程教育|电子卫生|电子医疗|电子就业|电子环境|电子农业|电子科学`,
    String.raw`\b<ung dung (?:cntt|cong nghe thong tin)`,
    String.raw`\b<(?:chinh phu|kinh doanh|thuong mai|hoc tap|y te|viec lam|moi truong|nong nghiep|khoa hoc) dien tu>\b`,
    String.raw`\b<dao tao truc tuyen>\b`,
  ],
  C8: [
    String.raw`\b<(?:cultural|linguistic) (?:diversity|identity)>\b`,
    String.raw`\b<local (?:content|contents)>\b`,
    String.raw`\b<(?:diversite|identite)s? (?:culturelles?|linguistiques?)>\b|\b<contenus? locaux>\b|\b<contenu local>\b`,
    String.raw`\b<(?:diversidad|identidad)(?:es)? (?:culturale?s?|linguisticas?)>\b|\b<contenidos? locales?>\b`,
    String.raw`\b<(?:diversidade|identidade)s? (?:culturais|cultural|linguisticas?)>\b|\b<conteudos? loca(?:l|is)>\b`,
    String.raw`\b<(?:kulturelle|sprachliche) (?:vielfalt|identitat)>\b|\b<lokale inhalte>\b`,
    String.raw`\b<(?:культурн|языков)[а-я]* (?:разнообрази|самобытност)|\b<местн[а-я]* контент`,
    String.raw`(?:ال)?تنوع (?:ال)?(?:ثقافي|لغوي)|(?:ال)?هويه (?:ال)?ثقافيه|(?:ال)?محتوي (?:ال)?محلي`,
    String.raw`文化多样性|语言多样性|本地内容|文化特性|文化多樣性`,
    String.raw`\b<da dang (?:van hoa|ngon ngu)>\b|\b<ban sac van hoa>\b|\b<noi dung dia phuong>\b`,
  ],
  C9: [
    // "media" names the line, "social media" does not; nor do Spanish and Portuguese "media" (average,
    // half: "la media de", "em média", "educación media").
    String.raw`\b<(?:mass )?media>\b(?<!(?:^|[^\p{L}\p{N}])(?:social|la|una|em|na|uma|clase|classe|educacion|ensenanza|escuela|hora y) media)(?! de\b)`,
    String.raw`\b<medias>\b(?! sociaux)`,
    String.raw`\b<medios de comunicacion>\b|\b<(?:alfabetizacion|educacion) mediatica>\b`,
    String.raw`\b<midias?>\b(?! socia)|\b<meios de comunicacao>\b|\b<(?:educacao|alfabetizacao|literacia) (?:midiatica|mediatica|para os media)>\b`,
    String.raw`\b<massenmedien>\b|\b<medienkompetenz|\b<medien und informationskompetenz`,
    String.raw`\b<сми>\b|\b<средств[а-я]* массовой информации|\b<медиа>\b(?<!социальн[а-я]* медиа)|\b<медиаграмотност|\b<медиа и информационн[а-я]* грамотност`,
    String.raw`(?:(?:وسائط|وسائل) (?:ال)?|ال|لل)اعلام(?!ي? (?:ال)?اجتماعي)`,
    String.raw`媒体(?<!(?:社交|社会|多|自)媒体)|媒體(?<!(?:社交|社會|多|自)媒體)|媒介素养|传媒`,
    String.raw`\b<phuong tien truyen thong>\b(?! xa hoi)|\b<truyen thong dai chung>\b|\b<bao chi>\b`,
  ],
  C10: [
    String.raw`\b<ethical (?:dimensions?|aspects?)>\b|\b<information ethics>\b|\b<ethics of (?:the )?information>\b`,
    String.raw`\b<dimensions? ethiques?>\b|\b<ethique de l'?information>\b`,
    String.raw`\b<dimensiones eticas>\b|\b<etica de la informacion>\b`,
    String.raw`\b<dimensoes eticas>\b|\b<etica da informacao>\b`,
    String.raw`\b<ethische (?:dimensionen|aspekte)>\b|\b<informationsethik>\b`,
    String.raw`\b<этическ[а-я]* (?:аспект|измерени)|\b<информационн[а-я]* этик`,
    String.raw`(?:ال)?ابعاد (?:ال)?اخلاقيه|اخلاقيات (?:ال)?معلومات`,
    String.raw`道德层面|伦理层面|信息伦理`,
    String.raw`\b<khia canh dao duc>\b|\b<dao duc thong tin>\b`,
  ],
  C11: [
    String.raw`\b<(?:international|regional) (?:(?:and|&) (?:international|regional) )?(?:co ?operation|collaboration)>\b`,
    String.raw`\b<cooperation (?:internationale|regionale)>\b`,
    String.raw`\b<cooperacion (?:internacional|regional)>\b`,
    String.raw`\b<cooperacao (?:internacional|regional)>\b`,
    String.raw`\b<(?:internationale|regionale) (?:(?:und|&) (?:internationale|regionale) )?zusammenarbeit>\b`,
    String.raw`\b<(?:международн|региональн)[а-я]* (?:и (?:международн|региональн)[а-я]* )?сотрудничеств`,
    String.raw`(?:ال)?تعاون (?:ال)?(?:دولي|اقليمي)`,
    String.raw`国际和区域合作|国际与区域合作|国际合作|区域合作|國際合作|区域间合作`,
    String.raw`\b<hop tac (?:quoc te|khu vuc)>\b`,
  ],
};

const findNames = compileKeywordSets(ACTION_LINES.map((line) => NAMES[line]));

function lineOf(number: number): ActionLine | undefined {
  return ACTION_LINES[number - 1];
}

function addRange(found: Set<ActionLine>, from: number, to: number): void {
  for (let n = Math.min(from, to); n <= Math.max(from, to); n++) {
    const line = lineOf(n);
    if (line) found.add(line);
  }
}

export function findActionLines(text: string): ActionLine[] {
  const folded = foldForMatching(text);
  const found = new Set<ActionLine>();

  for (const match of folded.matchAll(CODES)) {
    const [, from, to, arabic] = match;
    if (from !== undefined) addRange(found, Number(from), Number(to ?? from));
    if (arabic !== undefined) addRange(found, Number(arabic), Number(arabic));
  }

  for (const match of folded.matchAll(NUMBERED_LINES)) {
    if (SPACED_SCRIPT.test(match[0].charAt(0)) && startsInsideWord(folded, match.index)) continue;
    const list = match[1] ?? '';
    // "3-5" and "3 to 5" are ranges; any other separator lists single lines.
    for (const part of list.matchAll(/(1[01]|[1-9])(?:\s*(?:-|to)\s*[cс]?[ .]?(1[01]|[1-9]))?/gu)) {
      addRange(found, Number(part[1]), Number(part[2] ?? part[1]));
    }
  }

  for (const index of findNames(folded)) {
    const line = ACTION_LINES[index];
    if (line) found.add(line);
  }

  return ACTION_LINES.filter((line) => found.has(line));
}
