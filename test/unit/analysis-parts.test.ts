import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findRequiredParts } from '#core/analysis/parts.ts';
import { REPORTS } from '#test/fixtures/analysis/reports.ts';

function withoutDiacritics(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

const NONE = { achievements: false, obstacles: false, futureActions: false };

describe('findRequiredParts', () => {
  it.each(REPORTS.map((report) => [report.id, report.text] as const))('finds all three parts in the %s report', (_id, text) => {
    expect(findRequiredParts(text)).toEqual({ achievements: true, obstacles: true, futureActions: true });
  });

  // Each sample marks exactly one part, by a heading or a cue phrase, in one language.
  it.each([
    ['en', 'achievements', 'Key achievements\nWe digitised 4,000 maps.'],
    ['en', 'achievements', 'This year we achieved full coverage of rural schools.'],
    ['en', 'achievements', 'Results:\n300 teachers trained.'],
    ['en', 'obstacles', 'The main challenge was the cost of mobile data.'],
    ['en', 'obstacles', 'Trends\nMore users borrow e-books than print.'],
    ['en', 'futureActions', 'Next steps\nOpen two more branches.'],
    ['en', 'futureActions', 'We plan to lend laptops to families.'],
    ['fr', 'achievements', 'Réalisations\nNous avons numérisé 4 000 cartes.'],
    ['fr', 'obstacles', 'Difficultés : le manque de personnel.'],
    ['fr', 'futureActions', 'Perspectives\nOuvrir deux annexes.'],
    ['fr', 'futureActions', 'Nous prévoyons d’ouvrir deux annexes.'],
    ['es', 'achievements', 'Logros: 300 docentes formados.'],
    ['es', 'obstacles', 'Desafíos: la conectividad rural.'],
    ['es', 'futureActions', 'Próximos pasos: abrir dos sedes.'],
    ['pt', 'achievements', 'Conquistas: 300 professores capacitados.'],
    ['pt', 'obstacles', 'Dificuldades: falta de pessoal.'],
    ['pt', 'futureActions', 'Próximos passos: abrir duas unidades.'],
    ['de', 'achievements', 'Erfolge: 300 Lehrkräfte geschult.'],
    ['de', 'obstacles', 'Herausforderungen: Personalmangel.'],
    ['de', 'futureActions', 'Ausblick: zwei neue Zweigstellen.'],
    ['vi', 'achievements', 'Thành tựu: đào tạo 300 giáo viên.'],
    ['vi', 'achievements', 'Kết quả đạt được\nĐào tạo 300 giáo viên.'],
    ['vi', 'obstacles', 'Khó khăn: thiếu nhân lực.'],
    ['vi', 'obstacles', 'Thách thức lớn nhất là kinh phí.'],
    ['vi', 'futureActions', 'Kế hoạch: mở hai chi nhánh.'],
    ['vi', 'futureActions', 'Trong thời gian tới, thư viện sẽ mở hai chi nhánh.'],
    ['ru', 'achievements', 'Достижения: обучено 300 учителей.'],
    ['ru', 'obstacles', 'Трудности: нехватка кадров.'],
    ['ru', 'futureActions', 'В будущем откроем два филиала.'],
    ['ar', 'achievements', 'الإنجازات: تدريب 300 معلم.'],
    ['ar', 'obstacles', 'العقبات: نقص الموظفين.'],
    ['ar', 'futureActions', 'الخطط المستقبلية: افتتاح فرعين.'],
    ['zh', 'achievements', '主要成果：培训教师三百名。'],
    ['zh', 'obstacles', '困难：人员不足。'],
    ['zh', 'futureActions', '未来计划：新建两个分馆。'],
  ] as const)('recognises a %s %s cue in %j', (_language, part, text) => {
    expect(findRequiredParts(text)).toEqual({ ...NONE, [part]: true });
  });

  it('recognises the Vietnamese cues typed without diacritics', () => {
    expect(findRequiredParts(withoutDiacritics('Kết quả đạt được: 300 giáo viên. Khó khăn: kinh phí. Kế hoạch: mở chi nhánh.'))).toEqual({
      achievements: true,
      obstacles: true,
      futureActions: true,
    });
  });

  it('reports the parts that are missing', () => {
    const onlyAchievements =
      'In 2025 the library opened a digital hub and trained 300 teachers. Our achievements include 4,000 digitised maps, now online.';
    expect(findRequiredParts(onlyAchievements)).toEqual({ achievements: true, obstacles: false, futureActions: false });
    expect(findRequiredParts('')).toEqual(NONE);
  });

  it.each([
    'The survey results were published in March.',
    'We looked at the question from different perspectives.',
    'A lack of political will slowed the project.',
    'Willing volunteers staffed the desk.',
    'The library opened a digital hub and trained 300 teachers.',
  ])('reads no part into ordinary words: %j', (text) => {
    expect(findRequiredParts(text)).toEqual(NONE);
  });

  it('never throws on arbitrary text', () => {
    const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)), maxLength: 200 });
    fc.assert(fc.property(fc.oneof(anyText, fc.string({ maxLength: 200 })), (text) => typeof findRequiredParts(text).obstacles === 'boolean'), { numRuns: 1000 });
  });
});
