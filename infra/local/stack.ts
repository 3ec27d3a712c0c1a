/**
 * The local stack behind `npm start`: SES receiving (an SMTP server), S3, DynamoDB and SES sending
 * stand-ins in one process, wired to the same intake runtime the Lambda handler runs; only the
 * endpoints differ. Mail answered 250 is in S3 first; processing follows it, as SES's Event
 * invocation of the Lambda action does.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { S3RawMailStore } from '#adapters/aws/raw-mail-store.ts';
import { createIntakeRuntime, type IntakeRuntime } from '#adapters/aws/runtime.ts';
import { headerFields, sesReceiptEvent } from '#adapters/aws/ses-event.ts';
import { DEFAULT_CALL_ID, loadCallProfile } from '#core/call-profile.ts';
import { escapeControlCharacters } from '#core/display-safety.ts';
import { AcknowledgmentPendingError, type IntakeOutcome, type ReconcileSummary } from '#core/intake.ts';
import { DEFAULT_ACK_MAX_PER_SENDER_PER_HOUR, intakeEnvironment, loadIntakeConfig } from '../../functions/config.ts';
import { rawPrefixOf } from '../config.ts';
import { startEmulators, type Emulators } from './emulators.ts';
import type { LocalSettings } from './settings.ts';
import { LOCAL_VERDICTS, startSmtpIntake, type ReceivedMessage } from './smtp-intake.ts';

export interface LocalStackOptions {
  /** Host, ports (0 picks a free one), data directory, table and bucket names. */
  readonly settings: LocalSettings;
  /** @default DEFAULT_CALL_ID */
  readonly callId?: string;
  /** @default SES_MAX_MESSAGE_BYTES */
  readonly maxMessageBytes?: number;
  /** Where progress lines go. @default console.log */
  readonly log?: (line: string) => void;
  /** Told when the intake has processed a message it accepted, or failed to. */
  readonly onProcessed?: (result: ProcessedMessage) => void;
}

export type ProcessedMessage = { readonly id: string } & ({ readonly outcome: IntakeOutcome } | { readonly error: Error });

export interface LocalStack {
  readonly callId: string;
  /** The address the SMTP intake accepts mail for. */
  readonly recipient: string;
  readonly smtp: { readonly host: string; readonly port: number };
  readonly endpoints: Emulators['endpoints'];
  /** aws-ses-v2-local's page listing every acknowledgment sent. */
  readonly acknowledgmentsPage: string;
  readonly dataDir: string;
  readonly tableName: string;
  readonly bucketName: string;
  /** Where raw mail is stored: `<rawPrefix><message id>`. */
  readonly rawPrefix: string;
  readonly emulators: Emulators;
  /** What the start-up reconciliation did; null when it stopped on an error (logged). */
  readonly reconciled: ReconcileSummary | null;
  /** Stops accepting mail, waits for the messages in flight, then stops the emulators (once, however often called). */
  stop(): Promise<void>;
}

/** A start that cannot go on, told in one sentence for the person running it. */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
}

const PORTS = [
  { key: 'smtpPort', label: 'SMTP intake', env: 'INTAKE_SMTP_PORT' },
  { key: 's3Port', label: 'S3 emulator', env: 'INTAKE_S3_PORT' },
  { key: 'dynamodbPort', label: 'DynamoDB emulator', env: 'INTAKE_DYNAMODB_PORT' },
  { key: 'sesPort', label: 'SES emulator', env: 'INTAKE_SES_PORT' },
] as const;

