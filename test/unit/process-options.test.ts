import { describe, expect, it } from 'vitest';
import { processMessage } from '#core/process-message.ts';
import { mailFixture, wsis } from '#test/helpers/fixtures.ts';

const codes = (a: { problems: readonly { code: string }[] }) => a.problems.map((p) => p.code);

// In Lambda the SES event carries the verdicts and the receipt time; they are inputs of the core and
// win over whatever the stored message's headers say.
describe('what the SES event says wins over the stored headers', () => {
  it('verdicts from the event decide, not the SES header block', async () => {
    const spamByHeaders = mailFixture('ignored-ses-spam-fail.eml');
    const fromHeaders = await processMessage(spamByHeaders, { profile: wsis, now: new Date('2025-09-15T10:00:00Z') });
    expect(codes(fromHeaders)).toEqual(['spam']);
    const fromEvent = await processMessage(spamByHeaders, {
      profile: wsis,
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
      receivedAt: new Date('2025-09-15T10:00:00Z'),
    });
    expect(fromEvent.status).not.toBe('ignored');
  });

  it('a spam verdict in the event ignores a clean message', async () => {
    const clean = mailFixture('accepted-en-gmail-utf8-qp.eml');
    const a = await processMessage(clean, { profile: wsis, verdicts: { spam: 'FAIL' }, receivedAt: new Date('2025-09-15T10:00:00Z') });
    expect(a.status).toBe('ignored');
    expect(codes(a)).toEqual(['spam']);
  });

  it('the receipt time from the event decides late, not the Received header', async () => {
    const lateByHeader = mailFixture('warning-late-ses-2025-10-02.eml');
    expect((await processMessage(lateByHeader, { profile: wsis })).late).toBe(true);
    const onTime = await processMessage(lateByHeader, { profile: wsis, receivedAt: new Date('2025-09-29T08:00:00Z') });
    expect(onTime.late).toBe(false);
    expect(codes(onTime)).not.toContain('late');
  });
});

describe('line endings', () => {
  it('reads a message saved with bare CR line endings (classic Mac OS)', async () => {
    const raw = Buffer.from(
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\rTo: reports@intake.localhost\rSubject: Undelivered Mail\rAuto-Submitted: auto-replied\r\rThe message could not be delivered.\r',
    );
    const a = await processMessage(raw, { profile: wsis, now: new Date('2025-09-15T10:00:00Z') });
    expect(a.subject).toBe('Undelivered Mail');
    expect(codes(a)).toEqual(['auto_reply', 'bounce']);
  });
});
