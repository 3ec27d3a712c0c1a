import { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import type { FailureQueue, ParkedMessage } from '#adapters/aws/failure-queue.ts';
import { S3RawMailStore } from '#adapters/aws/raw-mail-store.ts';
import { unreachableEndpoint } from '#test/helpers/emulators.ts';
import { RAW_PREFIX, addresses, failingSes, fixture, receive, storedRecord, storedReports, testRuntime, useEmulators } from './intake-harness.ts';

const emulators = useEmulators();

/** As the reconciler sees the bucket an hour after the messages arrived. */
const anHourLater = (): Date => new Date(Date.now() + 60 * 60_000);

describe('reconcile', () => {
  it('processes a raw message that never reached the intake function, once', async () => {
    const store = new S3RawMailStore(emulators().clients.s3, emulators().bucketName);
    await store.put(`${RAW_PREFIX}orphan9d0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7`, Buffer.from(await fixture('report-accepted-en.eml')));
    // SES's own test object when the rule is created, and another call's message.
    await store.put(`${RAW_PREFIX}AMAZON_SES_SETUP_NOTIFICATION`, Buffer.from('Amazon SES setup notification'));
    await store.put('raw/other-call/x1y2z3', Buffer.from(await fixture('report-accepted-en.eml')));
    const runtime = testRuntime(emulators(), { now: anHourLater });

    const first = await runtime.reconcile();
    const second = await runtime.reconcile();

    expect(first.recovered.map((o) => o.record.id)).toEqual(['orphan9d0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7']);
    expect(second.recovered).toEqual([]);
    // With no event left, the receipt time and verdicts come from the headers SES put on top.
    expect(await storedRecord(emulators(), 'orphan9d0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7')).toMatchObject({
      status: 'accepted',
      receivedAt: '2025-09-12T08:15:02.000Z',
      ack: { status: 'sent' },
    });
    expect(await storedReports(emulators())).toHaveLength(1);
    expect(await emulators().sentMail()).toHaveLength(1);
  });

  it('leaves young raw messages to the intake function and its retries', async () => {
    await receive(emulators(), 'report-accepted-en.eml', { id: 'young9d0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g7' });
    const summary = await testRuntime(emulators()).reconcile();
    expect(summary.recovered).toEqual([]);
    expect(await storedReports(emulators())).toEqual([]);
  });

  it('retries an acknowledgment that failed, and not one that was rejected for good', async () => {
    // The clock of the runs that failed, and of the reconciler an hour later.
    const failedAt = (): Date => new Date('2025-09-12T08:15:04Z');
    const reconcilerClock = (): Date => new Date('2025-09-12T09:15:00Z');
    const down = new SESClient({ region: emulators().region, credentials: emulators().credentials, endpoint: await unreachableEndpoint(), maxAttempts: 1 });
    const failed = await receive(emulators(), 'report-accepted-en.eml', { id: 'sesdown0v1q7m3n5p8r6t0s2u4w6y8a1c3e5g' });
    await expect(testRuntime(emulators(), { clients: { ses: down }, now: failedAt }).handleSesEvent(failed.event)).rejects.toThrow(/not sent/);
    expect((await storedRecord(emulators(), failed.id))?.ack.status).toBe('failed');
    const rejecting = failingSes(emulators(), 1, { name: 'MessageRejected', message: 'Email address is not verified.' });
    const rejected = await receive(emulators(), 'report-needs-revision-fr.eml', { id: 'rejected5a3e1g0i8k6m4o2q0s8u6w4y2a0c8' });
    await testRuntime(emulators(), { clients: { ses: rejecting.client }, now: failedAt }).handleSesEvent(rejected.event);
    expect((await storedRecord(emulators(), rejected.id))?.ack).toMatchObject({ status: 'failed', permanent: true });

    const summary = await testRuntime(emulators(), { now: reconcilerClock }).reconcile();
    expect(summary.retriedAcks.map((o) => [o.record.id, o.ack.status])).toEqual([[failed.id, 'sent']]);
    expect((await emulators().sentMail()).map((mail) => addresses(mail.to))).toEqual([['m.okafor@lagoslibrary.ng.example']]);
    expect((await storedRecord(emulators(), rejected.id))?.ack.status).toBe('failed');

    const again = await testRuntime(emulators(), { now: reconcilerClock }).reconcile();
    expect(again.retriedAcks).toEqual([]);
    expect(await emulators().sentMail()).toHaveLength(1);
  });
});

/** The failure queue, in memory: there is no SQS emulator among the dev dependencies. */
class MemoryQueue implements FailureQueue {
  readonly messages: ParkedMessage[] = [];
  private visible: ParkedMessage[] = [];

  park(body: string): void {
    const message = { messageId: `m-${this.messages.length + 1}`, body, receiptHandle: `rh-${this.messages.length + 1}` };
    this.messages.push(message);
    this.visible.push(message);
  }

  async receive(max: number): Promise<ParkedMessage[]> {
    // Like SQS: a received message is hidden until deleted or its visibility timeout passes (here: never).
    return this.visible.splice(0, max);
  }

  async delete(message: ParkedMessage): Promise<void> {
    this.messages.splice(this.messages.indexOf(message), 1);
  }
}

describe('redrive', () => {
  it('replays parked intake events, removing those that succeed and keeping the unreadable', async () => {
    const { id, event } = await receive(emulators(), 'report-needs-revision-fr.eml', { id: 'parked7c5a3e1g0i8k6m4o2q0s8u6w4y2a0c8' });
    const queue = new MemoryQueue();
    // The invocation record Lambda writes to an on-failure destination.
    queue.park(
      JSON.stringify({
        version: '1.0',
        timestamp: '2025-09-16T13:06:12.512Z',
        requestContext: {
          requestId: 'e4b3f1a2-7c9d-4e8f-a1b2-c3d4e5f6a7b8',
          functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:report-intake-Intake:$LATEST',
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: 'TimeoutError', errorMessage: 'connect ETIMEDOUT' },
      }),
    );
    queue.park('not an invocation record');

    const summary = await testRuntime(emulators()).redrive(queue);

    expect(summary).toEqual({ redriven: 1, failed: 0, unreadable: 1 });
    expect(queue.messages.map((m) => m.body)).toEqual(['not an invocation record']);
    expect(await storedRecord(emulators(), id)).toMatchObject({ status: 'needs_revision', ack: { status: 'sent' } });
    expect(await emulators().sentMail()).toHaveLength(1);
  });
});
