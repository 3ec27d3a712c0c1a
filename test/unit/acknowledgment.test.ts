import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  acknowledgmentDecision,
  acknowledgmentLanguage,
  acknowledgmentMime,
  composeAcknowledgment,
  type AckContext,
} from '#core/acknowledgment.ts';
import { loadCallProfile } from '#core/call-profile.ts';
import { buildReportRecord, type ReportRecord } from '#core/record.ts';
import type { ReportAnalysis } from '#core/types.ts';

const profile = loadCallProfile('wsis-2025');
const addresses = { intakeAddresses: ['reports@intake.localhost'], ackFrom: 'acknowledgments@intake.localhost' };
const context: AckContext = {
  profile,
  reportId: '0100019951c2a7f3-5b1d-4c2e-9f0a-000000',
  from: addresses.ackFrom,
  intakeAddress: 'reports@intake.localhost',
};

function analysis(overrides: Partial<ReportAnalysis> = {}): ReportAnalysis {
  return {
    status: 'accepted',
    problems: [],
    wordCount: 152,
    wordLimit: 200,
    language: 'en',
    actionLines: ['C3', 'C4'],
    links: ['https://lagoslibrary.ng.example/wsis-2025'],
    source: 'body',
    late: false,
    country: 'NG',
    organization: 'Lagos City Public Library',
    callId: 'wsis-2025',
    reportText: 'Achievements …',
    receivedAt: new Date('2025-09-12T08:15:02Z'),
    from: { address: 'm.okafor@lagoslibrary.ng.example', name: 'Maria Okafor' },
    to: [{ address: 'reports@intake.localhost', name: 'WSIS reports' }],
    cc: [],
    subject: 'WSIS 2025 report - Lagos City Public Library',
    messageId: '<CAH8x2Lq7report2025@mail.lagoslibrary.ng.example>',
    inReplyTo: '<call-wsis-2025-announce@lists.ifla.example>',
    references: ['<call-wsis-2025-announce@lists.ifla.example>'],
    date: new Date('2025-09-12T08:14:55Z'),
    headers: {},
    analysisVersion: '1',
    ...overrides,
  };
}

const needsRevision = (overrides: Partial<ReportAnalysis> = {}): ReportAnalysis =>
  analysis({
    status: 'needs_revision',
    wordCount: 243,
    links: [],
    problems: [
      { code: 'too_long', severity: 'error', message: 'The report has 243 words; the limit is 200. Shorten it by 43 words and send it again.' },
      { code: 'no_link', severity: 'error', message: 'The report has no link. Add links (https://…) to your key outputs.' },
      { code: 'missing_obstacles', severity: 'warning', message: 'We could not find the trends and obstacles you see.' },
    ],
    ...overrides,
  });

function record(source: ReportAnalysis): ReportRecord {
  return buildReportRecord({ id: context.reportId, rawKey: `raw/wsis-2025/${context.reportId}`, analysis: source, ack: { send: true }, now: new Date() });
}

async function sent(source: ReportAnalysis): Promise<{ mail: ParsedMail; raw: string }> {
  const raw = Buffer.from(await acknowledgmentMime(composeAcknowledgment(record(source), context), new Date('2025-09-12T08:15:04Z')));
  return { mail: await simpleParser(raw), raw: raw.toString('utf8') };
}

/** The header block of a raw message, unfolded, one field per line. */
function headerBlock(raw: string): string[] {
  return raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ').split('\r\n');
}

describe('acknowledgmentDecision', () => {
  it('answers a report addressed to the intake address in To or Cc', () => {
    expect(acknowledgmentDecision(analysis(), addresses)).toEqual({ send: true });
    const cc = analysis({ to: [{ address: 'secretariat@ifla.example', name: '' }], cc: [{ address: 'Reports@Intake.Localhost', name: '' }] });
    expect(acknowledgmentDecision(cc, addresses)).toEqual({ send: true });
  });

  it('never answers an ignored message', () => {
    const ignored = analysis({ status: 'ignored', problems: [{ code: 'auto_reply', severity: 'error', message: 'automatic reply' }] });
    expect(acknowledgmentDecision(ignored, addresses)).toEqual({ send: false, reason: 'ignored' });
  });

  it('does not answer a message on which the intake address was Bcc', () => {
    const bcc = analysis({ to: [{ address: 'everyone@lists.ifla.example', name: '' }], cc: [] });
    expect(acknowledgmentDecision(bcc, addresses)).toEqual({ send: false, reason: 'not_addressed' });
  });

  it('does not answer mail from the intake or acknowledgment address itself', () => {
    for (const own of ['reports@intake.localhost', 'ACKNOWLEDGMENTS@intake.localhost']) {
      expect(acknowledgmentDecision(analysis({ from: { address: own, name: '' } }), addresses)).toEqual({ send: false, reason: 'own_address' });
    }
  });

  it('does not answer a message without a usable From address', () => {
    expect(acknowledgmentDecision(analysis({ from: null }), addresses)).toEqual({ send: false, reason: 'no_sender' });
    const injected = analysis({ from: { address: 'a@example.org\r\nBcc: victim@example.org', name: '' } });
    expect(acknowledgmentDecision(injected, addresses)).toEqual({ send: false, reason: 'no_sender' });
  });
});

