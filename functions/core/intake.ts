/**
 * The intake use case: raw message → analysis → stored record → acknowledgment, over injected
 * ports, so that the Lambda handlers, the local stack and the tests run the same code.
 *
 * Every step can be repeated (SES and Lambda deliver the same message again; Lambda retries after
 * a crash): the record is created once (conditional on the SES message id), the resubmission links
 * are re-applied idempotently, and the acknowledgment is sent under its own conditional claim.
 * Storing never depends on sending: the record exists, ack `pending`, before any send is tried.
 *
 * A send that fails for a reason that may pass (throttling, outage) leaves ack `failed` and throws
 * AcknowledgmentPendingError: the Lambda invocation fails, Lambda retries it (twice), then parks
 * the event in the failure queue for `redrive`, and the reconciler retries such acknowledgments
 * too. A retry finds the record, skips S3 and the analysis, and repeats only the send. A send SES
 * refuses for good (MessageRejected…) stays `failed` with `permanent` and is not retried.
 */
import { acknowledgmentDecision, acknowledgmentMime, composeAcknowledgment } from './acknowledgment.ts';
import type { CallProfile } from './call-profile.ts';
import { processMessage } from './process-message.ts';
import { ackSettled, buildReportRecord, linksResubmissions, senderOf, type AckState, type ReportRecord } from './record.ts';
import type { Verdicts } from './types.ts';

/** Raw messages as SES stored them. */
export interface RawMailStore {
  get(key: string): Promise<Uint8Array>;
  /** Every object under `prefix`, with its last-modified time. */
  list(prefix: string): AsyncIterable<{ readonly key: string; readonly lastModified: Date }>;
}

export type AckClaim =
  /** This caller may send now; the lease proves it when the outcome is written. */
  | { readonly kind: 'claimed'; readonly leaseUntil: string }
  /** Another attempt is sending right now (its lease has not expired). */
  | { readonly kind: 'busy' }
  /** Nothing left to try: sent, skipped or refused for good. */
  | { readonly kind: 'settled'; readonly ack: AckState };

/** The outcome of one send attempt. */
export type AckOutcome =
  | { readonly status: 'sent'; readonly sentAt: string; readonly messageId: string }
  | { readonly status: 'failed'; readonly lastError: string; readonly permanent: boolean }
  | { readonly status: 'skipped'; readonly reason: 'rate_limited' };

export interface ReportRepository {
  get(id: string): Promise<ReportRecord | null>;
  /** Of these ids, those with no record. */
  missing(ids: readonly string[]): Promise<string[]>;
  /** Writes the record unless one with its id exists; returns the stored one either way. */
  create(record: ReportRecord): Promise<{ readonly record: ReportRecord; readonly created: boolean }>;
  /** Makes the newest report of the record's sender current and marks older ones superseded. Idempotent. */
  linkResubmission(record: ReportRecord): Promise<void>;
  claimAcknowledgment(id: string, now: Date, leaseMs: number): Promise<AckClaim>;
  /** Counts one acknowledgment to `sender` in the hour of `now`; false when `max` were already counted. */
  countAcknowledgment(sender: string, now: Date, max: number): Promise<boolean>;
  /** Records the outcome of the claimed send; returns the record's acknowledgment state. */
  settleAcknowledgment(id: string, leaseUntil: string, outcome: AckOutcome): Promise<AckState>;
  /** Records of the call received since `since` whose acknowledgment is pending or failed, and may be retried. */
  unsettledAcknowledgments(callId: string, since: Date): AsyncIterable<ReportRecord>;
}

export interface MailSender {
  /** Sends a raw MIME message; returns the id the mail service gave it. */
  sendRaw(message: { readonly from: string; readonly to: string; readonly raw: Uint8Array }): Promise<string>;
}

/** A send that did not go out. `retryable`: a later attempt may succeed (throttling, outage). */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The acknowledgment could not be sent yet: the record is stored with ack `failed` (or another
 * attempt holds the send). Thrown so the caller retries; a retry sends at most once.
 */
