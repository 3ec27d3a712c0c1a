import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findOrigin, type OriginInput } from '#core/analysis/origin.ts';
import { REPORTS } from '#test/fixtures/analysis/reports.ts';

const REPORT_WITHOUT_FIELDS = 'In 2025 we trained 300 teachers in digital skills (C4) and opened a digital hub: https://example.org/hub.';

function origin(input: Partial<OriginInput>) {
  return findOrigin({ reportText: REPORT_WITHOUT_FIELDS, signature: '', fromAddress: null, fromName: null, ...input });
}

describe('findOrigin', () => {
  it.each(REPORTS.map((report) => [report.id, report] as const))('reads the explicit fields of the %s report', (_id, report) => {
    expect(findOrigin({ reportText: report.text, signature: '', fromAddress: 'reports@gmail.com', fromName: null })).toEqual({
      country: report.expected.country,
      organization: report.expected.organization,
    });
  });

  it.each([
    ['Country: VN', 'VN'],
    ['Quoc gia: Viet Nam', 'VN'],
    ['Nước: Việt Nam', 'VN'],
    ['Pays : Côte d’Ivoire', 'CI'],
    ['Pays: Royaume-Uni', 'GB'],
    ['País: México', 'MX'],
    ['País: Estados Unidos', 'US'],
    ['Land: Österreich', 'AT'],
    ['Страна: Российская Федерация', 'RU'],
    ['Страна: Казахстан', 'KZ'],
    ['الدولة: الأردن', 'JO'],
    ['البلد: المغرب', 'MA'],
    ['国家：越南', 'VN'],
    ['国家: 中华人民共和国', 'CN'],
    ['Country: USA', 'US'],
    ['Country: U.S.', 'US'],
    ['País: RU', 'RU'],
    ['Country: UK', 'GB'],
    ['Country: Myanmar (Burma)', 'MM'],
    ['Country: Democratic Republic of the Congo', 'CD'],
    ['Country / Pays: Sénégal', 'SN'],
    ['**Country:** Ghana', 'GH'],
    ['Country: Hanoi, Viet Nam', 'VN'],
    ['Country: Bosnia and Herzegovina', 'BA'],
    ['Country: St. Kitts & Nevis', 'KN'],
  ])('reads the country from %j', (field, expected) => {
    expect(origin({ reportText: `${field}\n\n${REPORT_WITHOUT_FIELDS}` }).country).toBe(expected);
  });

  it('prefers the explicit field to the sender’s domain, and the report to the signature', () => {
    expect(origin({ reportText: `Country: Kenya\n${REPORT_WITHOUT_FIELDS}`, fromAddress: 'someone@bnf.fr' }).country).toBe('KE');
    expect(origin({ reportText: `Country: Kenya\n${REPORT_WITHOUT_FIELDS}`, signature: 'Country: Uganda' }).country).toBe('KE');
  });

  it('skips a field whose value is no country and moves on', () => {
    expect(origin({ reportText: `Land: 3 hectares of gardens\n${REPORT_WITHOUT_FIELDS}`, fromAddress: 'a.b@bibliotheque.sn' }).country).toBe('SN');
  });

  it.each([
    ['director@nlv.gov.vn', 'VN'],
    ['info@bl.uk', 'GB'],
    ['someone@library.ox.ac.uk', 'GB'],
    ['reference@bnf.fr.', 'FR'],
    ['biblioteca@mincultura.gov.co', 'CO'],
    ['contact@library.org', null],
    ['me@gmail.com', null],
    ['team@startup.io', null],
    ['hello@library.co', null],
    ['staff@un.int', null],
    ['staff@europa.eu', null],
    ['broken-address', null],
  ])('reads the country-code domain of %s', (fromAddress, expected) => {
    expect(origin({ fromAddress }).country).toBe(expected);
  });

  it.each([
    ['Nguyen Van Binh\nTrưởng phòng, Thư viện tỉnh Lâm Đồng\nĐà Lạt, Việt Nam\nĐT: 0263 123 456', 'VN'],
    ['Amina Njeri | Kenya National Library Service | Nairobi, Kenya', 'KE'],
    ['张伟\n浙江图书馆 数字资源部\n中国杭州', 'CN'],
    ['Ольга Петрова\nБиблиотека, г. Казань, Россия', 'RU'],
    ['Jordan Smith\nHead of Reference Services', null],
    ['Chad Miller\nLibrarian', null],
    ['Sent from my phone', null],
  ])('finds a country ending a part of the signature %j', (signature, expected) => {
    expect(origin({ signature, fromAddress: 'someone@gmail.com' }).country).toBe(expected);
  });

  it('falls back to a display name that names an institution, not to a person’s', () => {
    expect(origin({ fromName: 'National Library of Jordan', fromAddress: 'info@library.org' })).toEqual({
      country: 'JO',
      organization: 'National Library of Jordan',
    });
    expect(origin({ fromName: 'Miller, Chad', fromAddress: 'chad.miller@gmail.com' })).toEqual({ country: null, organization: null });
  });

  it.each([
    ['Organization: IFLA Regional Office for Asia and Oceania', 'IFLA Regional Office for Asia and Oceania'],
    ['Organisation : Association des bibliothécaires du Sénégal', 'Association des bibliothécaires du Sénégal'],
    ['Organización: Biblioteca Nacional del Perú.', 'Biblioteca Nacional del Perú'],
    ['Institution: University of Nairobi Library', 'University of Nairobi Library'],
    ['Library: Kenya National Library Service', 'Kenya National Library Service'],
    ['Tổ chức: Hội Thư viện Việt Nam', 'Hội Thư viện Việt Nam'],
    ['To chuc: Hoi Thu vien Viet Nam', 'Hoi Thu vien Viet Nam'],
    ['Организация: Российская библиотечная ассоциация', 'Российская библиотечная ассоциация'],
    ['المؤسسة: جمعية المكتبات المصرية', 'جمعية المكتبات المصرية'],
    ['单位：国家图书馆', '国家图书馆'],
  ])('reads the organization from %j', (field, expected) => {
    expect(origin({ reportText: `${field}\n${REPORT_WITHOUT_FIELDS}` }).organization).toBe(expected);
  });

  it.each([
    ['Nguyen Van Binh\nTrưởng phòng, Thư viện tỉnh Lâm Đồng\nĐT: 0263 123 456', 'Thư viện tỉnh Lâm Đồng'],
    ['Marie Dupont\nBibliothécaire\nBibliothèque municipale de Lyon\nwww.bm-lyon.fr', 'Bibliothèque municipale de Lyon'],
    ['Amina Njeri | Head of Digital Services | Kenya National Library Service', 'Kenya National Library Service'],
    ['Ana Souza\nBibliotecária\nBiblioteca Pública do Estado do Rio de Janeiro', 'Biblioteca Pública do Estado do Rio de Janeiro'],
    ['Ольга Петрова\nНациональная библиотека Республики Татарстан', 'Национальная библиотека Республики Татарстан'],
    ['أحمد علي\nمكتبة الإسكندرية', 'مكتبة الإسكندرية'],
    ['张伟\n浙江图书馆', '浙江图书馆'],
    ['Pham Thi Lan\nHoi Thu vien Viet Nam', 'Hoi Thu vien Viet Nam'],
    ['John Smith\nLibrarian\nhttps://www.library.example.org', null],
    ['李明\n图书馆员', null],
  ])('finds the organization named in the signature %j', (signature, expected) => {
    expect(origin({ signature }).organization).toBe(expected);
  });

  it('knows nothing when nothing tells', () => {
    expect(origin({ fromAddress: 'someone@gmail.com', fromName: 'Someone' })).toEqual({ country: null, organization: null });
  });

  it('never throws on arbitrary input and returns a known code', () => {
    const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((codePoint) => String.fromCodePoint(codePoint)), maxLength: 120 });
    const fieldish = fc
      .array(fc.constantFrom('Country:', 'Pays :', '国家：', 'Organization:', 'Library', 'Viet Nam', '中国', '\n', ', ', '(', ')', '|', 'a', ' '), { maxLength: 20 })
      .map((parts) => parts.join(''));
    const text = fc.oneof(anyText, fieldish);
    fc.assert(
      fc.property(text, text, fc.option(fc.oneof(anyText, fc.emailAddress())), fc.option(text), (reportText, signature, fromAddress, fromName) => {
        const { country } = findOrigin({ reportText, signature, fromAddress, fromName });
        return country === null || /^[A-Z]{2}$/.test(country);
      }),
      { numRuns: 500 },
    );
  });
});
