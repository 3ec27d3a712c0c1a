/**
 * Where the staff commands find the reports: the local stack (`npm start`) by default, or the
 * deployed one with `--aws` (the table named with `--table`, or the stack's outputs read through
 * CloudFormation). Failures to get there become one clear sentence, not a stack trace.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#adapters/aws/document-client.ts';
import { DEFAULT_CALL_ID } from '#core/call-profile.ts';
import { localClients, localSettings } from '../../infra/local/settings.ts';
import { INTAKE_OUTPUTS, STACK_NAMES } from '../../infra/outputs.ts';

export interface TargetOptions {
  readonly aws?: boolean;
  readonly region?: string;
  readonly profile?: string;
  readonly table?: string;
  readonly bucket?: string;
  readonly stack?: string;
  readonly call?: string;
}

export interface TargetClients {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly ses: SESClient;
}

/** One place holding reports, with the clients to reach it. */
export interface Target {
  readonly kind: 'local' | 'aws';
  readonly clients: TargetClients;
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The raw-mail bucket; unknown with `--aws --table` and no `--bucket`. */
  readonly bucketName: string | undefined;
  readonly callId: string;
  /** The call's intake addresses and the acknowledgment sender, for `resend-ack`. */
  readonly recipients: readonly string[] | undefined;
  readonly ackFrom: string | undefined;
  close(): void;
}

/** A failure staff can act on: its message is the whole story, shown without a stack trace. */
export class StaffCliError extends Error {
  override readonly name = 'StaffCliError';
}

export const LOCAL_STACK_DOWN = 'The local stack is not running: start it with `npm start`';

export async function connect(options: TargetOptions, env: NodeJS.ProcessEnv): Promise<Target> {
  return options.aws ? connectAws(options) : connectLocal(options, env);
}

function connectLocal(options: TargetOptions, env: NodeJS.ProcessEnv): Target {
  if (options.region || options.table || options.bucket || options.profile) {
    throw new StaffCliError('--region, --table, --bucket and --profile choose a deployed stack: add --aws');
  }
  const settings = localSettings(env);
  const clients = localClients(settings);
  const callId = options.call ?? DEFAULT_CALL_ID;
  return target('local', clients, { tableName: settings.tableName, bucketName: settings.bucketName, callId, recipients: undefined, ackFrom: undefined });
}

async function connectAws(options: TargetOptions): Promise<Target> {
  const config = { ...(options.region ? { region: options.region } : {}), ...(options.profile ? { profile: options.profile } : {}) };
  const clients = { dynamodb: new DynamoDBClient(config), s3: new S3Client(config), ses: new SESClient(config) };
  if (options.table) {
    return target('aws', clients, {
      tableName: options.table,
      bucketName: options.bucket,
      callId: options.call ?? DEFAULT_CALL_ID,
      recipients: undefined,
      ackFrom: undefined,
    });
  }
  const stackName = options.stack ?? STACK_NAMES.intake;
  const cloudFormation = new CloudFormationClient(config);
  try {
    const outputs = await stackOutputs(cloudFormation, stackName);
    const tableName = outputs.get(INTAKE_OUTPUTS.tableName);
    if (!tableName) throw new StaffCliError(`Stack ${stackName} has no ${INTAKE_OUTPUTS.tableName} output: is it the report-intake stack? Give --stack or --table`);
    return target('aws', clients, {
      tableName,
      bucketName: options.bucket ?? outputs.get(INTAKE_OUTPUTS.bucketName),
      callId: options.call ?? outputs.get(INTAKE_OUTPUTS.callId) ?? DEFAULT_CALL_ID,
      recipients: outputs.get(INTAKE_OUTPUTS.recipients)?.split(',').filter((address) => address !== ''),
      ackFrom: outputs.get(INTAKE_OUTPUTS.ackFrom),
    });
  } catch (error) {
    for (const client of Object.values(clients)) client.destroy();
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      const region = await cloudFormation.config.region().catch(() => 'the chosen region');
      throw new StaffCliError(`No stack ${stackName} in ${region}: deploy it (npx cdk deploy), or name it with --stack, or give --table`, { cause: error });
    }
    throw error;
  } finally {
    cloudFormation.destroy();
  }
}

async function stackOutputs(client: CloudFormationClient, stackName: string): Promise<Map<string, string>> {
  const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  return new Map((Stacks?.[0]?.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue] as const] : [])));
}

function target(
  kind: Target['kind'],
  clients: TargetClients,
  place: Pick<Target, 'tableName' | 'bucketName' | 'callId' | 'recipients' | 'ackFrom'>,
): Target {
  return {
    kind,
    clients,
    doc: documentClient(clients.dynamodb),
    ...place,
    close() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT']);

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as NodeJS.ErrnoException;
  if (code && NETWORK_ERROR_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isNetworkError);
  return error.name === 'TimeoutError' || isNetworkError(error.cause);
}

/**
 * The sentence that tells staff what went wrong and what to do, for the failures they can fix;
 * null for anything else (a bug, which keeps its stack trace).
 */
export function explainFailure(error: unknown, kind: Target['kind'], tableName?: string): string | null {
  if (error instanceof StaffCliError) return error.message;
  if (!(error instanceof Error)) return null;
  if (isNetworkError(error)) {
    return kind === 'local' ? LOCAL_STACK_DOWN : `AWS cannot be reached (${error.message}): check the network connection`;
  }
  switch (error.name) {
    case 'CredentialsProviderError':
      return 'No AWS credentials found: set AWS_PROFILE (or --profile) to a configured profile, run `aws sso login`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
    case 'ResourceNotFoundException':
      return kind === 'local'
        ? `The local stack has no table ${tableName ?? ''}: start it once with \`npm start\` to create it`
        : `Table ${tableName ?? ''} does not exist in this region: check --table and --region`;
    case 'LocalSettingsError':
      return `The local stack's settings are invalid: ${error.message}`;
    case 'NoSuchBucket':
      return 'The raw-mail bucket does not exist: check --bucket (or the stack outputs)';
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'ExpiredToken':
    case 'ExpiredTokenException':
    case 'AccessDeniedException':
    case 'AccessDenied':
      return `AWS refused the request (${error.name}): ${error.message}`;
  }
  if (error.message === 'Region is missing') return 'No AWS region: give --region or set AWS_REGION';
  return null;
}
