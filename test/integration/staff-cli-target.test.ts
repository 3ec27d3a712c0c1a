/**
 * The staff CLI as staff run it (`node bin/intake.js reports …`): finding the local stack from its
 * settings, the deployed one from its CloudFormation outputs, and one clear line with exit status 1
 * when neither can be reached.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_STACK_DOWN } from '../../functions/cli/reports-target.ts';
import { localSettings } from '../../infra/local/settings.ts';
import { INTAKE_OUTPUTS, STACK_NAMES } from '../../infra/outputs.ts';
import { documentClient } from '#adapters/aws/document-client.ts';
import { createTableInput } from '#adapters/aws/table-schema.ts';
import { startEmulators, unreachableEndpoint, type Emulators } from '#test/helpers/emulators.ts';
import { generateReports, storeItems, type GeneratedReports } from './staff-cli-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOYED_TABLE = 'ReportIntakeStorage-ReportTable1A2B3C';

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let emulators: Emulators;
let data: GeneratedReports;
let home: string;
let cloudFormation: Server;
let cloudFormationUrl: string;
const describedStacks: string[] = [];

/** `node bin/intake.js …` with only the environment given (no AWS settings of the machine). */
function intake(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/intake.js', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'no-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const portOf = (url: string): string => new URL(url).port;
const localStackEnv = (): Record<string, string> => ({
  INTAKE_HOST: '127.0.0.1',
  INTAKE_DYNAMODB_PORT: portOf(emulators.endpoints.dynamodb),
  INTAKE_S3_PORT: portOf(emulators.endpoints.s3),
  INTAKE_SES_PORT: portOf(emulators.endpoints.ses),
});
const awsEnv = (): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormationUrl,
  AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
});
const currentIds = (): string[] =>
  data.records
    .filter((record) => record.currentCall !== undefined)
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
    .map((record) => record.id);
const ids = (stdout: string): string[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { id: string }).id);

/** CloudFormation's DescribeStacks (query protocol, XML), for the stack `ReportIntake` only. */
function describeStacksResponse(stackName: string): { status: number; body: string } {
  if (stackName !== STACK_NAMES.intake) {
    return {
      status: 400,
      body: `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${stackName} does not exist</Message></Error><RequestId>b2c3</RequestId></ErrorResponse>`,
    };
  }
  const outputs: Record<string, string> = {
    [INTAKE_OUTPUTS.tableName]: DEPLOYED_TABLE,
    [INTAKE_OUTPUTS.bucketName]: 'reportintakestorage-rawmail-1x2y3z',
    [INTAKE_OUTPUTS.callId]: 'wsis-2025',
    [INTAKE_OUTPUTS.recipients]: 'reports@example.org',
    [INTAKE_OUTPUTS.ackFrom]: 'reports@example.org',
  };
  const members = Object.entries(outputs)
    .map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`)
    .join('');
  return {
    status: 200,
    body: `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${stackName}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${stackName}/1</StackId><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2025-08-01T09:00:00Z</CreationTime><Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>a1b2</RequestId></ResponseMetadata></DescribeStacksResponse>`,
  };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'staff-cli-home-'));
  // The local stack's table and bucket, where the command looks for them by default.
  const { tableName, bucketName } = localSettings({});
  emulators = await startEmulators({ tableName, bucketName });
  data = generateReports(60);
  const doc = documentClient(emulators.clients.dynamodb);
  await storeItems(doc, emulators.tableName, [...data.records, ...data.pointers]);
  // The deployed table: the same reports under the name the stack outputs give.
  await emulators.clients.dynamodb.send(new CreateTableCommand(createTableInput(DEPLOYED_TABLE)));
  await storeItems(doc, DEPLOYED_TABLE, data.records);

  cloudFormation = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const stackName = new URLSearchParams(body).get('StackName') ?? '';
      describedStacks.push(stackName);
      const answer = describeStacksResponse(stackName);
      response.writeHead(answer.status, { 'content-type': 'text/xml' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => cloudFormation.listen(0, '127.0.0.1', resolve));
  cloudFormationUrl = `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}`;
});

afterAll(async () => {
  cloudFormation?.close();
  await emulators?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('intake reports (the command as staff run it)', () => {
  it('reads the local stack where its settings say it listens', async () => {
    const listed = await intake(['reports', 'list', '--json'], localStackEnv());
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(ids(listed.stdout)).toEqual(currentIds());

    const [record] = data.records;
    if (!record) throw new Error('no report generated');
    const raw = 'From: Thư viện <info@nlv.gov.vn>\r\nTo: reports@intake.localhost\r\nSubject: Báo cáo WSIS\r\n\r\nKính gửi IFLA\r\n';
    await emulators.clients.s3.send(new PutObjectCommand({ Bucket: emulators.bucketName, Key: record.rawKey, Body: raw }));
    const printed = await intake(['reports', 'raw', record.id], localStackEnv());
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(raw);
  });

  it('says in one line that the local stack is not running, exit status 1', async () => {
    const down = await intake(['reports', 'list'], { ...localStackEnv(), INTAKE_DYNAMODB_PORT: portOf(await unreachableEndpoint()) });
    expect(down.code).toBe(1);
    expect(down.stdout).toBe('');
    expect(down.stderr).toBe(`${LOCAL_STACK_DOWN}\n`);
  });

  it("finds the deployed table through the stack's CloudFormation outputs with --aws", async () => {
    describedStacks.length = 0;
    const listed = await intake(['reports', 'list', '--aws', '--json'], awsEnv());
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(describedStacks).toEqual([STACK_NAMES.intake]);
    expect(ids(listed.stdout)).toEqual(currentIds());

    const missing = await intake(['reports', 'list', '--aws', '--stack', 'ReportIntakeStaging'], awsEnv());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('No stack ReportIntakeStaging in us-east-1: deploy it (npx cdk deploy), or name it with --stack, or give --table\n');
  });

  it('reads the deployed table named with --aws --table, without CloudFormation', async () => {
    describedStacks.length = 0;
    const listed = await intake(['reports', 'list', '--aws', '--table', DEPLOYED_TABLE, '--json'], awsEnv());
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(ids(listed.stdout)).toEqual(currentIds());
    expect(describedStacks).toEqual([]);
  });

  it('says clearly when AWS credentials or the region are missing', async () => {
    const noCredentials = await intake(['reports', 'list', '--aws', '--region', 'eu-west-1', '--table', DEPLOYED_TABLE]);
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toMatch(/^No AWS credentials found: set AWS_PROFILE .*\n$/);

    const noRegion = awsEnv();
    delete noRegion.AWS_REGION;
    const regionless = await intake(['reports', 'list', '--aws', '--table', DEPLOYED_TABLE], noRegion);
    expect(regionless.code).toBe(1);
    expect(regionless.stderr).toBe('No AWS region: give --region or set AWS_REGION\n');
  });

  it('exits with status 2 on a usage error', async () => {
    const usage = await intake(['reports', 'list', '--status', 'approved'], localStackEnv());
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("error: option '--status <status>' argument 'approved' is invalid");
  });
});
