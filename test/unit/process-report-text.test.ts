import { describe, expect, it } from 'vitest';
import { reportFromHtml, reportFromPlainText } from '#core/report-text.ts';

const REPORT = `Our library contributed to C3 (access to information) through the Digital Heritage portal https://heritage.example.org.
Achievements: 12,000 scans online. Obstacles: unstable funding. Future actions: a regional network in 2026.`;

describe('the sender’s own text', () => {
  it('cuts a Gmail reply and its quoted lines', () => {
    const body = `${REPORT}\n\nOn Mon, 1 Sep 2025 at 10:02, IFLA Reports <reports@intake.localhost>\nwrote:\n\n> Thank you for your report.\n> Please add a link.\n`;
    expect(reportFromPlainText(body).text).toBe(REPORT);
  });

  it('cuts an Outlook original-message block in French', () => {
    const body = `${REPORT}\n\nDe : IFLA Reports <reports@intake.localhost>\nEnvoyé : lundi 1 septembre 2025 10:02\nÀ : Bibliothèque municipale\nObjet : Re: rapport\n\nMerci pour votre rapport.`;
    expect(reportFromPlainText(body).text).toBe(REPORT);
  });

  it('cuts "-----Original Message-----" and keeps nothing below', () => {
    const body = `${REPORT}\n-----Original Message-----\nFrom: x@example.org\nSent: Monday\nSubject: y\n\nOld text with https://old.example.org`;
    expect(reportFromPlainText(body).text).toBe(REPORT);
  });

  it('keeps the signature apart', () => {
    const result = reportFromPlainText(`${REPORT}\n\n-- \nMaría López\nBiblioteca Municipal de Quito\nQuito, Ecuador\n`);
    expect(result.text).toBe(REPORT);
    expect(result.signature).toBe('María López\nBiblioteca Municipal de Quito\nQuito, Ecuador');
  });

  it('takes a forwarded report from under a short cover note', () => {
    const body = `Please see our report below.\n\n---------- Forwarded message ---------\nFrom: Lan Nguyen <lan@thuvien-hanoi.edu.vn>\nDate: Mon, 22 Sep 2025\nSubject: WSIS report\nTo: director@thuvien-hanoi.edu.vn\n\n${REPORT}\n`;
    expect(reportFromPlainText(body).text).toBe(REPORT);
  });

  it('turns HTML into text without quoted blocks, with only the kept links', () => {
    const html = `<div><h2>Report</h2><p>Our library contributed to <b>C3</b> via <a href="https://heritage.example.org">our portal</a>.</p></div>
<div class="gmail_quote">On Mon, 1 Sep 2025, IFLA wrote:<blockquote><p>See <a href="https://old.example.org">old</a></p></blockquote></div>`;
    const result = reportFromHtml(html);
    expect(result.text).toContain('Our library contributed to C3 via our portal.');
    expect(result.text).not.toContain('old');
    expect(result.linkText).toContain('https://heritage.example.org');
    expect(result.linkText).not.toContain('https://old.example.org');
    expect(result.text).not.toContain('https://');
  });

  it('composes NFC text from combining tone marks (windows-1258 style)', () => {
    // windows-1258 stores ệ as ê (0xEA) followed by a combining dot below (0xF2).
    expect(reportFromPlainText('Th\u01b0 vi\u00ea\u0323n').text).toBe('Th\u01b0 vi\u1ec7n');
  });
});
