import { readFile } from 'node:fs/promises';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INDEXES } from '#adapters/aws/table-schema.ts';
import { parseSesEvent } from '#adapters/aws/ses-event.ts';
import { AcknowledgmentPendingError } from '#core/intake.ts';
import {
  ACK_FROM,
  addresses,
  failingSes,
  intakeEnv,
  receive,
  storedRecord,
  storedReports,
  testMetrics,
  testRuntime,
  useEmulators,
} from './intake-harness.ts';

type Handler = (event: unknown) => Promise<void>;

const emulators = useEmulators();
let handler: Handler;
const savedEnv = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, intakeEnv(emulators()));
  // The real handler module: its clients find the emulators through AWS_ENDPOINT_URL_* alone.
  ({ handler } = await import('../../functions/handlers/intake.ts'));
});

afterAll(() => {
  process.env = savedEnv;
});

describe('intake handler', () => {
  it('stores an accepted report and answers its From address in the thread', async () => {
    const { id, event } = await receive(emulators(), 'report-accepted-en.eml', { id: '4k2j9d0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7i9' });
    await handler(event);

    const record = await storedRecord(emulators(), id);
    expect(record).toMatchObject({
      status: 'accepted',
      callId: 'wsis-2025',
      callStatus: 'wsis-2025#accepted',
      callSender: 'wsis-2025#m.okafor@lagoslibrary.ng.example',
      currentCall: 'wsis-2025',
      receivedAt: '2025-09-12T08:15:02.000Z',
      from: 'm.okafor@lagoslibrary.ng.example',
      subject: 'WSIS 2025 report - Lagos City Public Library',
      links: ['https://lagoslibrary.ng.example/wsis-2025'],
      language: 'en',
      late: false,
      rawKey: `raw/wsis-2025/${id}`,
      messageId: '<CAH8x2Lq7report2025@mail.lagoslibrary.ng.example>',
      ack: { status: 'sent', attempts: 1 },
      history: [{ by: 'intake', status: 'accepted' }],
    });
    expect(record?.actionLines).toEqual(expect.arrayContaining(['C3', 'C4']));
    expect(record?.reportText).toContain('two digital literacy hubs');
    expect(record?.analysisVersion).toBeTruthy();
    expect(record?.headers['received-spf']).toMatch(/^pass/);

    const mail = await emulators().sentMail();
    expect(mail).toHaveLength(1);
    const [ack] = mail;
    // Not the Reply-To (comms@) and not the BATV envelope sender (prvs=…).
    expect(addresses(ack?.to)).toEqual(['m.okafor@lagoslibrary.ng.example']);
    expect(ack?.from).toBe(ACK_FROM);
    expect(record?.ack.messageId).toBe(ack?.messageId);
    expect(record?.ack.sentAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const sent = await simpleParser(Buffer.from(ack?.raw ?? ''));
    expect(sent.subject).toBe('Re: WSIS 2025 report - Lagos City Public Library');
    expect(sent.inReplyTo).toBe('<CAH8x2Lq7report2025@mail.lagoslibrary.ng.example>');
    expect(sent.references).toEqual(['<call-wsis-2025-announce@lists.ifla.example>', '<CAH8x2Lq7report2025@mail.lagoslibrary.ng.example>']);
    expect(sent.headers.get('auto-submitted')).toBe('auto-replied');
    expect(sent.headers.get('x-auto-response-suppress')).toBe('All');
    expect(ack?.text).toContain('Status: Accepted');
    expect(ack?.text).toContain(`Action Lines found: ${record?.actionLines.join(', ')}`);
    expect(ack?.text).toContain(`Reference: ${id}`);
    expect(ack?.html).toContain('https://lagoslibrary.ng.example/wsis-2025');
  });

  it('stores a report that needs revision and answers in its language, Cc being enough', async () => {
    const { id, event } = await receive(emulators(), 'report-needs-revision-fr.eml', { id: '9b7c5a3e1g0i8k6m4o2q0s8u6w4y2a0c8e6g4i2k' });
    await handler(event);

    const record = await storedRecord(emulators(), id);
    expect(record).toMatchObject({ status: 'needs_revision', language: 'fr', actionLines: ['C8'], links: [], ack: { status: 'sent' } });
    expect(record?.problems.map((p) => p.code)).toContain('no_link');

    const [ack, ...others] = await emulators().sentMail();
    expect(others).toEqual([]);
    expect(addresses(ack?.to)).toEqual(['c.dubois@bm-lyon.fr.example']);
    expect(ack?.subject).toBe('Re: Rapport SMSI 2025 – Bibliothèque municipale de Lyon');
    expect(ack?.text).toContain('À réviser');
    expect(ack?.text).toContain('Ajoutez des liens (https://…)');
    expect(ack?.text).toContain("Un rapport conforme à l'appel comprend");
    const sent = await simpleParser(Buffer.from(ack?.raw ?? ''));
    expect(sent.inReplyTo).toBe('<5f1c2a9e-7d3b-4e61-9a0c-bm2025@bm-lyon.fr.example>');
    expect(sent.headers.get('content-language')).toBe('fr');
  });

  it('makes one record and one acknowledgment of an event delivered three times', async () => {
    const { id, event } = await receive(emulators(), 'report-accepted-en.eml', { id: 'dup0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1' });
    await handler(event);
    await handler(event);
    await handler(event);

    expect((await storedReports(emulators())).map((r) => r.id)).toEqual([id]);
    expect(await emulators().sentMail()).toHaveLength(1);
    expect((await storedRecord(emulators(), id))?.ack).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('marks the earlier report of the same sender superseded by the resubmission', async () => {
    const first = await receive(emulators(), 'report-needs-revision-fr.eml', { id: 'first9b7c5a3e1g0i8k6m4o2q0s8u6w4y2a0c8' });
    const second = await receive(emulators(), 'report-resubmission-fr.eml', { id: 'second2d4f6h8j0l2n4p6r8t0v2x4z6b8d0f2h' });
    await handler(first.event);
    await handler(second.event);

    const earlier = await storedRecord(emulators(), first.id);
    const later = await storedRecord(emulators(), second.id);
    expect(later).toMatchObject({ status: 'accepted', currentCall: 'wsis-2025' });
    expect(later?.supersededBy).toBeUndefined();
    expect(earlier).toMatchObject({ status: 'needs_revision', supersededBy: second.id });
    expect(earlier?.currentCall).toBeUndefined();
    expect(await currentReportIds()).toEqual([second.id]);
    expect(await emulators().sentMail()).toHaveLength(2);
  });

  it('keeps the newer report current when the older one is delivered last', async () => {
    const older = await receive(emulators(), 'report-needs-revision-fr.eml', { id: 'olderb7c5a3e1g0i8k6m4o2q0s8u6w4y2a0c8' });
    const newer = await receive(emulators(), 'report-resubmission-fr.eml', { id: 'newer2d4f6h8j0l2n4p6r8t0v2x4z6b8d0f2h' });
    await handler(newer.event);
    await handler(older.event);

    expect((await storedRecord(emulators(), older.id))?.supersededBy).toBe(newer.id);
    expect(await currentReportIds()).toEqual([newer.id]);
  });

  it('stores but does not answer a message on which the intake address was Bcc', async () => {
    const { id, event } = await receive(emulators(), 'report-needs-revision-fr.eml', {
      id: 'bcc7c5a3e1g0i8k6m4o2q0s8u6w4y2a0c8e6g',
      edit: (text) => text.replace('Cc: reports@intake.localhost\n', ''),
    });
    await handler(event);

    expect(await storedRecord(emulators(), id)).toMatchObject({ status: 'needs_revision', ack: { status: 'skipped', reason: 'not_addressed' } });
    expect(await emulators().sentMail()).toEqual([]);
  });

  it('stores an automatic reply as ignored, without an answer and without replacing the real report', async () => {
    const report = await receive(emulators(), 'report-accepted-en.eml', { id: 'real0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7i9' });
    const autoReply = await receive(emulators(), 'report-accepted-en.eml', {
      id: 'ooo0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7i9',
      edit: (text) =>
        text
          .replace('Subject: WSIS 2025 report', 'Auto-Submitted: auto-replied\nSubject: Out of office: WSIS 2025 report')
          .replace('Fri, 12 Sep 2025 08:15:02 +0000', 'Fri, 12 Sep 2025 09:15:02 +0000'),
    });
    await handler(report.event);
    await handler(autoReply.event);

    expect(await storedRecord(emulators(), autoReply.id)).toMatchObject({ status: 'ignored', ack: { status: 'skipped', reason: 'ignored' } });
    expect(await currentReportIds()).toEqual([report.id]);
    expect(await emulators().sentMail()).toHaveLength(1);
  });

  it('skips the acknowledgment once the sender has had the hourly maximum', async () => {
    const runtime = testRuntime(emulators(), { config: { ackMaxPerSenderPerHour: 2 } });
    const ids = ['rate1a3e1g0i8k6m4o2q0s8u6w4y2a0c8e6', 'rate2a3e1g0i8k6m4o2q0s8u6w4y2a0c8e6', 'rate3a3e1g0i8k6m4o2q0s8u6w4y2a0c8e6'];
    for (const id of ids) await runtime.handleSesEvent((await receive(emulators(), 'report-accepted-en.eml', { id })).event);

    const acks = await Promise.all(ids.map(async (id) => (await storedRecord(emulators(), id))?.ack));
    expect(acks.map((ack) => ack?.status)).toEqual(['sent', 'sent', 'skipped']);
    expect(acks[2]?.reason).toBe('rate_limited');
    expect(await emulators().sentMail()).toHaveLength(2);
  });

  it('accepts the event exactly as the SES documentation shows it', async () => {
    const documented = JSON.parse(await readFile(new URL('../fixtures/ses/receipt-event.json', import.meta.url), 'utf8')) as unknown;
    const built = (await receive(emulators(), 'report-accepted-en.eml', { id: '4k2j9d0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7i9' })).event;
    const [documentedRecord] = parseSesEvent(documented).Records;
    const [builtRecord] = parseSesEvent(built).Records;
    // The builder the local stack uses produces the same shape.
    expect(Object.keys(builtRecord?.ses.mail ?? {}).sort()).toEqual(Object.keys(documentedRecord?.ses.mail ?? {}).sort());
    expect(Object.keys(builtRecord?.ses.receipt ?? {}).sort()).toEqual(
      Object.keys(documentedRecord?.ses.receipt ?? {}).filter((key) => key !== 'dmarcPolicy').sort(),
    );

    await handler(documented);
    expect(await storedRecord(emulators(), '4k2j9d0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7i9')).toMatchObject({
      status: 'accepted',
      receivedAt: '2025-09-12T08:15:02.311Z',
    });
  });

  it('refuses an event that is not an SES receipt event', async () => {
    await expect(handler({ Records: [{ eventSource: 'aws:s3' }] })).rejects.toThrow(/Not an SES receipt event/);
    const traversal = JSON.parse(await readFile(new URL('../fixtures/ses/receipt-event.json', import.meta.url), 'utf8')) as {
      Records: { ses: { mail: { messageId: string } } }[];
    };
    traversal.Records[0]!.ses.mail.messageId = '../../other-call/secret';
    await expect(handler(traversal)).rejects.toThrow(/messageId/);
    expect(await storedReports(emulators())).toEqual([]);
  });
});

describe('intake metrics', () => {
  it('counts new reports by status, once per report, and acknowledgments that failed', async () => {
    const metrics = testMetrics();
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const runtime = testRuntime(emulators(), { metrics });
    const accepted = await receive(emulators(), 'report-accepted-en.eml', { id: 'metric1q7m3n5p8r6t0s2u4w6y8a1c3e5g7i9' });
    const needsRevision = await receive(emulators(), 'report-needs-revision-fr.eml', { id: 'metric2a3e1g0i8k6m4o2q0s8u6w4y2a0c8e6' });
    const autoReply = await receive(emulators(), 'report-accepted-en.eml', {
      id: 'metric3q7m3n5p8r6t0s2u4w6y8a1c3e5g7i9',
      edit: (text) => text.replace('Subject: WSIS 2025 report', 'Auto-Submitted: auto-replied\nSubject: Out of office: WSIS 2025 report'),
    });

    await runtime.handleSesEvent(accepted.event);
    await runtime.handleSesEvent(needsRevision.event);
    await runtime.handleSesEvent(autoReply.event);
    // A repeated delivery is not a new report.
    await runtime.handleSesEvent(accepted.event);
    expect(addMetric.mock.calls).toEqual([
      ['accepted', MetricUnit.Count, 1],
      ['needs_revision', MetricUnit.Count, 1],
      ['ignored', MetricUnit.Count, 1],
    ]);

    const throttled = failingSes(emulators(), 1, { name: 'Throttling', message: 'Maximum sending rate exceeded.' });
    const resubmission = await receive(emulators(), 'report-resubmission-fr.eml', { id: 'metric4f6h8j0l2n4p6r8t0v2x4z6b8d0f2h4' });
    await expect(testRuntime(emulators(), { metrics, clients: { ses: throttled.client } }).handleSesEvent(resubmission.event)).rejects.toBeInstanceOf(
      AcknowledgmentPendingError,
    );
    expect(addMetric).toHaveBeenCalledWith('acknowledgmentFailures', MetricUnit.Count, 1);
    // The report was stored before its send failed: it counts now, and not again on the retry.
    const statusCounts = () => addMetric.mock.calls.filter(([name]) => ['accepted', 'needs_revision', 'ignored'].includes(name)).length;
    expect(statusCounts()).toBe(4);
    await testRuntime(emulators(), { metrics }).handleSesEvent(resubmission.event);
    expect(statusCounts()).toBe(4);
  });
});

async function currentReportIds(): Promise<string[]> {
  const { Items } = await DynamoDBDocumentClient.from(emulators().clients.dynamodb).send(
    new QueryCommand({
      TableName: emulators().tableName,
      IndexName: INDEXES.currentByCall.name,
      KeyConditionExpression: 'currentCall = :call',
      ExpressionAttributeValues: { ':call': 'wsis-2025' },
    }),
  );
  return (Items ?? []).map((item) => String(item.id));
}
