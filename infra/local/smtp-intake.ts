/**
 * The local stand-in for SES receiving: an SMTP server that accepts mail for the call's addresses
 * only, refuses what SES refuses, stores the raw message (with the headers SES prepends) before it
 * answers 250, as the receipt rule's S3 action does, and only then hands the message on, as the
 * rule's Lambda action (an Event invocation) does, without making the sender wait.
 * https://docs.aws.amazon.com/ses/latest/dg/receiving-email-concepts.html
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { ReceiptEventInput } from '#adapters/aws/ses-event.ts';

/** SES receiving refuses larger messages (https://docs.aws.amazon.com/ses/latest/dg/quotas.html). */
export const SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

/**
 * What SES would tell the Lambda action: scanned clean; SPF, DKIM and DMARC not checked here.
 * The stored receipt headers (sesReceiptHeaders) say the same.
 */
export const LOCAL_VERDICTS: ReceiptEventInput['verdicts'] = { spam: 'PASS', virus: 'PASS', spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' };

/** One message the intake accepted, as SES stored it. */
export interface ReceivedMessage {
  /** The SES message id: the S3 object's name and the report's id. */
  readonly id: string;
  readonly receivedAt: Date;
  /** The SMTP envelope sender (MAIL FROM); empty for a bounce. */
  readonly envelopeFrom: string;
  /** The accepted envelope recipients (RCPT TO), lower-cased. */
  readonly recipients: readonly string[];
  /** The message with SES's receipt headers on top. */
  readonly raw: Uint8Array;
}

export interface SmtpIntakeOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Addresses mail is accepted for, lower-cased; any other recipient gets 550. */
  readonly recipients: readonly string[];
  /** @default SES_MAX_MESSAGE_BYTES */
  readonly maxMessageBytes?: number;
  /** Named in the Received header, as SES names its receiving endpoint. */
  readonly region: string;
  /** Stores the raw message: the sender gets 250 once it resolves, 451 when it throws. */
  readonly store: (message: ReceivedMessage) => Promise<void>;
  /** Called after the 250 reply. */
  readonly accepted: (message: ReceivedMessage) => void;
  readonly log: (line: string) => void;
}

export interface SmtpIntake {
  readonly host: string;
  readonly port: number;
  /** Stops accepting connections; waits for the messages being received (up to CLOSE_TIMEOUT_MS). */
  close(): Promise<void>;
}

/** A client still connected this long after Ctrl-C is told 421 and dropped. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * The server's settings: SES's size limit (announced in EHLO, and a MAIL FROM whose SIZE exceeds it
 * is refused), no TLS or AUTH locally. A message over it is read to the end and answered 552 by
 * startSmtpIntake, which stores nothing.
 */
export function smtpServerOptions(options: { readonly maxMessageBytes?: number } = {}): SMTPServerOptions {
  return {
    name: 'intake.localhost',
    banner: 'report-intake local stack (SES receiving stand-in)',
    size: options.maxMessageBytes ?? SES_MAX_MESSAGE_BYTES,
    hideENHANCEDSTATUSCODES: false,
    // Plain SMTP on the loopback interface: no certificate to make, no account to log into.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    disableReverseLookup: true,
    closeTimeout: CLOSE_TIMEOUT_MS,
    logger: false,
  };
}

