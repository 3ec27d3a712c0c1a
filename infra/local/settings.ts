/**
 * Where the local stack (`npm start`) listens and keeps its data. The staff CLI reads the same
 * settings to find it. Every value can be overridden by the environment variable named beside it.
 */
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const schema = z.object({
  INTAKE_SMTP_PORT: port(2525),
  INTAKE_S3_PORT: port(4568),
  INTAKE_DYNAMODB_PORT: port(4567),
  INTAKE_SES_PORT: port(8005),
  INTAKE_DATA_DIR: z.string().min(1).default('.data'),
  INTAKE_HOST: z.string().min(1).default('127.0.0.1'),
});

export interface LocalSettings {
  readonly host: string;
  readonly smtpPort: number;
  readonly s3Port: number;
  readonly dynamodbPort: number;
  readonly sesPort: number;
  /** Absolute path of the data directory (raw mail, table data). */
  readonly dataDir: string;
  readonly region: string;
  readonly tableName: string;
  readonly bucketName: string;
  /** The emulators' key (EMULATOR_CREDENTIALS): the SDK signs every request with one. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** The emulators' region and key: s3rver knows only the access key id S3RVER; the others accept any. */
export const EMULATOR_REGION = 'us-east-1';
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export class LocalSettingsError extends Error {
  override readonly name = 'LocalSettingsError';
}

export function localSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new LocalSettingsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  return {
    host: e.INTAKE_HOST,
    smtpPort: e.INTAKE_SMTP_PORT,
    s3Port: e.INTAKE_S3_PORT,
    dynamodbPort: e.INTAKE_DYNAMODB_PORT,
    sesPort: e.INTAKE_SES_PORT,
    dataDir: resolve(e.INTAKE_DATA_DIR),
    region: EMULATOR_REGION,
    tableName: 'report-intake-local',
    bucketName: 'report-intake-raw-local',
    credentials: EMULATOR_CREDENTIALS,
  };
}

/** SDK clients of the running local stack's emulators. */
export function localClients(s: LocalSettings): { dynamodb: DynamoDBClient; s3: S3Client; ses: SESClient } {
  // The emulators run on this machine: a refused connection will not pass on a retry.
  const config = { region: s.region, credentials: s.credentials, maxAttempts: 1 };
  const endpoint = (port: number): string => `http://${s.host}:${port}`;
  return {
    dynamodb: new DynamoDBClient({ ...config, endpoint: endpoint(s.dynamodbPort) }),
    s3: new S3Client({ ...config, endpoint: endpoint(s.s3Port), forcePathStyle: true }),
    ses: new SESClient({ ...config, endpoint: endpoint(s.sesPort) }),
  };
}
