import { describe, expect, it, vi } from 'vitest';
import { S3RawMailStore } from '#adapters/aws/raw-mail-store.ts';
import { intakeRequestOf, parseSesEvent } from '#adapters/aws/ses-event.ts';
import { ACK_LEASE_MS, AcknowledgmentPendingError, runIntake } from '#core/intake.ts';
import { unreachableEndpoint } from '#test/helpers/emulators.ts';
import {
  RAW_PREFIX,
  allItems,
  dyingDynamo,
  failingSes,
  intakeEnv,
  receive,
  storedRecord,
  storedReports,
  testRuntime,
  useEmulators,
} from './intake-harness.ts';

const emulators = useEmulators();
const savedEnv = { ...process.env };

describe('intake under failure', () => {
  it('throws when DynamoDB is unreachable and writes nothing, sends nothing', async () => {
    const { event } = await receive(emulators(), 'report-accepted-en.eml', { id: 'ddbdown1q7m3n5p8r6t0s2u4w6y8a1c3e5g7' });
    Object.assign(process.env, intakeEnv(emulators()), { AWS_ENDPOINT_URL_DYNAMODB: await unreachableEndpoint(), AWS_MAX_ATTEMPTS: '1' });
    vi.resetModules();
    try {
      const { handler } = await import('../../functions/handlers/intake.ts');
      await expect(handler(event)).rejects.toThrow(/ECONNREFUSED|connect/i);
    } finally {
      process.env = { ...savedEnv };
    }

    expect(await allItems(emulators())).toEqual([]);
    expect(await emulators().sentMail()).toEqual([]);
  });

  it('keeps the report with ack failed while SES throttles, then sends exactly once', async () => {
    const ses = failingSes(emulators(), 2, { name: 'Throttling', message: 'Maximum sending rate exceeded.' });
    const runtime = testRuntime(emulators(), { clients: { ses: ses.client } });
    const { id, event } = await receive(emulators(), 'report-accepted-en.eml', { id: 'throttle7m3n5p8r6t0s2u4w6y8a1c3e5g7i9' });

    // Lambda's first attempt and its first retry: the report is stored, the send fails, the invocation fails.
    await expect(runtime.handleSesEvent(event)).rejects.toBeInstanceOf(AcknowledgmentPendingError);
    expect(await storedRecord(emulators(), id)).toMatchObject({
      status: 'accepted',
      ack: { status: 'failed', attempts: 1, lastError: expect.stringContaining('Throttling') },
    });
    await expect(runtime.handleSesEvent(event)).rejects.toBeInstanceOf(AcknowledgmentPendingError);
    expect(await emulators().sentMail()).toEqual([]);

    // Lambda's second retry: SES has recovered.
    await runtime.handleSesEvent(event);
    const [ack, ...others] = await emulators().sentMail();
    expect(others).toEqual([]);
    const record = await storedRecord(emulators(), id);
    expect(record?.ack).toMatchObject({ status: 'sent', attempts: 3, messageId: ack?.messageId });
    expect(record?.ack.lastError).toBeUndefined();

    // A late duplicate delivery changes nothing.
    await runtime.handleSesEvent(event);
    expect(await emulators().sentMail()).toHaveLength(1);
    expect(ses.calls()).toBe(3);
    expect(await storedReports(emulators())).toHaveLength(1);
  });

  it('keeps a rejected acknowledgment failed without failing the invocation or retrying it', async () => {
    const ses = failingSes(emulators(), 1, { name: 'MessageRejected', message: 'Email address is not verified.' });
    const runtime = testRuntime(emulators(), { clients: { ses: ses.client } });
    const { id, event } = await receive(emulators(), 'report-accepted-en.eml', { id: 'rejected3n5p8r6t0s2u4w6y8a1c3e5g7i9' });

    await runtime.handleSesEvent(event);
    await runtime.handleSesEvent(event);

    expect((await storedRecord(emulators(), id))?.ack).toMatchObject({ status: 'failed', permanent: true, attempts: 1 });
    expect(ses.calls()).toBe(1);
  });

  it('makes one record and one acknowledgment when the function died between reading S3 and writing DynamoDB', async () => {
    const runtime = testRuntime(emulators());
    const { id, event } = await receive(emulators(), 'report-accepted-en.eml', { id: 'killed7m3n5p8r6t0s2u4w6y8a1c3e5g7i9' });
    const [record] = parseSesEvent(event).Records;
    const request = intakeRequestOf(record!, RAW_PREFIX);
    const store = new S3RawMailStore(emulators().clients.s3, emulators().bucketName);
    let read = false;
    // The raw message is read, then the process dies (timeout, out of memory) before any write.
    const dying = {
      get: async (key: string) => {
        await store.get(key);
        read = true;
        throw new Error('Task timed out after 60.00 seconds');
      },
      list: (prefix: string) => store.list(prefix),
    };

    await expect(runIntake(request, { ...runtime.deps, rawMail: dying })).rejects.toThrow(/timed out/);
    expect(read).toBe(true);
    expect(await allItems(emulators())).toEqual([]);

    await runtime.handleSesEvent(event);
    await runtime.handleSesEvent(event);
    expect((await storedReports(emulators())).map((r) => r.id)).toEqual([id]);
    expect(await emulators().sentMail()).toHaveLength(1);
  });

  it('holds a send claimed by a run that died until its lease has passed, then sends it once', async () => {
    const claimedAt = new Date('2025-09-12T08:15:04Z');
    const after = (ms: number) => (): Date => new Date(claimedAt.getTime() + ms);
    const { id, event } = await receive(emulators(), 'report-accepted-en.eml', { id: 'lease5p8r6t0s2u4w6y8a1c3e5g7i9k1m3o5' });
    // The function claims the send, then dies as it counts the acknowledgment against the sender's hourly limit.
    const dying = dyingDynamo(emulators(), (command, input) => command === 'UpdateItemCommand' && JSON.stringify(input.Key).includes('"RATE#'));
    await expect(testRuntime(emulators(), { clients: { dynamodb: dying.client }, now: after(0) }).handleSesEvent(event)).rejects.toThrow(/timed out/);
    expect(dying.died()).toBe(true);
    expect((await storedRecord(emulators(), id))?.ack).toMatchObject({
      status: 'pending',
      attempts: 1,
      leaseUntil: new Date(claimedAt.getTime() + ACK_LEASE_MS).toISOString(),
    });

    // A retry just before the lease ends cannot tell the dead run from a slow one: it sends nothing and fails, to be retried.
    await expect(testRuntime(emulators(), { now: after(ACK_LEASE_MS - 1_000) }).handleSesEvent(event)).rejects.toBeInstanceOf(AcknowledgmentPendingError);
    expect(await emulators().sentMail()).toEqual([]);

    const afterLease = testRuntime(emulators(), { now: after(ACK_LEASE_MS + 1_000) });
    await afterLease.handleSesEvent(event);
    await afterLease.handleSesEvent(event);
    const [ack, ...others] = await emulators().sentMail();
    expect(others).toEqual([]);
    expect((await storedRecord(emulators(), id))?.ack).toMatchObject({ status: 'sent', attempts: 2, messageId: ack?.messageId });
  });

  it('sends once when two deliveries of the same message run at the same time', async () => {
    const runtime = testRuntime(emulators());
    const { event } = await receive(emulators(), 'report-accepted-en.eml', { id: 'concurrent5p8r6t0s2u4w6y8a1c3e5g7i9' });

    const results = await Promise.allSettled([runtime.handleSesEvent(event), runtime.handleSesEvent(event)]);
    // The loser finds the send claimed by the winner and fails, so that Lambda retries it later.
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(AcknowledgmentPendingError);
    }
    expect(results.some((result) => result.status === 'fulfilled')).toBe(true);
    expect(await storedReports(emulators())).toHaveLength(1);
    expect(await emulators().sentMail()).toHaveLength(1);
  });

  it('completes the resubmission links when a retry follows a crash between them', async () => {
    const runtime = testRuntime(emulators());
    const first = await receive(emulators(), 'report-needs-revision-fr.eml', { id: 'crash1c5a3e1g0i8k6m4o2q0s8u6w4y2a0c8e' });
    const second = await receive(emulators(), 'report-resubmission-fr.eml', { id: 'crash2f6h8j0l2n4p6r8t0v2x4z6b8d0f2h4j' });
    await runtime.handleSesEvent(first.event);
    // The second report is stored and made the sender's latest, then the function dies before
    // marking the first one superseded.
    const dying = dyingDynamo(emulators(), (command, input) => command === 'UpdateItemCommand' && String(input.UpdateExpression).includes('supersededBy'));
    await expect(testRuntime(emulators(), { clients: { dynamodb: dying.client } }).handleSesEvent(second.event)).rejects.toThrow(/timed out/);
    expect(dying.died()).toBe(true);
    expect((await storedRecord(emulators(), first.id))?.currentCall).toBe('wsis-2025');

    await runtime.handleSesEvent(second.event);

    expect(await storedRecord(emulators(), first.id)).toMatchObject({ supersededBy: second.id });
    expect((await storedRecord(emulators(), first.id))?.currentCall).toBeUndefined();
    expect(await storedRecord(emulators(), second.id)).toMatchObject({ currentCall: 'wsis-2025', ack: { status: 'sent' } });
    expect(await emulators().sentMail()).toHaveLength(2);
  });

  it('supersedes a report left current by a crashed run when the next resubmission comes first', async () => {
    const runtime = testRuntime(emulators());
    const first = await receive(emulators(), 'report-needs-revision-fr.eml', { id: 'left1c5a3e1g0i8k6m4o2q0s8u6w4y2a0c8e6' });
    const second = await receive(emulators(), 'report-resubmission-fr.eml', { id: 'left2f6h8j0l2n4p6r8t0v2x4z6b8d0f2h4j6' });
    const third = await receive(emulators(), 'report-resubmission-fr.eml', {
      id: 'left3f6h8j0l2n4p6r8t0v2x4z6b8d0f2h4j6',
      edit: (text) => text.replace('Wed, 17 Sep 2025 07:48:10 +0000', 'Thu, 18 Sep 2025 10:02:55 +0000'),
    });
    await runtime.handleSesEvent(first.event);
    const dying = dyingDynamo(emulators(), (command, input) => command === 'UpdateItemCommand' && String(input.UpdateExpression).includes('supersededBy'));
    await expect(testRuntime(emulators(), { clients: { dynamodb: dying.client } }).handleSesEvent(second.event)).rejects.toThrow(/timed out/);

    // The third report arrives before any retry of the second.
    await runtime.handleSesEvent(third.event);

    expect(await storedRecord(emulators(), first.id)).toMatchObject({ supersededBy: third.id });
    expect(await storedRecord(emulators(), second.id)).toMatchObject({ supersededBy: third.id });
    expect((await storedReports(emulators())).filter((r) => r.currentCall).map((r) => r.id)).toEqual([third.id]);
  });
});