describe('acknowledgment message', () => {
  it('answers the From address, threads under the report and tells robots not to reply', async () => {
    const { mail, raw } = await sent(analysis());
    expect(mail.to).toMatchObject({ value: [{ address: 'm.okafor@lagoslibrary.ng.example', name: 'Maria Okafor' }] });
    expect(mail.from?.value[0]?.address).toBe('acknowledgments@intake.localhost');
    expect(mail.replyTo?.value[0]?.address).toBe('reports@intake.localhost');
    expect(mail.subject).toBe('Re: WSIS 2025 report - Lagos City Public Library');
    expect(mail.inReplyTo).toBe('<CAH8x2Lq7report2025@mail.lagoslibrary.ng.example>');
    expect(mail.references).toEqual(['<call-wsis-2025-announce@lists.ifla.example>', '<CAH8x2Lq7report2025@mail.lagoslibrary.ng.example>']);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.headers.get('x-auto-response-suppress')).toBe('All');
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(mail.text).toBeTruthy();
    expect(mail.html).toBeTruthy();
  });

  it('states status, word count, Action Lines, links, reference and deadline', async () => {
    const { mail } = await sent(analysis());
    expect(mail.text).toContain('Status: Accepted');
    expect(mail.text).toContain('Words: 152 (limit: 200)');
    expect(mail.text).toContain('Action Lines found: C3, C4');
    expect(mail.text).toContain('https://lagoslibrary.ng.example/wsis-2025');
    expect(mail.text).toContain(`Reference: ${context.reportId}`);
    expect(mail.text).toContain(profile.deadlineLabel.en);
    expect(mail.text).not.toContain('A report that meets the call contains:');
  });

  it('lists each problem with its fix and a template of the expected parts when revision is needed', async () => {
    const { mail } = await sent(needsRevision());
    expect(mail.text).toContain('Status: Needs revision');
    expect(mail.text).toContain('Words: 243 (limit: 200)');
    expect(mail.text).toContain('Shorten it by at least 43 words');
    expect(mail.text).toContain('Add links (https://…)');
    expect(mail.text).toMatch(/Suggestions:\n {2}- Describe the trends and obstacles/);
    expect(mail.text).toContain('Links found: none');
    expect(mail.text).toMatch(/A report that meets the call contains:\n {2}1\. Achievements/);
    expect(mail.text).toContain('Reply to this message with the corrected report (or send it to reports@intake.localhost)');
  });

  it('lists at most 20 links and says how many more there are', async () => {
    const links = Array.from({ length: 23 }, (_, i) => `https://library.example/page-${i + 1}`);
    const { mail } = await sent(analysis({ links }));
    expect(mail.text).toContain('https://library.example/page-20');
    expect(mail.text).not.toContain('https://library.example/page-21');
    expect(mail.text).toContain('and 3 more');
  });

  it('does not add a second "Re:" and names the report when the subject is empty', async () => {
    expect((await sent(analysis({ subject: 'RE: our report' }))).mail.subject).toBe('RE: our report');
    expect((await sent(analysis({ subject: '' }))).mail.subject).toBe('Re: your report');
    expect((await sent(analysis({ subject: '', language: 'vi' }))).mail.subject).toBe('Re: báo cáo của Quý vị');
  });
});

