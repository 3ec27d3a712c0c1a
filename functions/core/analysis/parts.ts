/**
 * Whether a report has the three parts the call asks for: achievements, obstacles (and trends),
 * future actions. Each part is recognised by a heading or by a clear cue phrase in one of the
 * supported languages (en, fr, es, pt, de, vi with and without diacritics, ru, ar, zh, ja), in the
 * folded text (fold.ts). Words that are only sometimes a cue ("results", "perspectives", "impact")
 * count only as a heading: a line of their own, or one that starts with them and a colon.
 */
import { compileFolded, compileKeywordSets, foldForMatching } from './fold.ts';

export interface RequiredParts {
  achievements: boolean;
  obstacles: boolean;
  futureActions: boolean;
}

interface PartCues {
  /** Cue phrases that mark the part wherever they stand. */
  readonly anywhere: readonly string[];
  /** Words that mark the part only as a heading. */
  readonly headings: readonly string[];
}

const ACHIEVEMENTS: PartCues = {
  anywhere: [
    String.raw`\b<(?:key |main )?achievements?>\b|\b<achieved>\b|\b<accomplishments?>\b|\b<we (?:have )?accomplished>\b|\b<successes>\b`,
    String.raw`\b<realisations>\b|\b<resultats (?:obtenus|atteints)>\b|\b<principaux resultats>\b|\b<nous avons (?:realise|accompli|obtenu)>\b|\b<acquis>\b`,
    String.raw`\b<logros?>\b|\b<logramos>\b|\b<hemos logrado>\b|\b<resultados (?:obtenidos|alcanzados)>\b`,
    String.raw`\b<conquistas>\b|\b<realizacoes>\b|\b<resultados (?:alcancados|obtidos)>\b|\b<alcancamos>\b`,
    String.raw`\b<erfolge>\b|\b<errungenschaften>\b|\b<erreicht>\b`,
    String.raw`\b<thanh tuu>\b|\b<ket qua (?:dat duoc|noi bat|chinh)>\b|\b<da dat duoc>\b`,
    String.raw`\b<достижени|\b<достигнут|\b<удалось>\b`,
    String.raw`(?:ال)?انجازات|ما تم انجازه|\b<حقق(?:نا|ت)>\b`,
    String.raw`成果|成就|成绩|取得了|実績`,
  ],
  headings: [
    String.raw`(?:key |main )?(?:results|outcomes|highlights|impact)`,
    String.raw`(?:principaux )?resultats|bilan`,
    String.raw`(?:principales )?resultados`,
    String.raw`ergebnisse`,
    String.raw`ket qua`,
    String.raw`(?:основные )?результаты`,
    String.raw`(?:ال)?نتائج`,
  ],
};

const OBSTACLES: PartCues = {
  anywhere: [
    String.raw`\b<obstacles?>\b|\b<challeng(?:e|es|ing)>\b|\b<difficult(?:y|ies)>\b|\b<barriers?>\b|\b<constraints?>\b|\b<trends?>\b|\b<hurdles?>\b`,
    String.raw`\b<defis?>\b|\b<difficultes?>\b|\b<contraintes?>\b|\b<tendances?>\b|\b<freins?>\b`,
    String.raw`\b<obstaculos?>\b|\b<desafios?>\b|\b<retos?>\b|\b<dificultad(?:es)?>\b|\b<tendencias?>\b`,
    String.raw`\b<dificuldades?>\b|\b<entraves?>\b`,
    String.raw`\b<hindernisse?>\b|\b<herausforderungen?>\b|\b<schwierigkeiten>\b|\b<hurden>\b`,
    String.raw`\b<kho khan>\b|\b<thach thuc>\b|\b<xu huong>\b|\b<tro ngai>\b|\b<vuong mac>\b|\b<rao can>\b`,
    String.raw`\b<препятстви|\b<трудност|\b<тенденци|\b<вызов(?:ы|ов)>\b|\b<сложност`,
    String.raw`(?:ال)?عقبات|(?:ال)?تحديات|(?:ال)?صعوبات|(?:ال)?معوقات|(?:ال)?عوائق|(?:ال)?اتجاهات`,
    // Simplified, Traditional and Japanese forms.
    String.raw`障碍|障礙|挑战|挑戰|趋势|趨勢|困难|困難|課題|傾向|障害|挑戦`,
  ],
  headings: [
    String.raw`(?:main )?(?:problems|issues|limitations)`,
    String.raw`problemes|limites`,
    String.raw`problemas|limitaciones|limitacoes`,
    String.raw`probleme`,
    String.raw`han che|ton tai`,
    String.raw`проблемы`,
    String.raw`(?:ال)?مشكلات|(?:ال)?مشاكل`,
    String.raw`问题|問題`,
  ],
};