/** The SMTP greeting tells this stack from another program on the same port. */
const BANNER_MARK = 'report-intake local stack';

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { settings } = options;
  const print = options.log ?? ((line: string) => console.log(line));
  // Lines quote addresses and errors from the senders' side: never raw control characters.
  const log = (line: string) => print(escapeControlCharacters(line));
  await checkPorts(settings);

  const profile = loadCallProfile(options.callId ?? DEFAULT_CALL_ID);
  // The same settings, parsed by the same code, as the deployed function's environment.
  const config = loadIntakeConfig(
    intakeEnvironment({
      callId: profile.id,
      recipients: [profile.recipient],
      tableName: settings.tableName,
      bucketName: settings.bucketName,
      rawPrefix: rawPrefixOf(profile.id),
      ackFrom: profile.recipient,
      ackMaxPerSenderPerHour: DEFAULT_ACK_MAX_PER_SENDER_PER_HOUR,
    }),
  );

  const unlock = await lockDataDir(settings.dataDir);
  const emulators = await startEmulators({
    dataDir: settings.dataDir,
    host: settings.host,
    ports: { s3: settings.s3Port, dynamodb: settings.dynamodbPort, ses: settings.sesPort },
    tableName: settings.tableName,
    bucketName: settings.bucketName,
  }).catch(async (error: unknown) => {
    await unlock();
    throw explainStartFailure(error);
  });

  const inFlight = new Set<Promise<void>>();
  let stopping: Promise<void> | undefined;
  try {
    const runtime = createIntakeRuntime({ config, clients: emulators.clients, logger: runtimeLogger(), metrics: disabledMetrics() });
    const reconciled = await reconcileAtStart(runtime, log);
    const rawMail = new S3RawMailStore(emulators.clients.s3, settings.bucketName);

    const invokeIntake = async (message: ReceivedMessage): Promise<void> => {
      const event = sesReceiptEvent({
        messageId: message.id,
        receivedAt: message.receivedAt,
        envelopeFrom: message.envelopeFrom,
        recipients: message.recipients,
        headers: headerFields(message.raw),
        verdicts: LOCAL_VERDICTS,
      });
      let result: ProcessedMessage;
      try {
        const [outcome] = await runtime.handleSesEvent(event);
        if (!outcome) throw new Error(`The intake returned no outcome for ${message.id}`);
        log(describeOutcome(outcome));
        result = { id: message.id, outcome };
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        log(describeFailure(message.id, failure));
        result = { id: message.id, error: failure };
      }
      options.onProcessed?.(result);
    };

    const smtp = await startSmtpIntake({
      host: settings.host,
      port: settings.smtpPort,
      recipients: config.recipients,
      region: emulators.region,
      ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
      store: (message) => rawMail.put(`${config.rawPrefix}${message.id}`, message.raw),
      accepted: (message) => {
        const processing = invokeIntake(message);
        inFlight.add(processing);
        void processing.finally(() => inFlight.delete(processing));
      },
      log,
    }).catch((error: unknown) => {
      throw explainStartFailure(error);
    });

    return {
      callId: profile.id,
      recipient: profile.recipient,
      smtp: { host: smtp.host, port: smtp.port },
      endpoints: emulators.endpoints,
      acknowledgmentsPage: `${emulators.endpoints.ses}/`,
      dataDir: settings.dataDir,
      tableName: settings.tableName,
      bucketName: settings.bucketName,
      rawPrefix: config.rawPrefix,
      emulators,
      reconciled,
      stop() {
        stopping ??= (async () => {
          await smtp.close();
          // Nothing new arrives once SMTP is closed: what is in flight now is all there is.
          await Promise.allSettled([...inFlight]);
          await emulators.stop();
          await unlock();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await emulators.stop();
    await unlock();
    throw error;
  }
}

/**
 * Mail stored while processing failed (a bug, the process killed after the 250) has no record:
 * the runtime's reconciler processes it now, before any new mail, and retries acknowledgments left
 * unsent. No other stack works on this data (it is locked), so nothing is too young to touch.
 */
async function reconcileAtStart(runtime: IntakeRuntime, log: (line: string) => void): Promise<ReconcileSummary | null> {
  try {
    const summary = await runtime.reconcile({ minAgeMs: 0 });
    for (const outcome of [...summary.recovered, ...summary.retriedAcks]) log(describeOutcome(outcome));
    if (summary.recovered.length + summary.retriedAcks.length + summary.stillPending.length > 0) {
      log(
        `Reconciled: ${summary.recovered.length} stored message(s) processed, ${summary.retriedAcks.length} acknowledgment(s) retried` +
          (summary.stillPending.length > 0 ? `, ${summary.stillPending.length} still unsent (${summary.stillPending.join(', ')})` : ''),
      );
    }
    return summary;
  } catch (error) {
    // One message the intake cannot process must not keep the stack from starting.
    log(`Reconciling stored mail stopped: ${error instanceof Error ? error.message : String(error)}; it is tried again at the next start`);
    return null;
  }
}

function describeOutcome({ record, ack }: IntakeOutcome): string {
  const problems = record.problems.map((p) => p.code);
  const details = record.status === 'ignored' ? problems.join(', ') : [record.language, `${record.wordCount} words`, ...problems].join(', ');
  const ackText =
    ack.status === 'sent'
      ? `acknowledgment sent to ${record.from ?? ''}`
      : ack.status === 'skipped'
        ? `no acknowledgment (${ack.reason ?? 'skipped'})`
        : `acknowledgment ${ack.status}${ack.lastError ? ` (${ack.lastError})` : ''}`;
  return `${record.id} ${record.status} (${details}) · ${ackText}`;
}

function describeFailure(id: string, error: Error): string {
  const next = 'it is tried again at the next start';
  if (error instanceof AcknowledgmentPendingError) return `${id} stored; acknowledgment not sent yet (${error.message}); ${next}`;
  return `${id} NOT PROCESSED: ${error.name}: ${error.message}; the raw message stays in storage and ${next}`;
}

function runtimeLogger(): Logger {
  // The stack prints one line per message; the runtime's own JSON records only for errors,
  // unless POWERTOOLS_LOG_LEVEL asks for more (or SILENT for none).
  return new Logger({ serviceName: 'report-intake-local', ...(process.env.POWERTOOLS_LOG_LEVEL ? {} : { logLevel: 'ERROR' }) });
}

/** Powertools reads its off switch only from the environment, when a Metrics is made; there is no CloudWatch here. */
function disabledMetrics(): Metrics {
  const previous = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  try {
    return new Metrics({ namespace: 'ReportIntakeLocal', serviceName: 'report-intake-local' });
  } finally {
    if (previous === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = previous;
  }
}

/** Every configured port must be free before anything starts: a clear sentence instead of EADDRINUSE. */
async function checkPorts(settings: LocalSettings): Promise<void> {
  const busy: { port: number; label: string; env: string; key: string }[] = [];
  for (const entry of PORTS) {
    const port = settings[entry.key];
    if (port !== 0 && !(await isFree(settings.host, port))) busy.push({ ...entry, port });
  }
  const smtp = busy.find((entry) => entry.key === 'smtpPort');
  if (smtp && (await greetingOf(settings.host, smtp.port)).includes(BANNER_MARK)) {
    throw new LocalStackError(
      `The local stack is already running (port ${smtp.port} in use): use that one, or stop it with Ctrl-C in its terminal. ` +
        `A second stack needs its own ports (${PORTS.map((p) => p.env).join(', ')}) and its own INTAKE_DATA_DIR.`,
    );
  }
  if (busy.length > 0) {
    throw new LocalStackError(
      `${busy.map((entry) => `Port ${entry.port} (${entry.label}) is in use by another program`).join('; ')}: ` +
        `stop it, or choose another port with ${busy.map((entry) => `${entry.env}=…`).join(', ')}`,
    );
  }
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(false);
      else reject(new LocalStackError(`Cannot listen on ${host}:${port} (${error.code ?? error.message}): check INTAKE_HOST and the ports`, { cause: error }));
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** The first line a server on this port says, '' when it says nothing within a second. */
function greetingOf(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (text: string) => {
      socket.destroy();
      resolve(text);
    };
    socket.setTimeout(1_000, () => done(''));
    socket.once('data', (data: Buffer) => done(data.toString('latin1')));
    socket.once('error', () => done(''));
  });
}

/** A port taken between the check and the start. */
function explainStartFailure(error: unknown): unknown {
  if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new LocalStackError(`A port was taken while the stack started (${error.message}): try again`, { cause: error });
  }
  return error;
}

/**
 * One stack per data directory: LevelDB allows one user of its files, and dynalite fails on a
 * held lock by crashing the process. The lock file names the holder; a holder that no longer
 * runs (killed) left a stale lock, which is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'local-stack.pid');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && isRunning(holder)) {
      throw new LocalStackError(
        `The data directory ${dataDir} is in use by another local stack (process ${holder}): stop that one, or set INTAKE_DATA_DIR to another directory`,
      );
    }
    await rm(lockFile, { force: true });
  }
  throw new LocalStackError(`Could not lock the data directory ${dataDir}: remove ${lockFile} if no local stack runs`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
