/**
 * What staff see of hostile message content, without the table: terminal escaping, look-alike
 * sender domains, and spreadsheet cells (pure functions; the other staff-cli tests run the commands).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionLineRuns, shortIds } from '../../functions/cli/reports-render.ts';
import { displaySender, escapeControlCharacters, hasMixedScripts, toSafeJson } from '#core/display-safety.ts';
import { csvHeader, csvRow } from '#core/report-export.ts';
import { generateReports, parseCsv } from './staff-cli-fixtures.ts';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

describe('escaping for the terminal', () => {
  it('shows escape sequences, bidi overrides and zero-width characters as visible escapes', () => {
    expect(escapeControlCharacters('Report \u001b[2J done')).toBe('Report \\x1b[2J done');
    expect(escapeControlCharacters('invoice\u202egpj.exe')).toBe('invoice\\u202egpj.exe');
    expect(escapeControlCharacters('CSI \u009b31m')).toBe('CSI \\x9b31m');
    expect(escapeControlCharacters('Thư viện — مكتبة — 图书馆')).toBe('Thư viện — مكتبة — 图书馆');
  });

  it('never lets an unsafe character through, whatever the text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => !UNSAFE.test(escapeControlCharacters(text))));
  });

  it('writes JSON a terminal shows as it is, which parses back to the same value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string({ unit: 'binary' })), (value) => {
        const json = toSafeJson(value);
        return !UNSAFE.test(json) && JSON.stringify(JSON.parse(json)) === JSON.stringify(value);
      }),
    );
  });
});

describe('look-alike sender domains', () => {
  it('flags a Latin name with a Cyrillic letter and shows it in punycode', () => {
    expect(displaySender('director@biblioth\u0435ka.org')).toEqual({ text: 'director@xn--bibliothka-rsi.org', mixedScripts: true });
    expect(displaySender('info@p\u0430ypal.com')).toEqual({ text: 'info@xn--pypal-4ve.com', mixedScripts: true });
    // Already in punycode: decoded to see the mix.
    expect(hasMixedScripts('xn--bibliothka-rsi.org')).toBe(true);
  });

  it('leaves single-script and CJK names alone, in their own script', () => {
    expect(displaySender('thuvien@thưviện.vn')).toEqual({ text: 'thuvien@thưviện.vn', mixedScripts: false });
    expect(displaySender('info@библиотека.рф')).toEqual({ text: 'info@библиотека.рф', mixedScripts: false });
    expect(displaySender('office@مكتبة.مصر').mixedScripts).toBe(false);
    // Japanese names mix Han, Hiragana, Katakana and Latin by nature.
    expect(hasMixedScripts('としょかんlib図書館カタカナ.jp')).toBe(false);
    expect(hasMixedScripts('bibalex.org')).toBe(false);
  });

  it('escapes a sender address that carries control characters', () => {
    expect(displaySender('evil\u001b[2J@example.org').text).toBe('evil\\x1b[2J@example.org');
    expect(displaySender(null)).toEqual({ text: '(none)', mixedScripts: false });
  });
});

describe('spreadsheet cells', () => {
  const [template] = generateReports(1).records;
  if (!template) throw new Error('no generated report');

  it('reads back every text as written, a formula start quoted, whatever it holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 200 }), (subject, text) => {
        const record = { ...template, subject, reportText: text };
        const [header, row] = parseCsv((csvHeader() + csvRow(record)).replace(/^\ufeff/, ''));
        const cell = (name: string): string | undefined => row?.[header?.indexOf(name) ?? -1];
        const guarded = (value: string): string => (value !== '' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
        return row?.length === header?.length && cell('Subject') === guarded(subject) && cell('Report text') === guarded(text);
      }),
    );
  });
});

describe('list table helpers', () => {
  it('shortens ids to 8 characters, longer only where two listed ids share more', () => {
    const ids = shortIds(['o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1', 'o3vrnil0x9aa', 'k2h4j5l6m7n8p9q0r1s2']);
    expect(ids.get('o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1')).toBe('o3vrnil0e');
    expect(ids.get('o3vrnil0x9aa')).toBe('o3vrnil0x');
    expect(ids.get('k2h4j5l6m7n8p9q0r1s2')).toBe('k2h4j5l6');
  });

  it('folds runs of Action Lines', () => {
    expect(actionLineRuns(['C1', 'C2', 'C3', 'C4', 'C7', 'C9', 'C10', 'C11'])).toBe('C1-C4 C7 C9-C11');
    expect(actionLineRuns(['C3', 'C4', 'C8'])).toBe('C3 C4 C8');
    expect(actionLineRuns([])).toBe('');
  });
});
