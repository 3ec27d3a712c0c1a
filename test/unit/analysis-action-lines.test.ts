import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findActionLines } from '#core/analysis/action-lines.ts';
import type { ActionLine } from '#core/types.ts';
import { REPORTS } from '#test/fixtures/analysis/reports.ts';

/** Vietnamese (or any text) as typed without diacritics. */
function withoutDiacritics(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

// The names in ../shared/action-lines.md, as written there.
const OFFICIAL_NAMES: Readonly<Record<string, ReadonlyArray<readonly [ActionLine, string]>>> = {
  en: [
    ['C1', 'The role of public governance authorities and all stakeholders in the promotion of ICTs for development'],
    ['C1', 'The role of governments and all stakeholders in the promotion of ICTs for development'],
    ['C2', 'Information and communication infrastructure: an essential foundation for the Information Society'],
    ['C3', 'Access to information and knowledge'],
    ['C4', 'Capacity building'],
    ['C5', 'Building confidence and security in the use of ICTs'],
    ['C6', 'Enabling environment'],
    ['C7', 'ICT applications: benefits in all aspects of life'],
    ['C7', 'e-government'], ['C7', 'e-business'], ['C7', 'e-learning'], ['C7', 'e-health'], ['C7', 'e-employment'],
    ['C7', 'e-environment'], ['C7', 'e-agriculture'], ['C7', 'e-science'],
    ['C8', 'Cultural diversity and identity, linguistic diversity and local content'],
    ['C9', 'Media'],
    ['C10', 'Ethical dimensions of the Information Society'],
    ['C11', 'International and regional cooperation'],
  ],
  fr: [
    ['C1', 'Rôle des gouvernements (des pouvoirs publics) et de toutes les parties prenantes dans la promotion des TIC pour le développement'],
    ['C2', "Infrastructure de l'information et de la communication : fondement essentiel de la société de l'information"],
    ['C3', "Accès à l'information et au savoir"],
    ['C4', 'Renforcement des capacités'],
    ['C5', "Etablir la confiance et la sécurité dans l'utilisation des TIC"],
    ['C6', 'Environnement propice'],
    ['C7', 'Applications TIC : avantages dans tous les aspects de la vie'],
    ['C7', 'cybergouvernement'], ['C7', 'administration électronique'], ['C7', 'commerce électronique'], ['C7', 'télé-enseignement'],
    ['C7', 'cyberapprentissage'], ['C7', 'télésanté'], ['C7', 'cybersanté'], ['C7', 'cyberemploi'], ['C7', 'cyberécologie'],
    ['C7', 'cyberenvironnement'], ['C7', 'cyberagriculture'], ['C7', 'cyberscience'],
    ['C8', 'Diversité et identité culturelles, diversité linguistique et contenus locaux'],
    ['C9', 'Médias'],
    ['C10', "Dimensions éthiques de la société de l'information"],
    ['C11', 'Coopération internationale et régionale'],
  ],
  es: [
    ['C1', 'Papel de los gobiernos y de todas las partes interesadas en la promoción de las TIC para el desarrollo'],
    ['C2', 'Infraestructura de la información y la comunicación: fundamento básico de la Sociedad de la Información'],
    ['C3', 'Acceso a la información y al conocimiento'],
    ['C4', 'Creación de capacidad'],
    ['C4', 'creación de capacidades'],
    ['C5', 'Crear confianza y seguridad en la utilización de las TIC'],
    ['C6', 'Entorno habilitador'],
    ['C6', 'entorno propicio'],
    ['C7', 'Aplicaciones de las TIC: ventajas en todos los aspectos de la vida'],
    ['C7', 'gobierno electrónico'], ['C7', 'cibergobierno'], ['C7', 'negocios electrónicos'], ['C7', 'comercio electrónico'],
    ['C7', 'aprendizaje electrónico'], ['C7', 'ciberenseñanza'], ['C7', 'cibersalud'], ['C7', 'salud electrónica'],
    ['C7', 'ciberempleo'], ['C7', 'ciberecología'], ['C7', 'ciberagricultura'], ['C7', 'ciberciencia'],
    ['C8', 'Diversidad e identidad culturales, diversidad lingüística y contenido local'],
    ['C9', 'Medios de comunicación'],
    ['C10', 'Dimensiones éticas de la Sociedad de la Información'],
    ['C11', 'Cooperación internacional y regional'],
  ],
  ru: [
    ['C1', 'Роль органов государственного управления и всех заинтересованных сторон в содействии использованию ИКТ в целях развития'],
    ['C2', 'Информационная и коммуникационная инфраструктура: важнейшая основа информационного общества'],
    ['C3', 'Доступ к информации и знаниям'],
    ['C4', 'Создание потенциала'],
    ['C4', 'наращивание потенциала'],
    ['C5', 'Укрепление доверия и безопасности при использовании ИКТ'],
    ['C6', 'Благоприятная среда'],
    ['C7', 'Приложения ИКТ: выгоды во всех аспектах жизни'],
    ['C7', 'электронное правительство'], ['C7', 'электронная деловая активность'], ['C7', 'электронная торговля'],
    ['C7', 'электронное обучение'], ['C7', 'электронное здравоохранение'], ['C7', 'электронная занятость'],
    ['C7', 'электронная охрана окружающей среды'], ['C7', 'электронное сельское хозяйство'], ['C7', 'электронная наука'],
    ['C8', 'Культурное разнообразие и самобытность, языковое разнообразие и местный контент'],
    ['C9', 'Средства массовой информации (СМИ)'],
    ['C10', 'Этические аспекты информационного общества'],
    ['C11', 'Международное и региональное сотрудничество'],
  ],
  ar: [
    ['C1', 'دور الحكومات وجميع أصحاب المصلحة في النهوض بتكنولوجيا المعلومات والاتصالات من أجل التنمية'],
    ['C2', 'البنية التحتية للمعلومات والاتصالات'],
    ['C3', 'النفاذ إلى المعلومات والمعرفة'],
    ['C4', 'بناء القدرات'],
    ['C5', 'بناء الثقة والأمن في استعمال تكنولوجيا المعلومات والاتصالات'],
    ['C6', 'البيئة التمكينية'],
    ['C7', 'تطبيقات تكنولوجيا المعلومات والاتصالات: الفوائد في جميع جوانب الحياة'],
    ['C7', 'الحكومة الإلكترونية'], ['C7', 'الأعمال التجارية الإلكترونية'], ['C7', 'التعلّم الإلكتروني'], ['C7', 'الصحة الإلكترونية'],
    ['C7', 'العمالة الإلكترونية'], ['C7', 'البيئة الإلكترونية'], ['C7', 'الزراعة الإلكترونية'], ['C7', 'العلوم الإلكترونية'],
    ['C8', 'التنوع الثقافي والهوية الثقافية والتنوع اللغوي والمحتوى المحلي'],
    ['C9', 'وسائط الإعلام'],
    ['C10', 'الأبعاد الأخلاقية لمجتمع المعلومات'],
    ['C11', 'التعاون الدولي والإقليمي'],
  ],
  zh: [
    ['C1', '政府和所有利益相关方在推进信息通信技术促发展方面的作用'],
    ['C2', '信息通信基础设施（信息社会的必要基础）'],
    ['C3', '获取信息和知识'],
    ['C4', '能力建设'],
    ['C5', '树立使用信息通信技术的信心并提高其安全性'],
    ['C6', '扶持性环境（有利的环境）'],
    ['C7', '信息通信技术应用：使生活的方方面面受益'],
    ['C7', '电子政务'], ['C7', '电子商务'], ['C7', '电子学习（远程教育）'], ['C7', '电子卫生（电子医疗）'], ['C7', '电子就业'],
    ['C7', '电子环境'], ['C7', '电子农业'], ['C7', '电子科学'],
    ['C8', '文化多样性和特性、语言多样性和本地内容'],
    ['C9', '媒体'],
    ['C10', '信息社会的道德层面（伦理层面）'],
    ['C11', '国际和区域合作'],
  ],
  vi: [
    ['C1', 'Vai trò của các cơ quan nhà nước và các bên liên quan trong thúc đẩy CNTT-TT vì phát triển'],
    ['C2', 'Hạ tầng thông tin và truyền thông'],
    ['C3', 'Tiếp cận thông tin và tri thức'],
    ['C4', 'Nâng cao năng lực'],
    ['C4', 'xây dựng năng lực'],
    ['C5', 'Xây dựng lòng tin và an toàn, an ninh trong sử dụng CNTT-TT'],
    ['C6', 'Môi trường thuận lợi'],
    ['C7', 'Ứng dụng CNTT-TT: lợi ích trong mọi mặt đời sống'],
    ['C7', 'chính phủ điện tử'], ['C7', 'kinh doanh điện tử'], ['C7', 'thương mại điện tử'], ['C7', 'học tập điện tử'],
    ['C7', 'đào tạo trực tuyến'], ['C7', 'y tế điện tử'], ['C7', 'việc làm điện tử'], ['C7', 'môi trường điện tử'],
    ['C7', 'nông nghiệp điện tử'], ['C7', 'khoa học điện tử'],
    ['C8', 'Đa dạng và bản sắc văn hóa, đa dạng ngôn ngữ và nội dung địa phương'],
    ['C9', 'Truyền thông (phương tiện truyền thông)'],
    ['C10', 'Các khía cạnh đạo đức của xã hội thông tin'],
    ['C11', 'Hợp tác quốc tế và khu vực'],
  ],
  de: [
    ['C3', 'Zugang zu Informationen und Wissen'],
    ['C4', 'Kapazitätsaufbau'],
    ['C8', 'kulturelle Vielfalt und Identität, sprachliche Vielfalt und lokale Inhalte'],
    ['C11', 'internationale und regionale Zusammenarbeit'],
  ],
};

const officialCases = Object.entries(OFFICIAL_NAMES).flatMap(([language, names]) => names.map(([line, name]) => [language, line, name] as const));

describe('findActionLines', () => {
  it.each(REPORTS.map((report) => [report.id, report.text, report.expected.actionLines] as const))('finds the lines the %s report refers to', (_id, text, expected) => {
    expect(findActionLines(text)).toEqual(expected);
  });

  it.each(officialCases)('recognises the %s name of %s in a sentence: %s', (_language, line, name) => {
    expect(findActionLines(`Our library contributes to: ${name}.`)).toEqual([line]);
  });

  it.each(officialCases.filter(([language]) => language === 'vi' || language === 'fr' || language === 'es'))(
    'recognises the %s name of %s typed without diacritics or in capitals: %s',
    (_language, line, name) => {
      expect(findActionLines(withoutDiacritics(name))).toEqual([line]);
      expect(findActionLines(name.toUpperCase())).toEqual([line]);
    },
  );

  it.each([
    ['C3', ['C3']],
    ['see C 3 above', ['C3']],
    ['C.3', ['C3']],
    ['C-3', ['C3']],
    ['AL C3', ['C3']],
    ['Action Line 3', ['C3']],
    ['WSIS Action Lines C3 and C4', ['C3', 'C4']],
    ['Action Lines 3, 4 and 7', ['C3', 'C4', 'C7']],
    ['C3, C4 and C7', ['C3', 'C4', 'C7']],
    ['C3/C4', ['C3', 'C4']],
    ['(C11)', ['C11']],
    ['C1', ['C1']],
    ['C10 and C1', ['C1', 'C10']],
    ['C3–C5', ['C3', 'C4', 'C5']],
    ['Action Lines C1 to C11', ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10', 'C11']],
    ['направление С3 (кириллица)', ['C3']],
    ['направления деятельности 3 и 7', ['C3', 'C7']],
    ['خط العمل ج3', ['C3']],
    ['جيم 3', ['C3']],
    ['جيم .3 و ج ٤', ['C3', 'C4']],
    ['Hướng hành động C3', ['C3']],
    ['huong hanh dong 8', ['C8']],
    ['dòng hành động 3 và 4', ['C3', 'C4']],
    ['đường hướng hành động số 11', ['C11']],
    ['línea de acción C3', ['C3']],
    ['líneas de acción 3 y 8', ['C3', 'C8']],
    ['linhas de ação 2 e 9', ['C2', 'C9']],
    ['grande orientation C3', ['C3']],
    ['grandes orientations 3 et 8', ['C3', 'C8']],
    ["ligne d'action 10", ['C10']],
    ['Aktionslinie 4', ['C4']],
    ['行动方针C3和C4', ['C3', 'C4']],
    ['（C3）获取信息', ['C3']],
    ['Ｃ３', ['C3']],
  ] as const)('reads the code in %j', (text, expected) => {
    expect(findActionLines(text)).toEqual(expected);
  });

  it.each([
    'Room C30 on the second floor',
    'Our AC3 unit failed',
    'C3PO and R2D2 visited the children\u2019s corner',
    'Postcode EC3V 3LA, London',
    'Montréal H3C 3C4',
    'propane (C3H8)',
    'C12 and C0 are not Action Lines',
    'Access to the building was free; information desks were open',
    'We improved internet access and information services',
    'We post news on social media every day',
    'A social-media campaign reached 20,000 people',
    'Multimedia kits were lent to schools',
    'la media de usuarios fue de 300 por día',
    'Em média, 200 leitores por dia',
    'Bảo tồn văn hóa truyền thống của địa phương',
    'Bộ Thông tin và Truyền thông đã hỗ trợ thư viện',
    'We lent 2,000 e-books and audiobooks',
    'The government funded the new building',
    'We trained 300 teachers in digital skills',
    'Action Lines 2025 report',
  ])('finds no line in %j', (text) => {
    expect(findActionLines(text)).toEqual([]);
  });

  it('takes "capacity building" and "media" as names on their own', () => {
    expect(findActionLines('Our work is capacity-building for rural librarians.')).toEqual(['C4']);
    expect(findActionLines('We worked with local media and the mass media.')).toEqual(['C9']);
    expect(findActionLines('We trained teachers in media and information literacy.')).toEqual(['C9']);
  });

  it('ignores case, accents, tone marks and Arabic letter variants', () => {
    expect(findActionLines('ACCÈS À L’INFORMATION ET AU SAVOIR')).toEqual(['C3']);
    expect(findActionLines('NANG CAO NANG LUC cho can bo')).toEqual(['C4']);
    // hamza and taa marbuta written plainly, with tatweel and harakat
    expect(findActionLines('التعاون الدولى والاقليمى')).toEqual(['C11']);
    expect(findActionLines('بِنَاءُ القُدُرَات')).toEqual(['C4']);
    expect(findActionLines('البنيـــة التحتية')).toEqual(['C2']);
  });

  it('returns lines sorted by number without duplicates', () => {
    expect(findActionLines('C11, C3, c3, C 3, access to information, C1')).toEqual(['C1', 'C3', 'C11']);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)), maxLength: 200 }), (text) => {
        const lines = findActionLines(text);
        return lines.every((line) => /^C(?:[1-9]|1[01])$/.test(line));
      }),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => Array.isArray(findActionLines(text))), { numRuns: 1000 });
  });
});
