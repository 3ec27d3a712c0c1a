/**
 * `intake start` (`npm start`): the whole pipeline on this machine, in this process, until Ctrl-C.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { LocalSettingsError, localSettings } from '../../infra/local/settings.ts';
import type { LocalStack } from '../../infra/local/stack.ts';

const SAMPLES_DIR = fileURLToPath(new URL('../../samples/', import.meta.url));

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** Where each part listens, and what to try next. */
function startBanner(stack: LocalStack, cwd: string, maxMessageBytes: number): string {
  const samples = relative(cwd, SAMPLES_DIR) || '.';
  const sampleFiles = existsSync(SAMPLES_DIR) ? readdirSync(SAMPLES_DIR).filter((name) => name.endsWith('.eml')).sort() : [];
  const first = sampleFiles.find((name) => name.startsWith('report-en')) ?? sampleFiles[0];
  const revision = sampleFiles.find((name) => name.includes('revision'));
  const inCwd = relative(cwd, stack.dataDir);
  const dataDir = inCwd === '' ? '.' : inCwd.startsWith('..') ? stack.dataDir : inCwd;
  const rows: [string, string, string][] = [
    ['SMTP intake', `smtp://${stack.smtp.host}:${stack.smtp.port}`, `mail for ${stack.recipient}, up to ${maxMessageBytes / 1024 / 1024} MB (SES receiving)`],
    ['S3', stack.endpoints.s3, `bucket ${stack.bucketName}, raw mail under ${stack.rawPrefix} (s3rver)`],
    ['DynamoDB', stack.endpoints.dynamodb, `table ${stack.tableName} (dynalite)`],
    ['SES sending', stack.endpoints.ses, 'acknowledgments go here, to nobody (aws-ses-v2-local)'],
    ['Data', dataDir, 'kept across restarts; stop the stack and delete it to start afresh'],
  ];
  const width = Math.max(...rows.map(([, where]) => where.length));
  // Another terminal finds this stack through the same variables, when they differ from the defaults.
  const defaults = localSettings({});
  const differing = (name: string, value: string | number, fallback: string | number) => (value === fallback ? [] : [`${name}=${value}`]);
  const host = differing('INTAKE_HOST', stack.smtp.host, defaults.host);
  const send = [...host, ...differing('INTAKE_SMTP_PORT', stack.smtp.port, defaults.smtpPort), 'npx intake send'].join(' ');
  const reports = [
    ...host,
    ...differing('INTAKE_S3_PORT', portOf(stack.endpoints.s3), defaults.s3Port),
    ...differing('INTAKE_DYNAMODB_PORT', portOf(stack.endpoints.dynamodb), defaults.dynamodbPort),
    ...differing('INTAKE_SES_PORT', portOf(stack.endpoints.ses), defaults.sesPort),
    'npx intake reports list',
  ].join(' ');
  const tries: [command: string, why: string][] = [];
  if (first) tries.push([`${send} ${join(samples, first)}`, 'a report; its acknowledgment follows']);
  if (revision) tries.push([`${send} ${join(samples, revision)}`, 'one that needs revision']);
  if (sampleFiles.length > 1) tries.push([`${send} ${join(samples, '*.eml')}`, `all ${sampleFiles.length} samples, in several languages`]);
  tries.push([stack.acknowledgmentsPage, 'in a browser: the acknowledgments sent since this start'], [reports, 'the stored reports']);
  const commandWidth = Math.max(...tries.map(([command]) => command.length));
  return [
    `Report intake, local stack: call ${stack.callId}`,
    '',
    ...rows.map(([what, where, note]) => `  ${what.padEnd(12)} ${where.padEnd(width)}  ${note}`),
    '',
    'Try it, in another terminal:',
    ...tries.map(([command, why]) => `  ${command.padEnd(commandWidth)}  ${why}`),
    '',
    `Any mail client works too: SMTP server ${stack.smtp.host}, port ${stack.smtp.port}, no TLS, no login. Ctrl-C stops the stack.`,
    '',
  ].join('\n');
}

function portOf(endpoint: string): number {
  return Number(new URL(endpoint).port);
}

export function startCommand(): Command {
  return new Command('start')
    .exitOverride()
    .description('Run the whole pipeline on this machine: an SMTP intake with S3, DynamoDB and SES stand-ins (Ctrl-C stops it)')
    .action(async () => {
      // Loaded here: the emulators are not needed by the other commands.
      const { LocalStackError, startLocalStack } = await import('../../infra/local/stack.ts');
      const { SES_MAX_MESSAGE_BYTES } = await import('../../infra/local/smtp-intake.ts');
      let stack: LocalStack;
      try {
        stack = await startLocalStack({ settings: localSettings(process.env), log: (line) => console.log(`${clock()} ${line}`) });
      } catch (error) {
        if (!(error instanceof LocalStackError || error instanceof LocalSettingsError)) throw error;
        console.error(error instanceof LocalSettingsError ? `The local stack's settings are invalid: ${error.message}` : error.message);
        process.exitCode = 1;
        return;
      }
      console.log(startBanner(stack, process.cwd(), SES_MAX_MESSAGE_BYTES));
      await untilStopped(stack);
    });
}

/** The first Ctrl-C (or SIGTERM) stops cleanly; a second one does not wait any more. */
function untilStopped(stack: LocalStack): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        console.error(`${clock()} ${signal} again: stopping without waiting for the messages in flight`);
        process.exit(130);
      }
      stopping = true;
      console.log(`\n${clock()} ${signal}: no new mail accepted; finishing the messages in flight…`);
      stack.stop().then(
        () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          console.log(`${clock()} Stopped. The data stays in ${stack.dataDir}.`);
          resolve();
        },
        reject,
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