describe('hostile input', () => {
  it('keeps CR/LF in the subject and the sender name from becoming header lines', async () => {
    const { mail, raw } = await sent(
      analysis({
        subject: 'Report\r\nBcc: victim@example.org\r\n\r\n<html>spoofed body',
        from: { address: 'm.okafor@lagoslibrary.ng.example', name: 'Maria\r\nBcc: victim2@example.org' },
      }),
    );
    const headers = headerBlock(raw);
    expect(headers.filter((line) => /^bcc:/i.test(line))).toEqual([]);
    expect(mail.bcc).toBeUndefined();
    expect(mail.subject).toBe('Re: Report Bcc: victim@example.org <html>spoofed body');
    expect(mail.to).toMatchObject({ value: [{ address: 'm.okafor@lagoslibrary.ng.example', name: 'Maria Bcc: victim2@example.org' }] });
  });

  it('drops control characters and bidirectional overrides from the subject', async () => {
    const { mail } = await sent(analysis({ subject: 'Rapport\u0000\u0007\u001b[2J \u202Egnp.exe\u202C final' }));
    expect(mail.subject).toBe('Re: Rapport [2J gnp.exe final');
  });

  it('drops invisible direction marks, zero-width spaces and byte order marks from the subject and the sender name', async () => {
    const { mail } = await sent(
      analysis({
        subject: '\ufeffRapport\u200f\u200e final\u200b',
        from: { address: 'm.okafor@lagoslibrary.ng.example', name: 'Maria\u200f Okafor\u200c' },
      }),
    );
    expect(mail.subject).toBe('Re: Rapport final');
    expect(mail.to).toMatchObject({ value: [{ name: 'Maria Okafor' }] });
  });

  it('leaves threading headers out when the Message-ID is not a message id', async () => {
    const { mail, raw } = await sent(
      analysis({ messageId: '<abc@example.org>\r\nX-Injected: yes', references: ['<x@y>\r\nX-Also: yes'], inReplyTo: null }),
    );
    const headers = headerBlock(raw);
    expect(headers.some((line) => /^x-(injected|also):/i.test(line))).toBe(false);
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.references).toBeUndefined();
  });

  it('escapes everything from the message in the HTML part', async () => {
    const { mail } = await sent(
      needsRevision({
        source: 'attachment:<img src=x onerror=alert(1)>.pdf',
        links: ['https://library.example/?q="><script>alert(1)</script>'],
        problems: [{ code: 'unreadable_attachment', severity: 'error', message: 'We could not read "<b>evil</b>.pdf": it is <damaged>.' }],
      }),
    );
    const html = String(mail.html);
    expect(html).not.toMatch(/<script|<img|<b>|<damaged>/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;evil&lt;/b&gt;.pdf');
  });

  it('encodes a non-ASCII subject as RFC 2047 encoded words', async () => {
    const { mail, raw } = await sent(analysis({ subject: 'Rapport SMSI 2025 – Bibliothèque de Lyon', language: 'fr' }));
    const subjectLine = headerBlock(raw).find((line) => line.startsWith('Subject:')) ?? '';
    expect(subjectLine).toMatch(/=\?UTF-8\?[QB]\?/i);
    expect(/^[\x20-\x7e]*$/.test(subjectLine)).toBe(true);
    expect(mail.subject).toBe('Re: Rapport SMSI 2025 – Bibliothèque de Lyon');
  });
});

describe('languages', () => {
  it.each([
    ['fr', 'À réviser', 'Un rapport conforme à l\'appel comprend', 'Votre rapport compte 243 mots'],
    ['es', 'Requiere revisión', 'Un informe conforme a la convocatoria incluye', 'Su informe tiene 243 palabras'],
    ['vi', 'Cần chỉnh sửa', 'Một báo cáo đáp ứng yêu cầu gồm', 'Báo cáo có 243 từ'],
    ['en', 'Needs revision', 'A report that meets the call contains', 'Your report has 243 words'],
  ])('answers a %s report in its language', async (language, status, template, tooLong) => {
    const { mail, raw } = await sent(needsRevision({ language }));
    expect(mail.text).toContain(status);
    expect(mail.text).toContain(template);
    expect(mail.text).toContain(tooLong);
    expect(mail.html).toContain(`lang="${language}"`);
    expect(headerBlock(raw)).toContain(`Content-Language: ${language}`);
    // The deadline is told in the same language, from the call profile.
    expect(mail.text).toContain(profile.deadlineLabel[language]!);
  });

  it('answers in English when the report language is not offered or unknown', async () => {
    for (const language of ['de', 'und']) {
      const { mail } = await sent(needsRevision({ language }));
      expect(mail.text).toContain('Needs revision');
    }
  });

  it('takes the offered languages from the call profile', () => {
    const englishOnly = { ...profile, acknowledgmentLanguages: ['en'], defaultLanguage: 'en' };
    expect(acknowledgmentLanguage('fr', profile)).toBe('fr');
    expect(acknowledgmentLanguage('fr', englishOnly)).toBe('en');
    const frenchDefault = { ...profile, acknowledgmentLanguages: ['fr', 'es'], defaultLanguage: 'fr' };
    expect(acknowledgmentLanguage('vi', frenchDefault)).toBe('fr');
  });
});
