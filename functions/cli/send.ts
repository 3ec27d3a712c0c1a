/**
 * `intake send FILE... [--to ADDR] [--from ADDR] [--port N]`: submits raw messages to the local
 * stack's SMTP intake as a mail client would, unchanged, and prints the server's reply to each.
 */
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { headerFields } from '#adapters/aws/ses-event.ts';
import { loadCallProfile } from '#core/call-profile.ts';
import { escapeControlCharacters } from '#core/display-safety.ts';
import { localSettings } from '../../infra/local/settings.ts';

/** The server's final word on one message. */
export interface SmtpReply {
  readonly accepted: boolean;
  /** The SMTP reply code; 0 when no server answered. */
  readonly code: number;
  /** The reply line as the server wrote it. */
  readonly reply: string;
}

export interface Submission {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Uint8Array;
}

/** Plain SMTP to the local stack (no TLS, no login), one connection per message unless pooled. */
export function smtpTransport(options: { readonly host: string; readonly port: number; readonly connections?: number }): Transporter {
  const base = { host: options.host, port: options.port, secure: false, ignoreTLS: true } as const;
  return options.connections ? nodemailer.createTransport({ ...base, pool: true, maxConnections: options.connections }) : nodemailer.createTransport(base);
}

/** Sends the message as it is (headers and body untouched) with this envelope. */
export async function submit(transport: Transporter, submission: Submission): Promise<SmtpReply> {
  try {
    const info = (await transport.sendMail({ envelope: { from: submission.from, to: [...submission.to] }, raw: Buffer.from(submission.raw) })) as { response?: string };
    const reply = info.response ?? '';
    return { accepted: true, code: Number.parseInt(reply, 10) || 250, reply };
  } catch (error) {
    const failure = error as NodemailerError;
    // A refusal carries the server's reply; anything else (nothing listening, a dropped connection) is not one.
    if (failure.responseCode === undefined) throw error;
    return { accepted: false, code: failure.responseCode, reply: failure.response ?? `${failure.responseCode}` };
  }
}

/** The address in the message's From header, or null. */
export function fromAddress(raw: Uint8Array): string | null {
  const from = headerFields(raw).find((field) => field.name.toLowerCase() === 'from')?.value;
  if (!from) return null;
  const first = addressparser(from, { flatten: true })[0];
  return first?.address || null;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a port number, 1-65535');
  return port;
}

function isConnectionFailure(error: unknown): boolean {
  const code = (error as NodemailerError).code;
  return code === 'ESOCKET' || code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ECONNREFUSED';
}

export function sendCommand(): Command {
  return new Command('send')
    .exitOverride()
    .description('Submit raw messages (.eml) to the local stack over SMTP, as a mail client would; prints the server\'s reply to each')
    .argument('<files...>', '.eml files to send, unchanged')
    .option('--to <address>', 'envelope recipient (default: the call\'s intake address)')
    .option('--from <address>', 'envelope sender (default: the From address of each file)')
    .option('--port <n>', 'SMTP port of the local stack (default: INTAKE_SMTP_PORT, else 2525)', parsePort)
    .action(async (files: string[], options: { to?: string; from?: string; port?: number }) => {
      const settings = localSettings(process.env);
      const host = settings.host;
      const port = options.port ?? settings.smtpPort;
      const to = options.to ?? loadCallProfile().recipient;
      const transport = smtpTransport({ host, port });
      let failed = false;
      try {
        for (const file of files) {
          const label = escapeControlCharacters(file);
          let raw: Uint8Array;
          try {
            raw = await readFile(file);
          } catch (error) {
            console.error(`${label}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
            failed = true;
            continue;
          }
          const from = options.from ?? fromAddress(raw);
          if (!from) {
            console.error(`${label}: has no From address to send it from: give --from`);
            failed = true;
            continue;
          }
          let reply: SmtpReply;
          try {
            reply = await submit(transport, { from, to: [to], raw });
          } catch (error) {
            if (!isConnectionFailure(error)) throw error;
            console.error(`Nothing answers on ${host}:${port}: start the local stack with \`npm start\` (or give the port it uses with --port)`);
            process.exitCode = 1;
            return;
          }
          if (reply.accepted) console.log(`${label}: ${escapeControlCharacters(reply.reply)}`);
          else console.error(`${label}: refused: ${escapeControlCharacters(reply.reply)}`);
          failed ||= !reply.accepted;
        }
      } finally {
        transport.close();
      }
      if (failed) process.exitCode = 1;
    });
}