export async function startSmtpIntake(options: SmtpIntakeOptions): Promise<SmtpIntake> {
  const pending = new Set<Promise<void>>();

  const receive = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<ReceivedMessage> => {
    const chunks: Buffer[] = [];
    // Read to the end whatever the size: the reply comes after the terminating dot.
    for await (const chunk of stream as AsyncIterable<Buffer>) if (!stream.sizeExceeded) chunks.push(chunk);
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    if (stream.sizeExceeded) {
      options.log(`552 from ${sender || '<>'}: ${stream.byteLength} bytes, over the ${options.maxMessageBytes ?? SES_MAX_MESSAGE_BYTES}-byte limit`);
      throw smtpError(552, 'Message too large');
    }
    const receivedAt = new Date();
    const id = sesMessageId(receivedAt);
    const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
    const headers = sesReceiptHeaders({
      id,
      receivedAt,
      envelopeFrom: sender,
      recipient: recipients[0] ?? '',
      clientAddress: session.remoteAddress,
      helo: session.hostNameAppearsAs || session.clientHostname,
      region: options.region,
    });
    const message: ReceivedMessage = { id, receivedAt, envelopeFrom: sender, recipients, raw: Buffer.concat([Buffer.from(headers, 'latin1'), ...chunks]) };
    try {
      await options.store(message);
    } catch (error) {
      options.log(`451 from ${sender || '<>'}: the message could not be stored (${error instanceof Error ? error.message : String(error)})`);
      throw smtpError(451, 'The message could not be stored; try again later', { cause: error });
    }
    options.log(`250 ${id} from ${sender || '<>'} (${formatBytes(message.raw.byteLength)})`);
    return message;
  };

  const server = new SMTPServer({
    ...smtpServerOptions(options),
    onRcptTo(address, _session, callback) {
      if (options.recipients.includes(address.address.toLowerCase())) return callback();
      options.log(`550 RCPT TO ${address.address}: not an intake address (accepted: ${options.recipients.join(', ')})`);
      callback(smtpError(550, `Mailbox unavailable: ${address.address} receives no reports here`));
    },
    onData(stream, session, callback) {
      const handling = (async () => {
        let message: ReceivedMessage;
        try {
          message = await receive(stream, session);
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        callback(null, `Ok ${message.id}`);
        options.accepted(message);
      })();
      pending.add(handling);
      void handling.finally(() => pending.delete(handling));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client that drops its connection is its own business; the server goes on.
  server.on('error', (error) => options.log(`SMTP error: ${error.message}`));
  const { port } = server.server.address() as AddressInfo;

  return {
    host: options.host,
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(resolve));
      await Promise.allSettled([...pending]);
    },
  };
}

/** An SMTP reply for smtp-server: code and text (it adds the enhanced status code). */
function smtpError(code: number, message: string, options?: ErrorOptions): Error {
  return Object.assign(new Error(message, options), { responseCode: code });
}

/** 40 lower-case letters and digits, like SES's ids; time first, so that ids sort by arrival. */
export function sesMessageId(receivedAt: Date): string {
  return receivedAt.getTime().toString(36).padStart(10, '0') + randomBytes(15).toString('hex');
}

export interface ReceiptHeaderInput {
  readonly id: string;
  readonly receivedAt: Date;
  readonly envelopeFrom: string;
  readonly recipient: string;
  readonly clientAddress: string;
  readonly helo: string | false;
  readonly region: string;
}

/**
 * The header block SES prepends to a stored message (Received with its receipt time, verdicts,
 * SPF and authentication results), so that a message read back from storage without its event
 * (the reconciler) keeps its receipt time and verdicts. Spam and virus pass; SPF, DKIM and DMARC
 * are not checked here: `none`, which reads as SES's GRAY.
 */
export function sesReceiptHeaders(input: ReceiptHeaderInput): string {
  const client = input.clientAddress.replace(/^::ffff:/, '');
  const helo = input.helo || `[${client}]`;
  const from = input.envelopeFrom;
  const date = input.receivedAt.toUTCString().replace('GMT', '+0000 (UTC)');
  return [
    `Return-Path: <${from}>`,
    `Received: from ${helo} ([${client}])`,
    ` by inbound-smtp.${input.region}.amazonaws.com with SMTP id ${input.id}`,
    ` for ${input.recipient}; ${date}`,
    'X-SES-Spam-Verdict: PASS',
    'X-SES-Virus-Verdict: PASS',
    `Received-SPF: none (local stack: SPF not checked) client-ip=${client}; envelope-from=${from}; helo=${helo};`,
    'Authentication-Results: amazonses.com;',
    ` spf=none (local stack: SPF not checked) client-ip=${client}; envelope-from=${from}; helo=${helo};`,
    ' dkim=none;',
    ' dmarc=none;',
    '',
  ].join('\r\n');
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