export class AcknowledgmentPendingError extends Error {
  override readonly name = 'AcknowledgmentPendingError';
  constructor(
    readonly reportId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface IntakeDeps {
  readonly rawMail: RawMailStore;
  readonly repository: ReportRepository;
  readonly mailSender: MailSender;
  /** The call; its `recipient` is the intake address acknowledgments send corrected reports to. */
  readonly profile: CallProfile;
  /** The call's intake addresses, lower-cased: a message must name one to be acknowledged. */
  readonly intakeAddresses: readonly string[];
  readonly ackFrom: string;
  readonly ackMaxPerSenderPerHour: number;
  readonly now?: () => Date;
  /** Told once per report, when its record is first written, whatever happens to the send after. */
  readonly onStored?: (record: ReportRecord) => void;
}

export interface IntakeRequest {
  /** The SES message id: the record id. */
  readonly id: string;
  readonly rawKey: string;
  /** SES receipt time; without it the analysis reads it from the SES headers. */
  readonly receivedAt?: Date;
  readonly verdicts?: Verdicts;
}

export interface IntakeOutcome {
  readonly record: ReportRecord;
  /** False when the record already existed (a repeated delivery). */
  readonly created: boolean;
  readonly ack: AckState;
}

/**
 * How long a claimed send may take, from claim to settle, before another attempt may claim it
 * again. It bounds one send, not a function run (reconcile and redrive run for minutes): the SES
 * client gives up within it (runtime.ts derives its timeout and attempts from it), so a live
 * attempt never loses its claim. A retry that finds the claim still held throws, and is tried again later.
 */
export const ACK_LEASE_MS = 120_000;

/** Raw messages looked up per batch during reconcile. */
const RECONCILE_BATCH_SIZE = 100;

export async function runIntake(request: IntakeRequest, deps: IntakeDeps): Promise<IntakeOutcome> {
  const now = deps.now ?? (() => new Date());
  let record = await deps.repository.get(request.id);
  let created = false;
  if (!record) {
    const raw = await deps.rawMail.get(request.rawKey);
    const analysis = await processMessage(raw, {
      profile: deps.profile,
      ...(request.receivedAt ? { receivedAt: request.receivedAt } : {}),
      ...(request.verdicts ? { verdicts: request.verdicts } : {}),
    });
    const ack = acknowledgmentDecision(analysis, { intakeAddresses: deps.intakeAddresses, ackFrom: deps.ackFrom });
    ({ record, created } = await deps.repository.create(buildReportRecord({ id: request.id, rawKey: request.rawKey, analysis, ack, now: now() })));
    if (created) deps.onStored?.(record);
  }
  if (linksResubmissions(record)) await deps.repository.linkResubmission(record);
  const ack = await acknowledge(record, deps, now);
  return { record, created, ack };
}

export interface ReconcileOptions {
  /** Younger raw messages are left to the intake function and its retries. */
  readonly minAgeMs: number;
  /** Acknowledgments of reports received this long ago at most are retried. */
  readonly ackRetryWindowMs: number;
}

export interface ReconcileSummary {
  /** Raw messages that had no record and now have one. */
  readonly recovered: readonly IntakeOutcome[];
  /** Acknowledgments retried, with their new state. */
  readonly retriedAcks: readonly IntakeOutcome[];
  /** Reports whose acknowledgment is still not sent (the send failed again or is in progress). */
  readonly stillPending: readonly string[];
  readonly scanned: number;
}

/**
 * The safety net behind Lambda's retries: raw messages with no record are processed (once: the
 * record's conditional write sees to that), and acknowledgments left pending or failed are retried.
 */
export async function reconcile(prefix: string, deps: IntakeDeps, options: ReconcileOptions): Promise<ReconcileSummary> {
  const now = deps.now ?? (() => new Date());
  const cutoff = now().getTime() - options.minAgeMs;
  const recovered: IntakeOutcome[] = [];
  const retriedAcks: IntakeOutcome[] = [];
  const stillPending: string[] = [];
  const attempt = async (request: IntakeRequest, into: IntakeOutcome[]): Promise<void> => {
    try {
      into.push(await runIntake(request, deps));
    } catch (error) {
      // A send that fails again does not stop the sweep; anything else (storage down) does.
      if (!(error instanceof AcknowledgmentPendingError)) throw error;
      stillPending.push(error.reportId);
    }
  };

  let scanned = 0;
  let batch: { id: string; key: string }[] = [];
  const flush = async (): Promise<void> => {
    const missing = new Set(await deps.repository.missing(batch.map((item) => item.id)));
    // No SES event survives for these: the receipt time and verdicts come from the SES headers.
    for (const item of batch) if (missing.has(item.id)) await attempt({ id: item.id, rawKey: item.key }, recovered);
    batch = [];
  };
  for await (const object of deps.rawMail.list(prefix)) {
    const id = object.key.slice(prefix.length);
    // SES writes AMAZON_SES_SETUP_NOTIFICATION when the rule is created.
    if (!id || id.includes('/') || id === 'AMAZON_SES_SETUP_NOTIFICATION' || object.lastModified.getTime() > cutoff) continue;
    scanned += 1;
    batch.push({ id, key: object.key });
    if (batch.length >= RECONCILE_BATCH_SIZE) await flush();
  }
  if (batch.length > 0) await flush();

  const since = new Date(now().getTime() - options.ackRetryWindowMs);
  for await (const record of deps.repository.unsettledAcknowledgments(deps.profile.id, since)) {
    if (new Date(record.storedAt).getTime() > cutoff) continue;
    await attempt({ id: record.id, rawKey: record.rawKey }, retriedAcks);
  }
  return { recovered, retriedAcks, stillPending, scanned };
}

async function acknowledge(record: ReportRecord, deps: IntakeDeps, now: () => Date): Promise<AckState> {
  if (ackSettled(record.ack)) return record.ack;
  const claim = await deps.repository.claimAcknowledgment(record.id, now(), ACK_LEASE_MS);
  if (claim.kind === 'settled') return claim.ack;
  if (claim.kind === 'busy') {
    throw new AcknowledgmentPendingError(record.id, `Another attempt is sending the acknowledgment of ${record.id}`);
  }
  const { leaseUntil } = claim;
  const sender = senderOf(record);
  // Counts attempts, not deliveries: a retried send counts again, erring toward fewer acknowledgments.
  if (!(await deps.repository.countAcknowledgment(sender, now(), deps.ackMaxPerSenderPerHour))) {
    return deps.repository.settleAcknowledgment(record.id, leaseUntil, { status: 'skipped', reason: 'rate_limited' });
  }

  const message = composeAcknowledgment(record, { profile: deps.profile, reportId: record.id, from: deps.ackFrom, intakeAddress: deps.profile.recipient });
  const raw = await acknowledgmentMime(message, now());
  let messageId: string;
  try {
    messageId = await deps.mailSender.sendRaw({ from: deps.ackFrom, to: message.to.address, raw });
  } catch (error) {
    if (!(error instanceof MailSendError)) throw error;
    const ack = await deps.repository.settleAcknowledgment(record.id, leaseUntil, {
      status: 'failed',
      lastError: error.message,
      permanent: !error.retryable,
    });
    // A rejected message (bad address, unverified sender) stays `failed` for staff to look at.
    if (!error.retryable) return ack;
    throw new AcknowledgmentPendingError(record.id, `The acknowledgment of ${record.id} was not sent: ${error.message}`, { cause: error });
  }
  // Should this write fail, the send is repeated once the lease has expired: the one window in
  // which a sender can get a second acknowledgment (SES offers no idempotency key).
  return deps.repository.settleAcknowledgment(record.id, leaseUntil, { status: 'sent', sentAt: now().toISOString(), messageId });
}
