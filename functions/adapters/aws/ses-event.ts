/**
 * The event SES hands a receipt rule's Lambda action
 * (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-lambda-event.html): headers and
 * verdicts, not the body, which the rule's S3 action stored first under `<prefix><messageId>`.
 */
import { z } from 'zod';
import type { IntakeRequest } from '#core/intake.ts';
import type { VerdictStatus, Verdicts } from '#core/types.ts';

const VERDICT_STATUSES = ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const satisfies readonly VerdictStatus[];
const verdict = z.object({ status: z.enum(VERDICT_STATUSES) }).optional();
const header = z.object({ name: z.string(), value: z.string() });

const sesRecordSchema = z.object({
  eventSource: z.literal('aws:ses'),
  eventVersion: z.string(),
  ses: z.object({
    mail: z.looseObject({
      timestamp: z.iso.datetime({ offset: true }),
      source: z.string(),
      // It names the S3 object: no path separators or dot segments can come from here.
      messageId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/, 'an SES message id'),
      destination: z.array(z.string()),
      headersTruncated: z.boolean().optional(),
      headers: z.array(header).optional(),
      commonHeaders: z.record(z.string(), z.unknown()).optional(),
    }),
    receipt: z.looseObject({
      timestamp: z.iso.datetime({ offset: true }),
      recipients: z.array(z.string()),
      spamVerdict: verdict,
      virusVerdict: verdict,
      spfVerdict: verdict,
      dkimVerdict: verdict,
      dmarcVerdict: verdict,
      action: z.looseObject({ type: z.string() }).optional(),
    }),
  }),
});

const sesEventSchema = z.object({ Records: z.array(sesRecordSchema).min(1) });

export type SesEvent = z.output<typeof sesEventSchema>;
export type SesRecord = z.output<typeof sesRecordSchema>;

/** Not an SES receipt event: a wiring mistake, which no retry can fix. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export function parseSesEvent(event: unknown): SesEvent {
  const result = sesEventSchema.safeParse(event);
  if (!result.success) {
    const details = result.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    throw new InvalidEventError(`Not an SES receipt event: ${details}`, { cause: result.error });
  }
  return result.data;
}

/** What the intake needs from one SES record: the raw message's key, the receipt time, the verdicts. */
export function intakeRequestOf(record: SesRecord, rawPrefix: string): IntakeRequest {
  const { mail, receipt } = record.ses;
  const verdicts: Verdicts = {
    ...(receipt.spamVerdict ? { spam: receipt.spamVerdict.status } : {}),
    ...(receipt.virusVerdict ? { virus: receipt.virusVerdict.status } : {}),
    ...(receipt.spfVerdict ? { spf: receipt.spfVerdict.status } : {}),
    ...(receipt.dkimVerdict ? { dkim: receipt.dkimVerdict.status } : {}),
    ...(receipt.dmarcVerdict ? { dmarc: receipt.dmarcVerdict.status } : {}),
  };
  return { id: mail.messageId, rawKey: `${rawPrefix}${mail.messageId}`, receivedAt: new Date(receipt.timestamp), verdicts };
}

export interface ReceiptEventInput {
  readonly messageId: string;
  readonly receivedAt: Date;
  /** The SMTP envelope sender (MAIL FROM). */
  readonly envelopeFrom: string;
  /** The SMTP envelope recipients (RCPT TO) that matched the rule. */
  readonly recipients: readonly string[];
  /** The message's header fields, top first (see headerFields). */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly verdicts: { readonly [K in keyof Required<Verdicts>]: VerdictStatus };
  readonly functionArn?: string;
}

/** An event shaped as SES sends it: for the local stack's SMTP intake and for tests. */
export function sesReceiptEvent(input: ReceiptEventInput): SesEvent {
  const first = (name: string): string | undefined => input.headers.find((h) => h.name.toLowerCase() === name)?.value;
  const all = (name: string): string[] => input.headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  const timestamp = input.receivedAt.toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: input.envelopeFrom,
            messageId: input.messageId,
            destination: [...input.recipients],
            headersTruncated: false,
            headers: input.headers.map(({ name, value }) => ({ name, value })),
            commonHeaders: {
              returnPath: input.envelopeFrom,
              from: all('from'),
              to: all('to'),
              ...(first('cc') ? { cc: all('cc') } : {}),
              date: first('date') ?? '',
              messageId: first('message-id') ?? '',
              subject: first('subject') ?? '',
            },
          },
          receipt: {
            timestamp,
            processingTimeMillis: 0,
            recipients: [...input.recipients],
            spamVerdict: { status: input.verdicts.spam },
            virusVerdict: { status: input.verdicts.virus },
            spfVerdict: { status: input.verdicts.spf },
            dkimVerdict: { status: input.verdicts.dkim },
            dmarcVerdict: { status: input.verdicts.dmarc },
            action: {
              type: 'Lambda',
              functionArn: input.functionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:intake',
              invocationType: 'Event',
            },
          },
        },
      },
    ],
  };
}

/** The header fields of a raw message, unfolded, top first (values as written, not MIME-decoded). */
export function headerFields(raw: Uint8Array): { name: string; value: string }[] {
  const text = Buffer.from(raw).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const fields: { name: string; value: string }[] = [];
  for (const line of block.split(/\r?\n/)) {
    const last = fields.at(-1);
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
    } else {
      const colon = line.indexOf(':');
      if (colon > 0) fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    }
  }
  return fields;
}
