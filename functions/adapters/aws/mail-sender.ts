import { SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { MailSendError, type MailSender } from '#core/intake.ts';

/**
 * SES errors that no retry can cure: the message or its sender is refused
 * (https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html#API_SendRawEmail_Errors).
 * Everything else (throttling, outages, a sending pause, a policy not yet fixed) may pass later.
 */
const PERMANENT_ERRORS = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'InvalidParameterValue']);

/** Sends acknowledgments with SES v1 SendRawEmail (the action the IAM condition `ses:FromAddress` governs). */
export class SesMailSender implements MailSender {
  constructor(private readonly client: SESClient) {}

  async sendRaw(message: { from: string; to: string; raw: Uint8Array }): Promise<string> {
    let messageId: string | undefined;
    try {
      ({ MessageId: messageId } = await this.client.send(
        new SendRawEmailCommand({ Source: message.from, Destinations: [message.to], RawMessage: { Data: message.raw } }),
      ));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const detail = error instanceof Error ? error.message : String(error);
      throw new MailSendError(`SES SendRawEmail failed: ${name}: ${detail}`, !PERMANENT_ERRORS.has(name), { cause: error });
    }
    if (!messageId) throw new MailSendError('SES SendRawEmail returned no MessageId', true);
    return messageId;
  }
}
