import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import type sesEmulatorModule from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { createTableInput } from '#adapters/aws/table-schema.ts';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from './settings.ts';

/**
 * Local stand-ins for S3 (s3rver), DynamoDB (dynalite) and SES sending (aws-ses-v2-local), started
 * in this process on free ports (or fixed ones), with the reports table and the raw-mail bucket
 * created (once: persisted data keeps them). The local stack (`npm start`) and the integration tests run on them.
 */
export interface EmulatorOptions {
  /** Keep data here across restarts (dynalite's LevelDB, s3rver's files); throwaway when absent. */
  readonly dataDir?: string;
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly ports?: { readonly s3?: number; readonly dynamodb?: number; readonly ses?: number };
  readonly tableName?: string;
  readonly bucketName?: string;
}

/** One message sent through the SES emulator. */
export interface SentMail {
  /** The id SES answered with (what the record keeps as `ack.messageId`). */
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string | undefined;
  readonly html: string | undefined;
  /**
   * The raw MIME message exactly as SendRawEmail carried it. The emulator keeps only a parsed
   * summary (no In-Reply-To, References or Auto-Submitted), so a recording proxy in front of it
   * keeps the bytes on the wire.
   */
  readonly raw: string;
}

export interface Emulators {
  readonly region: string;
  /** s3rver checks the access key id; the other two accept any credentials. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly endpoints: { readonly s3: string; readonly dynamodb: string; readonly ses: string };
  readonly tableName: string;
  readonly bucketName: string;
  /** The standard AWS SDK variables that point every client built from the environment here. */
  readonly env: Readonly<Record<string, string>>;
  readonly clients: { readonly s3: S3Client; readonly dynamodb: DynamoDBClient; readonly ses: SESClient };
  /** Messages sent so far, oldest first. */
  sentMail(): Promise<SentMail[]>;
  clearSentMail(): Promise<void>;
  /** Empties the table (recreated), the bucket and the sent mail: a clean slate between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

// aws-ses-v2-local is CommonJS with an `exports.default`; require it so that Node and vitest agree.
const startSesEmulator = (createRequire(import.meta.url)('aws-ses-v2-local') as typeof sesEmulatorModule).default;

/**
 * s3rver 3.7.1 makes ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node 17+)
 * refuses: every listing of more than 1,000 keys (the reconciler's) fails with InternalError
 * (https://github.com/jamhall/s3rver/issues/818). Triple DES with the key thrice is single DES,
 * same bytes, and OpenSSL 3 still has it: calls for 'des' are routed there, nothing else changes.
 */
function letS3rverPageListings(): void {
  if (crypto.getCiphers().includes('des')) {
    try {
      crypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
      return;
    } catch {
      // Listed but refused: the legacy provider is not loaded.
    }
  }
  const { createCipheriv, createDecipheriv } = crypto;
  const asTripleDes = (algorithm: string, key: crypto.CipherKey): [string, crypto.CipherKey] =>
    algorithm.toLowerCase() === 'des' && Buffer.isBuffer(key) && key.length === 8 ? ['des-ede3-cbc', Buffer.concat([key, key, key])] : [algorithm, key];
  crypto.createCipheriv = ((algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: never) =>
    createCipheriv(...asTripleDes(algorithm, key), iv, options)) as typeof crypto.createCipheriv;
  crypto.createDecipheriv = ((algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: never) =>
    createDecipheriv(...asTripleDes(algorithm, key), iv, options)) as typeof crypto.createDecipheriv;
}
letS3rverPageListings();

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  const tableName = options.tableName ?? 'reports';
  const bucketName = options.bucketName ?? 'raw-mail';
  const throwawayDir = options.dataDir ? null : await mkdtemp(join(tmpdir(), 'intake-emulators-'));
  const dataDir = options.dataDir ?? (throwawayDir as string);
  const stops: (() => Promise<void>)[] = [];