const FUTURE_ACTIONS: PartCues = {
  anywhere: [
    String.raw`\b<future (?:actions?|plans?|activities|steps|work|directions)>\b|\b<next steps?>\b|\b<next year>\b|\b<(?:we|i) (?:will|shall|plan|intend|aim|are planning|hope)>\b|\b<we'll>\b|\b<going forward>\b|\b<looking ahead>\b|\b<in the (?:coming|next) (?:years?|months)>\b|\b<plans? (?:for|to)>\b|\b<upcoming>\b`,
    String.raw`\b<actions? futures?>\b|\b<prochaines? etapes?>\b|\b<nous (?:prevoyons|envisageons|allons|comptons|souhaitons|projetons)>\b|\b<a l'avenir>\b|\b<l'an(?:nee)? prochaine?>\b|\b<projets? futurs?>\b`,
    String.raw`\b<acciones futuras>\b|\b<proximos pasos>\b|\b<(?:planeamos|planificamos|prevemos|queremos|pretendemos)>\b|\b<tenemos previsto>\b|\b<el proximo ano>\b|\b<en el futuro>\b|\b<planes futuros>\b`,
    String.raw`\b<acoes futuras>\b|\b<proximos passos>\b|\b<(?:planejamos|planeamos)>\b|\b<no proximo ano>\b|\b<planos futuros>\b`,
    String.raw`\b<geplante (?:massnahmen|aktivitaten|schritte)>\b|\b<ausblick>\b|\b<nachste schritte>\b|\b<(?:zu)?kunftige (?:massnahmen|aktivitaten|plane|vorhaben)>\b|\b<wir (?:wollen|werden|planen|mochten)>\b|\b<im kommenden jahr>\b`,
    String.raw`\b<ke hoach>\b|\b<du kien>\b|\b<trong thoi gian toi>\b|\b<dinh huong>\b|\b<phuong huong>\b|\b<se tiep tuc>\b|\b<nam toi>\b|\b<sap toi>\b`,
    String.raw`\b<планы?>\b|\b<планиру|\b<в будущем>\b|\b<дальнейшие шаги>\b|\b<перспектив|\b<в следующем году>\b|\b<намерены>\b`,
    String.raw`(?:ال)?خطط|نخطط|نعتزم|مستقبلا|(?:ال)?مستقبليه|(?:ال)?عام (?:ال)?مقبل|(?:ال)?خطوات (?:ال)?قادمه|\b<سنعمل>\b`,
    String.raw`未来|未來|计划|計劃|計畫|下一步|今后|明年|展望|今後|予定|計画`,
  ],
  headings: [String.raw`perspectives?|perspectivas`, String.raw`(?:the )?way forward`],
};

// A heading: a line that is only the heading word(s), maybe numbered or marked up, maybe ending in a
// colon, or starting with them and a colon ("Results: 300 trained").
function headingPattern(words: readonly string[]): RegExp {
  const alternatives = compileFolded(words).source;
  return new RegExp(String.raw`^[\s\d.)#*•\-]*(?:${alternatives})[\s*]*(?::|$)`, 'mu');
}

// One pass finds the cues of all three parts; set 0 is achievements, 1 obstacles, 2 future actions.
const findCues = compileKeywordSets([ACHIEVEMENTS.anywhere, OBSTACLES.anywhere, FUTURE_ACTIONS.anywhere]);
const ACHIEVEMENTS_HEADING = headingPattern(ACHIEVEMENTS.headings);
const OBSTACLES_HEADING = headingPattern(OBSTACLES.headings);
const FUTURE_ACTIONS_HEADING = headingPattern(FUTURE_ACTIONS.headings);

export function findRequiredParts(text: string): RequiredParts {
  const folded = foldForMatching(text);
  const cues = findCues(folded);
  return {
    achievements: cues.has(0) || ACHIEVEMENTS_HEADING.test(folded),
    obstacles: cues.has(1) || OBSTACLES_HEADING.test(folded),
    futureActions: cues.has(2) || FUTURE_ACTIONS_HEADING.test(folded),
  };
}
