import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { headerFields, parseSesEvent, sesReceiptEvent } from '#adapters/aws/ses-event.ts';
import { loadCallProfile } from '#core/call-profile.ts';
import { sesReceiptFromHeaders } from '#core/classify.ts';
import { processMessage } from '#core/process-message.ts';
import { fromAddress } from '../../functions/cli/send.ts';
import { LOCAL_VERDICTS, SES_MAX_MESSAGE_BYTES, sesMessageId, sesReceiptHeaders, smtpServerOptions } from '../../infra/local/smtp-intake.ts';

const sample = (name: string) => readFile(new URL(`../../samples/${name}`, import.meta.url));

describe('the local SMTP intake, as SES receiving', () => {
  it('announces SES receiving\'s 40 MB limit by default, and a smaller limit when given', () => {
    expect(smtpServerOptions()).toMatchObject({ size: 40 * 1024 * 1024 });
    expect(SES_MAX_MESSAGE_BYTES).toBe(40 * 1024 * 1024);
    expect(smtpServerOptions({ maxMessageBytes: 65_536 })).toMatchObject({ size: 65_536 });
  });

  it('stores messages with a receipt header block from which a later reading gets the same receipt time and verdicts as the event', async () => {
    const receivedAt = new Date('2025-09-16T18:05:41.000Z');
    const id = sesMessageId(receivedAt);
    const original = await sample('rapport-fr-accepte.eml');
    const stored = Buffer.concat([
      Buffer.from(
        sesReceiptHeaders({
          id,
          receivedAt,
          envelopeFrom: 'direction@biblio-riviere-des-saules.qc.ca',
          recipient: 'reports@intake.localhost',
          clientAddress: '::ffff:127.0.0.1',
          helo: 'mail.biblio-riviere-des-saules.qc.ca',
          region: 'us-east-1',
        }),
        'latin1',
      ),
      original,
    ]);

    const lines = headerFields(stored).map(({ name, value }) => ({ key: name.toLowerCase(), value }));
    expect(sesReceiptFromHeaders(lines)).toEqual({ verdicts: LOCAL_VERDICTS, receivedAt });
    // The reconciler has no event: the analysis reads the receipt time from these headers.
    const analysis = await processMessage(stored, { profile: loadCallProfile() });
    expect(analysis.receivedAt).toEqual(receivedAt);
    expect(analysis.late).toBe(false);
    expect(analysis.status).toBe('accepted');
    expect(stored.subarray(stored.length - original.length)).toEqual(original);
  });

  it('names messages as SES does, so that the intake takes its events, in order of arrival', () => {
    const first = sesMessageId(new Date('2026-01-01T00:00:00Z'));
    const later = sesMessageId(new Date('2026-01-01T00:00:00.001Z'));
    expect(first).toMatch(/^[a-z0-9]{40}$/);
    expect(later > first).toBe(true);
    const event = sesReceiptEvent({
      messageId: first,
      receivedAt: new Date(),
      envelopeFrom: 'a@example.org',
      recipients: ['reports@intake.localhost'],
      headers: [],
      verdicts: LOCAL_VERDICTS,
    });
    expect(parseSesEvent(event).Records[0]?.ses.mail.messageId).toBe(first);
  });

  it('sends a file from the address in its From header, encoded display name or not', async () => {
    expect(fromAddress(await sample('rapport-fr-accepte.eml'))).toBe('direction@biblio-riviere-des-saules.qc.ca');
    expect(fromAddress(await sample('report-en-accepted.eml'))).toBe('p.raman@maplegrove-library.ca');
    expect(fromAddress(Buffer.from('Subject: no sender\r\n\r\nHello\r\n'))).toBeNull();
  });
});