  try {
    const s3rver = new S3rver({
      address: host,
      port: options.ports?.s3 ?? 0,
      silent: true,
      directory: join(dataDir, 's3'),
      configureBuckets: [{ name: bucketName }],
    });
    const s3Address = await s3rver.run();
    stops.push(() => s3rver.close());

    // In memory unless a data directory was given.
    const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, ...(options.dataDir ? { path: join(dataDir, 'dynamodb') } : {}) });
    const dynamoAddress = await listen(dynamo, options.ports?.dynamodb ?? 0, host);
    stops.push(() => close(dynamo));

    // The emulator's store is module state: every instance in one process shares it.
    const sesServer = await startSesEmulator({ host, port: 0 });
    stops.push(() => close(sesServer));
    const sesDirect = `http://${host}:${(sesServer.address() as AddressInfo).port}`;
    const recorder = new RawMailRecorder(sesDirect);
    const sesAddress = await listen(recorder.server, options.ports?.ses ?? 0, host);
    stops.push(() => close(recorder.server));

    const endpoints = {
      s3: `http://${host}:${s3Address.port}`,
      dynamodb: `http://${host}:${dynamoAddress.port}`,
      ses: `http://${host}:${sesAddress.port}`,
    };
    const clientConfig = { region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS };
    const clients = {
      s3: new S3Client({ ...clientConfig, endpoint: endpoints.s3, forcePathStyle: true }),
      dynamodb: new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamodb }),
      ses: new SESClient({ ...clientConfig, endpoint: endpoints.ses }),
    };
    await createTable(clients.dynamodb, tableName);

    return {
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
      endpoints,
      tableName,
      bucketName,
      env: {
        AWS_REGION: EMULATOR_REGION,
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_S3: endpoints.s3,
        AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
        AWS_ENDPOINT_URL_SES: endpoints.ses,
      },
      clients,
      sentMail: () => recorder.sentMail(),
      clearSentMail: () => recorder.clear(),
      async reset() {
        await clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
        await createTable(clients.dynamodb, tableName);
        for await (const page of paginateListObjectsV2({ client: clients.s3 }, { Bucket: bucketName })) {
          for (const object of page.Contents ?? []) await clients.s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key: object.Key }));
        }
        await recorder.clear();
      },
      async stop() {
        for (const client of Object.values(clients)) client.destroy();
        await stopAll(stops);
        if (throwawayDir) await rm(throwawayDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll(stops);
    if (throwawayDir) await rm(throwawayDir, { recursive: true, force: true });
    throw error;
  }
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    // Persisted data from an earlier run already holds the table.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** The emulator's stored summary of one message (GET /store). */
interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/** Forwards every request to the SES emulator and keeps the raw message of each SendRawEmail. */
class RawMailRecorder {
  readonly server: Server;
  private readonly rawById = new Map<string, string>();

  constructor(private readonly target: string) {
    this.server = createServer((req, res) => {
      void this.forward(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(error));
        },
      );
    });
  }

  async sentMail(): Promise<SentMail[]> {
    const response = await fetch(`${this.target}/store`);
    const { emails } = (await response.json()) as { emails: StoredEmail[] };
    return emails.map((email) => ({
      messageId: email.messageId,
      from: email.from,
      to: email.destination.to,
      subject: email.subject,
      text: email.body.text,
      html: email.body.html,
      raw: this.rawById.get(email.messageId) ?? '',
    }));
  }

  async clear(): Promise<void> {
    await fetch(`${this.target}/clear-store`, { method: 'POST' });
    this.rawById.clear();
  }

  private async forward(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const requestBody = await readAll(req);
    const target = new URL(req.url ?? '/', this.target);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = request(target, { method: req.method, headers: req.headers }, resolve);
      outgoing.on('error', reject);
      outgoing.end(requestBody);
    });
    const body = await readAll(response);
    const form = new URLSearchParams(requestBody.toString('utf8'));
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(body.toString('utf8'))?.[1];
    const rawData = form.get('RawMessage.Data');
    if (form.get('Action') === 'SendRawEmail' && response.statusCode === 200 && messageId && rawData) {
      this.rawById.set(messageId, Buffer.from(rawData, 'base64').toString('utf8'));
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (typeof value === 'string' && name !== 'transfer-encoding') headers[name] = value;
    }
    return { status: response.statusCode ?? 502, headers, body };
  }
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops.reverse()) await stop();
}
