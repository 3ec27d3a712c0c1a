import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';

/** One parked message of the intake function's on-failure destination. */
export interface ParkedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly receiptHandle: string;
}

export interface FailureQueue {
  /** Up to `max` messages, hidden from other readers until deleted or their visibility times out. */
  receive(max: number): Promise<ParkedMessage[]>;
  delete(message: ParkedMessage): Promise<void>;
}

export class SqsFailureQueue implements FailureQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async receive(max: number): Promise<ParkedMessage[]> {
    const { Messages } = await this.client.send(
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: Math.min(max, 10), WaitTimeSeconds: 1 }),
    );
    return (Messages ?? []).flatMap((m) =>
      m.MessageId && m.Body !== undefined && m.ReceiptHandle ? [{ messageId: m.MessageId, body: m.Body, receiptHandle: m.ReceiptHandle }] : [],
    );
  }

  async delete(message: ParkedMessage): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.receiptHandle }));
  }
}

/**
 * The invocation record Lambda writes to an on-failure destination for an asynchronous invocation
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
 * `requestPayload` is the original event.
 */
const invocationRecordSchema = z.looseObject({
  version: z.string(),
  timestamp: z.string(),
  requestContext: z.looseObject({
    requestId: z.string(),
    functionArn: z.string(),
    condition: z.string(),
    approximateInvokeCount: z.number(),
  }),
  requestPayload: z.unknown(),
});

type InvocationRecord = z.output<typeof invocationRecordSchema>;

/** The invocation record in a parked message's body, or null when the body is not one. */
export function parseInvocationRecord(body: string): InvocationRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const result = invocationRecordSchema.safeParse(json);
  return result.success ? result.data : null;
}
