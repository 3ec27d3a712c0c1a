/** Shared arrangement for the integration tests: emulators, settings, fixture delivery, a runtime with quiet telemetry. */
import { readFile } from 'node:fs/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { S3RawMailStore } from '#adapters/aws/raw-mail-store.ts';
import { createIntakeRuntime, type AwsClients, type IntakeRuntime } from '#adapters/aws/runtime.ts';
import { headerFields, sesReceiptEvent, type SesEvent } from '#adapters/aws/ses-event.ts';
import { sesReceiptFromHeaders } from '#core/classify.ts';
import { reportKey, type ReportRecord } from '#core/record.ts';
import { startEmulators, type Emulators } from '#test/helpers/emulators.ts';
import { loadIntakeConfig, type IntakeConfig } from '../../functions/config.ts';

// Powertools Metrics reads this only from the environment; EMF lines on stdout would bury test output.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const INTAKE_ADDRESS = 'reports@intake.localhost';
export const ACK_FROM = 'acknowledgments@intake.localhost';
export const RAW_PREFIX = 'raw/wsis-2025/';

/** Emulators for the test file: started once, emptied before each test, stopped at the end. */
export function useEmulators(): () => Emulators {
  let emulators: Emulators | undefined;
  beforeAll(async () => {
    emulators = await startEmulators();
  });
  afterAll(async () => {
    await emulators?.stop();
  });
  beforeEach(async () => {
    await emulators?.reset();
  });
  return () => {
    if (!emulators) throw new Error('The emulators are not running: call useEmulators() at the top of the test file');
    return emulators;
  };
}

/** The deployment's environment, as the CDK stack sets it, pointed at the emulators. */
export function intakeEnv(emulators: Emulators): Record<string, string> {
  return {
    ...emulators.env,
    CALL_ID: 'wsis-2025',
    RECIPIENTS: INTAKE_ADDRESS,
    TABLE_NAME: emulators.tableName,
    BUCKET_NAME: emulators.bucketName,
    RAW_PREFIX,
    ACK_FROM,
    ACK_MAX_PER_SENDER_PER_HOUR: '5',
    POWERTOOLS_SERVICE_NAME: 'report-intake-test',
    POWERTOOLS_METRICS_NAMESPACE: 'ReportIntakeTest',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
}

/** The bare addresses of an emulator address list (`"Name" <a@b>` → `a@b`). */
export function addresses(list: readonly string[] | undefined): string[] {
  return (list ?? []).map((entry) => /<([^<>]+)>\s*$/.exec(entry)?.[1] ?? entry);
}

export async function fixture(name: string): Promise<string> {
  return readFile(new URL(`../fixtures/ses/${name}`, import.meta.url), 'utf8');
}


export interface Delivery {
  readonly id: string;
  readonly raw: Uint8Array;
  readonly event: SesEvent;
}

/**
 * Does what SES receiving does before the Lambda action runs: stores the raw message under the
 * call's prefix (the S3 action), and returns the event the Lambda action would send.
 */
export async function receive(
  emulators: Emulators,
  fixtureName: string,
  options: { readonly id: string; readonly edit?: (text: string) => string },
): Promise<Delivery> {
  const text = await fixture(fixtureName);
  const raw = new Uint8Array(Buffer.from(options.edit ? options.edit(text) : text, 'utf8'));
  await new S3RawMailStore(emulators.clients.s3, emulators.bucketName).put(`${RAW_PREFIX}${options.id}`, raw);
  const headers = headerFields(raw);
  // When SES received the message: the date of the Received header SES put on top.
  const receivedAt = sesReceiptFromHeaders(headers.map((h) => ({ key: h.name.toLowerCase(), value: h.value })))?.receivedAt;
  if (!receivedAt) throw new Error(`${fixtureName} has no Received header from SES`);
  const event = sesReceiptEvent({
    messageId: options.id,
    receivedAt,
    envelopeFrom: headers.find((h) => h.name.toLowerCase() === 'return-path')?.value.replace(/[<>]/g, '') ?? '',
    recipients: [INTAKE_ADDRESS],
    headers,
    verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
  });
  return { id: options.id, raw, event };
}

/** The runtime behind the handlers, with the given clients (e.g. one made to fail) and quiet telemetry unless `metrics` is given. */
export function testRuntime(
  emulators: Emulators,
  overrides: {
    readonly clients?: Partial<AwsClients>;
    readonly config?: Partial<IntakeConfig>;
    readonly now?: () => Date;
    readonly metrics?: Metrics;
  } = {},
): IntakeRuntime {
  return createIntakeRuntime({
    config: { ...loadIntakeConfig(intakeEnv(emulators)), ...overrides.config },
    clients: { ...emulators.clients, ...overrides.clients },
    logger: new Logger({ serviceName: 'report-intake-test', logLevel: 'SILENT' }),
    metrics: overrides.metrics ?? testMetrics(),
    ...(overrides.now ? { now: overrides.now } : {}),
  });
}

/** Powertools metrics that publish nothing (POWERTOOLS_METRICS_DISABLED above). */
export function testMetrics(): Metrics {
  return new Metrics({ namespace: 'ReportIntakeTest', serviceName: 'report-intake-test' });
}

function documents(emulators: Emulators): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(emulators.clients.dynamodb);
}

export async function storedRecord(emulators: Emulators, id: string): Promise<ReportRecord | undefined> {
  const { Item } = await documents(emulators).send(
    new GetCommand({ TableName: emulators.tableName, Key: reportKey(id), ConsistentRead: true }),
  );
  return Item as ReportRecord | undefined;
}

/** Every item in the table (tests only: the pipeline itself never scans). */
export async function allItems(emulators: Emulators): Promise<Record<string, unknown>[]> {
  const { Items } = await documents(emulators).send(new ScanCommand({ TableName: emulators.tableName }));
  return Items ?? [];
}

export async function storedReports(emulators: Emulators): Promise<ReportRecord[]> {
  return (await allItems(emulators)).filter((item) => item.pk === reportKey(String(item.id)).pk) as unknown as ReportRecord[];
}

/**
 * An SES client for the emulator whose first `failures` sends fail as SES fails them. The emulator
 * has no switch for throttling or rejection, so a middleware on the real client throws before the
 * request leaves; it sits before the SDK's own retries, like a throttling that outlasts them.
 */
export function failingSes(
  emulators: Emulators,
  failures: number,
  error: { readonly name: string; readonly message: string },
): { readonly client: SESClient; readonly calls: () => number } {
  const client = new SESClient({ region: emulators.region, credentials: emulators.credentials, endpoint: emulators.endpoints.ses });
  let calls = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      calls += 1;
      if (calls <= failures) throw Object.assign(new Error(error.message), { name: error.name, $fault: 'client' });
      return next(args);
    },
    { step: 'build', name: 'failingSend' },
  );
  return { client, calls: () => calls };
}

/**
 * A DynamoDB client for the emulator that dies (throws, as a killed or timed-out function would)
 * at the first request matching `where`, and only there: the crash points of a write sequence.
 */
export function dyingDynamo(
  emulators: Emulators,
  where: (command: string, input: Record<string, unknown>) => boolean,
): { readonly client: DynamoDBClient; readonly died: () => boolean } {
  const client = new DynamoDBClient({ region: emulators.region, credentials: emulators.credentials, endpoint: emulators.endpoints.dynamodb });
  let died = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!died && where(context.commandName ?? '', args.input as Record<string, unknown>)) {
        died = true;
        throw new Error('Task timed out after 60.00 seconds');
      }
      return next(args);
    },
    { step: 'initialize', name: 'dieHere' },
  );
  return { client, died: () => died };
}
