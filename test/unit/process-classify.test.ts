import { describe, expect, it } from 'vitest';
import { ignoreReasons, sesReceiptFromHeaders } from '#core/classify.ts';
import { parseMail } from '#adapters/mail/parse-mail.ts';

const crlf = (s: string): Buffer => Buffer.from(s.replace(/\r?\n/g, '\r\n'));

const SES_BLOCK = (spam: string, dmarc: string) => `Return-Path: <director@thuvien-hanoi.edu.vn>
Received: from mail-ed1-f41.google.com (mail-ed1-f41.google.com [209.85.208.41])
 by inbound-smtp.eu-west-1.amazonaws.com with SMTP id 6r1vc0pldbl6t7o3ugq2k5qoe0ghd0jm4m9gco1
 for reports@intake.localhost;
 Mon, 22 Sep 2025 08:14:03 +0000 (UTC)
X-SES-Spam-Verdict: ${spam}
X-SES-Virus-Verdict: PASS
Received-SPF: pass (spfCheck: domain of thuvien-hanoi.edu.vn designates 209.85.208.41 as permitted sender) client-ip=209.85.208.41; envelope-from=director@thuvien-hanoi.edu.vn; helo=mail-ed1-f41.google.com;
Authentication-Results: amazonses.com;
 spf=pass (spfCheck: domain of thuvien-hanoi.edu.vn designates 209.85.208.41 as permitted sender) client-ip=209.85.208.41; envelope-from=director@thuvien-hanoi.edu.vn; helo=mail-ed1-f41.google.com;
 dkim=pass header.i=@thuvien-hanoi.edu.vn;
 dmarc=${dmarc} header.from=thuvien-hanoi.edu.vn;
X-SES-RECEIPT: AEFBQUFBQUFBQUFHMXVsSm5mNkFSRjRRa0R4ZjBmeWg0Q0lzN0w=
X-SES-DKIM-SIGNATURE: a=rsa-sha256; q=dns/txt; b=Xq5wXgZk1; c=relaxed/simple; s=224i4yxa5dv7c2xz3womw6peuasteono; d=amazonses.com; t=1758528843; v=1; bh=abc=; h=From:To:Cc:Bcc:Subject:Date:Message-ID:MIME-Version:Content-Type:X-SES-RECEIPT;
`;

const SENDER_PART = (extra = '') => `Received: by mail-ed1-f41.google.com with SMTP id 4fb4d7f45d1cf-62f0bd3c2a1so4455123a12.1
 for <reports@intake.localhost>; Mon, 22 Sep 2025 01:14:02 -0700 (PDT)
${extra}From: Nguyen Thi Lan <director@thuvien-hanoi.edu.vn>
To: reports@intake.localhost
Subject: WSIS report
Date: Mon, 22 Sep 2025 15:14:00 +0700
Message-ID: <CAF3x@mail.gmail.com>
Content-Type: text/plain; charset=UTF-8

Report text.
`;

describe('SES receipt headers', () => {
  it('reads verdicts and receipt time from the block SES prepends', async () => {
    const message = await parseMail(crlf(SES_BLOCK('PASS', 'pass') + SENDER_PART()));
    const receipt = sesReceiptFromHeaders(message.headers);
    expect(receipt?.verdicts).toEqual({ spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(receipt?.receivedAt?.toISOString()).toBe('2025-09-22T08:14:03.000Z');
  });

  it('ignores verdict headers a sender forged lower in the header block', async () => {
    const forged = 'X-SES-Spam-Verdict: FAIL\nAuthentication-Results: amazonses.com; spf=fail; dkim=fail; dmarc=fail header.from=x\n';
    const message = await parseMail(crlf(SES_BLOCK('PASS', 'pass') + SENDER_PART(forged)));
    const receipt = sesReceiptFromHeaders(message.headers);
    expect(receipt?.verdicts.spam).toBe('PASS');
    expect(ignoreReasons(message, receipt!.verdicts)).toEqual([]);
  });

  it('does not trust an SES-looking block that a message carries without SES receiving it', async () => {
    const message = await parseMail(crlf(`X-SES-Spam-Verdict: FAIL\n${SENDER_PART()}`));
    expect(sesReceiptFromHeaders(message.headers)).toBeNull();
  });

  it('turns SES failures into ignore reasons', async () => {
    const spam = await parseMail(crlf(SES_BLOCK('FAIL', 'pass') + SENDER_PART()));
    expect(ignoreReasons(spam, sesReceiptFromHeaders(spam.headers)!.verdicts)).toEqual(['spam']);
    const dmarc = await parseMail(crlf(SES_BLOCK('PASS', 'fail') + SENDER_PART()));
    expect(ignoreReasons(dmarc, sesReceiptFromHeaders(dmarc.headers)!.verdicts)).toEqual(['unauthenticated']);
  });

  it('needs both SPF and DKIM to fail (without DMARC) to call a sender unauthenticated', async () => {
    const message = await parseMail(crlf(SENDER_PART()));
    expect(ignoreReasons(message, { spf: 'FAIL', dkim: 'PASS', dmarc: 'GRAY' })).toEqual([]);
    expect(ignoreReasons(message, { spf: 'FAIL', dkim: 'FAIL', dmarc: 'GRAY' })).toEqual(['unauthenticated']);
  });
});

describe('messages that are not submissions', () => {
  const plain = (headers: string) => parseMail(crlf(`${headers}From: someone@biblio-lyon.fr\nTo: reports@intake.localhost\nSubject: Re: WSIS\n\nText.\n`));

  it.each([
    ['Auto-Submitted: auto-replied\n', 'auto_reply'],
    ['X-Autoreply: yes\n', 'auto_reply'],
    ['X-Autorespond: Out of office\n', 'auto_reply'],
    ['Precedence: auto_reply\n', 'auto_reply'],
    ['List-Id: <ifla-l.lists.example.org>\n', 'mailing_list'],
    ['List-Unsubscribe: <mailto:leave@lists.example.org>\n', 'mailing_list'],
    ['Precedence: bulk\n', 'mailing_list'],
    ['Precedence: junk\n', 'mailing_list'],
    ['Return-Path: <>\n', 'bounce'],
  ])('%s→ %s', async (headers, reason) => {
    expect(ignoreReasons(await plain(headers), {})).toEqual([reason]);
  });

  it('keeps a message that says Auto-Submitted: no', async () => {
    expect(ignoreReasons(await plain('Auto-Submitted: no\n'), {})).toEqual([]);
  });

  it('recognises a bounce from MAILER-DAEMON with a delivery-status part', async () => {
    const message = await parseMail(
      crlf(`From: Mail Delivery System <MAILER-DAEMON@mx.biblio-lyon.fr>
To: reports@intake.localhost
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

The mail system could not deliver your message.
--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.biblio-lyon.fr
Final-Recipient: rfc822; old@biblio-lyon.fr
Action: failed
Status: 5.1.1
--B1--
`),
    );
    expect(ignoreReasons(message, {})).toEqual(['bounce']);
  });
});
