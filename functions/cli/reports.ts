/**
 * `intake reports …`: staff find, read, review and export the stored reports without knowing
 * DynamoDB. Every list is a Query on an index (functions/adapters/aws/report-queries.ts); text
 * from messages is escaped before it reaches the terminal.
 */
import { open } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { S3RawMailStore } from '#adapters/aws/raw-mail-store.ts';
import { intakeDeps } from '#adapters/aws/runtime.ts';
import { ReportQueries, type ReportQuery } from '#adapters/aws/report-queries.ts';
import { DynamoReportRepository } from '#adapters/aws/report-repository.ts';
import { reopenFailedAcknowledgment, ReportNotFoundError, reviewReport, type ReviewStatus } from '#adapters/aws/report-reviews.ts';
import { CallProfileError, loadCallProfile, type CallProfile } from '#core/call-profile.ts';
import { escapeControlCharacters, escapeMultiline, toSafeJson } from '#core/display-safety.ts';
import { AcknowledgmentPendingError, runIntake } from '#core/intake.ts';
import { reportView, type ReportRecord } from '#core/record.ts';
import { csvHeader, csvRow, exportObject } from '#core/report-export.ts';
import { reportStats } from '#core/report-stats.ts';
import type { ActionLine, Status } from '#core/types.ts';
import { ConfigError, loadIntakeConfig, type IntakeConfig } from '../config.ts';
import { reportDetail, reportTable, renderStats } from './reports-render.ts';
import { connect, explainFailure, StaffCliError, type Target, type TargetOptions } from './reports-target.ts';

/** A stream the commands write to: process.stdout/stderr, or a collector in tests. */
export interface Output {
  write(chunk: string | Uint8Array): boolean;
  once(event: 'drain', listener: () => void): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface StaffIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: NodeJS.ProcessEnv;
  /** Finds the reports for the global options (the tests point it at their emulators). */
  readonly connect: (options: TargetOptions) => Promise<Target>;
  /** Items per DynamoDB request; default: DynamoDB's 1 MB pages. */
  readonly pageSize?: number;
  /** Exports print progress on stderr every this many reports (default 1000). */
  readonly progressEvery?: number;
  readonly now: () => Date;
  setExitCode(code: number): void;
}

function processIo(): StaffIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    connect: (options) => connect(options, process.env),
    now: () => new Date(),
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

const PROGRESS_EVERY = 1000;

const STATUSES: readonly Status[] = ['accepted', 'needs_revision', 'ignored'];
const REVIEW_STATUSES: readonly ReviewStatus[] = ['accepted', 'needs_revision'];

interface FilterOptions {
  readonly status?: Status;
  readonly actionLine?: ActionLine;
  readonly country?: string;
  readonly from?: string;
  readonly since?: string;
  readonly until?: string;
  readonly all?: boolean;
  readonly limit?: number;
}

export function reportsCommand(io: StaffIo = processIo()): Command {
  const reports = new Command('reports')
    .description('Find, read, review and export the stored reports (the local stack unless --aws)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text),
    })
    .option('--aws', 'the deployed stack instead of the local one')
    .option('--region <region>', 'AWS region (with --aws; default: AWS_REGION or the profile)')
    .option('--profile <name>', 'AWS profile (with --aws)')
    .option('--stack <name>', 'CloudFormation stack whose outputs name the table and bucket (with --aws)')
    .option('--table <name>', 'the reports table, instead of the stack outputs (with --aws)')
    .option('--bucket <name>', 'the raw-mail bucket, with --table (for `raw`)')
    .option('--call <id>', "the call (default: the stack's call; locally wsis-2025)");

  const dates = dateParsers(io.now);
  const withFilters = (command: Command, { limit }: { limit: boolean }): Command => {
    command
      .addOption(new Option('--status <status>', 'only reports with this status').choices(STATUSES))
      .option('--action-line <line>', 'only reports naming this WSIS Action Line, C1…C11', parseActionLine)
      .option('--country <code>', 'only reports from this country (ISO 3166-1 alpha-2, e.g. VN)', parseCountry)
      .option('--from <address>', "only this sender's reports")
      .option('--since <date>', 'received on or after: YYYY-MM-DD, an ISO-8601 time, or Nd (N days ago)', dates.since)
      .option('--until <date>', 'received on or before: YYYY-MM-DD (the whole day), an ISO-8601 time, or Nd', dates.until)
      .option('--all', "superseded reports too (by default each sender's current report only)");
    if (limit) command.option('--limit <n>', 'at most n reports', parsePositiveInteger);
    return command;
  };

  withFilters(reports.command('list'), { limit: true })
    .description("Reports, newest first: each sender's current one unless --all")
    .option('--json', 'one JSON object per line')
    .action(staffAction(io, async (target, options: FilterOptions & { json?: boolean }) => {
      const records = reportQueries(target, io).list(reportQuery(target, options));
      if (options.json) {
        for await (const record of records) await write(io.stdout, `${toSafeJson(reportView(record))}\n`);
        return;
      }
      await write(io.stdout, reportTable(await collect(records), io.stdout.columns || 80));
    }));

  reports
    .command('show')
    .description('One report: its analysis, problems, links, history and text')
    .argument('<id>', 'the report id, or the start of it as a list shows it')
    .option('--json', 'one JSON object')
    .action(staffAction(io, async (target, options: { json?: boolean }, id: string) => {
      const record = await findReport(target, io, id);
      await write(io.stdout, options.json ? `${toSafeJson(reportView(record))}\n` : reportDetail(record));
    }));

  withFilters(reports.command('export'), { limit: false })
    .description('All matching reports as CSV (for Excel and LibreOffice) or JSON')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']).default('csv'))
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(staffAction(io, async (target, options: FilterOptions & { format: 'csv' | 'json'; out?: string }) => {
      const queries = reportQueries(target, io);
      const sink = options.out ? await fileSink(options.out) : streamSink(io.stdout);
      const progressEvery = io.progressEvery ?? PROGRESS_EVERY;
      let count = 0;
      try {
        await sink.write(options.format === 'csv' ? csvHeader() : '[');
        for await (const record of queries.list(reportQuery(target, options))) {
          await sink.write(options.format === 'csv' ? csvRow(record) : `${count === 0 ? '\n' : ',\n'}${toSafeJson(exportObject(record), 2)}`);
          count += 1;
          if (count % progressEvery === 0) io.stderr.write(io.stderr.isTTY ? `\rExported ${count} reports…` : `Exported ${count} reports…\n`);
        }
        if (options.format === 'json') await sink.write(count === 0 ? ']\n' : '\n]\n');
      } finally {
        await sink.close();
      }
      const where = options.out ? ` to ${escapeControlCharacters(options.out)}` : '';
      io.stderr.write(`${io.stderr.isTTY && count >= progressEvery ? '\r' : ''}Exported ${count} ${count === 1 ? 'report' : 'reports'}${where} (${formatCapacity(queries.cost.capacityUnits)} read capacity units).\n`);
    }));

  withFilters(reports.command('stats'), { limit: false })
    .description('Counts by status, Action Line, country and language; late reports; median words')
    .option('--json', 'one JSON object')
    .action(staffAction(io, async (target, options: FilterOptions & { json?: boolean }) => {
      const queries = reportQueries(target, io);
      const query = reportQuery(target, options);
      const records = await collect(queries.list(query));
      // Ignored messages are no one's current report: counted apart, when no filter rules them out.
      const ignored = options.status || options.actionLine || options.country ? 0 : await queries.count({ ...query, status: 'ignored' });
      const stats = reportStats(records, ignored);
      await write(io.stdout, options.json ? `${toSafeJson(stats)}\n` : renderStats(stats));
    }));

  reports
    .command('review')
    .description('Record a staff decision: it overrides the automatic status; the history keeps who, when and why')
    .argument('<id>', 'the report id, or the start of it')
    .addOption(new Option('--status <status>', 'the decision').choices(REVIEW_STATUSES).makeOptionMandatory())
    .requiredOption('--note <text>', 'why (kept in the history)')
    .option('--by <name>', 'who decides (default: the user name)')
    .action(staffAction(io, async (target, options: { status: ReviewStatus; note: string; by?: string }, id: string) => {
      const record = await findReport(target, io, id);
      const by = options.by ?? userName(io.env);
      const store = { doc: target.doc, tableName: target.tableName, repository: new DynamoReportRepository(target.clients.dynamodb, target.tableName) };
      const reviewed = await reviewReport(store, record, { status: options.status, note: options.note, by, at: io.now() });
      await write(io.stdout, `Report ${reviewed.id} is now ${reviewed.status} (was ${record.status}); reviewed by ${escapeControlCharacters(by)}.\n`);
    }));

  reports
    .command('resend-ack')
    .description('Send an acknowledgment that failed (or is stuck pending) again')
    .argument('<id>', 'the report id, or the start of it')
    .action(staffAction(io, async (target, _options: object, id: string) => {
      const record = await findReport(target, io, id);
      await write(io.stdout, await resendAcknowledgment(target, io, record));
    }));

  reports
    .command('raw')
    .description('The original message as received (escaped on a terminal, byte for byte into a pipe or file)')
    .argument('<id>', 'the report id, or the start of it')
    .action(staffAction(io, async (target, _options: object, id: string) => {
      const record = await findReport(target, io, id);
      if (!target.bucketName) throw new StaffCliError('The raw-mail bucket is unknown: give --bucket (or use the stack outputs instead of --table)');
      let raw: Uint8Array;
      try {
        raw = await new S3RawMailStore(target.clients.s3, target.bucketName).get(record.rawKey);
      } catch (error) {
        if (error instanceof Error && error.name === 'NoSuchKey') {
          throw new StaffCliError(`The raw message of ${record.id} is no longer in s3://${target.bucketName}/${record.rawKey} (raw mail expires)`, { cause: error });
        }
        throw error;
      }
      if (!io.stdout.isTTY) return write(io.stdout, raw);
      const text = escapeMultiline(new TextDecoder('utf-8').decode(raw));
      await write(io.stdout, text.endsWith('\n') ? text : `${text}\n`);
    }));

  return reports;
}

/**
 * Runs `intake reports …` in this process (tests, and anything scripting the CLI from Node):
 * argv without the program name, e.g. `['reports', 'list', '--json']`. Returns the exit status.
 */
export async function runReportsCli(argv: readonly string[], io: StaffIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('intake').exitOverride().addCommand(reportsCommand({ ...io, setExitCode: (code) => (exitCode = code) }));
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return exitCodeOf(error);
  }
  return exitCode;
}

/** Exit status 2 for every usage error, as the contract says (commander's own default is 1). */
const USAGE_ERROR = 2;

/** The exit status for what commander threw: 0 after --help or --version, else a usage error. */
export function exitCodeOf(error: CommanderError): number {
  return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : USAGE_ERROR;
}

/**
 * The action around each command: connect, run, disconnect; a failure staff can fix is one line on
 * stderr with exit status 1, anything else (a bug) keeps its stack trace.
 */
function staffAction<O extends object>(
  io: StaffIo,
  run: (target: Target, options: O, ...args: string[]) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    const command = args.at(-1) as Command;
    const options = command.optsWithGlobals<O & TargetOptions>();
    const positional = args.slice(0, -2) as string[];
    let target: Target | undefined;
    try {
      target = await io.connect(options);
      await run(target, options, ...positional);
    } catch (error) {
      const message = explainFailure(error, options.aws ? 'aws' : 'local', target?.tableName);
      if (message === null) throw error;
      io.stderr.write(`${message}\n`);
      io.setExitCode(1);
    } finally {
      target?.close();
    }
  };
}

function reportQueries(target: Target, io: StaffIo): ReportQueries {
  return new ReportQueries(target.doc, target.tableName, io.pageSize ? { pageSize: io.pageSize } : {});
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

function reportQuery(target: Target, options: FilterOptions): ReportQuery {
  if (options.since && options.until && options.since > options.until) {
    throw new StaffCliError(`--since (${options.since}) is after --until (${options.until})`);
  }
  return {
    callId: target.callId,
    ...(options.status ? { status: options.status } : {}),
    ...(options.actionLine ? { actionLine: options.actionLine } : {}),
    ...(options.country ? { country: options.country } : {}),
    ...(options.from ? { sender: options.from } : {}),
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
    ...(options.all ? { includeSuperseded: true } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
  };
}

/** The shortest id prefix worth a search: shorter ones would match half the call. */
const MIN_ID_PREFIX = 4;

/** The report with this id, or the one report of the call whose id starts with it. */
async function findReport(target: Target, io: StaffIo, id: string): Promise<ReportRecord> {
  const queries = reportQueries(target, io);
  const exact = await queries.get(id);
  if (exact) return exact;
  const shown = escapeControlCharacters(id);
  if (id.length < MIN_ID_PREFIX) throw new StaffCliError(`No report ${shown}`);
  const matches = await queries.idsStartingWith(target.callId, id, 5);
  const [only] = matches;
  if (!only) throw new StaffCliError(`No report ${shown} in call ${target.callId}`);
  if (matches.length > 1) throw new StaffCliError(`${shown} is the start of several reports (${matches.join(', ')}…): give more of the id`);
  const record = await queries.get(only);
  if (!record) throw new StaffCliError(`No report ${shown}`);
  return record;
}

async function resendAcknowledgment(target: Target, io: StaffIo, record: ReportRecord): Promise<string> {
  const { ack } = record;
  const now = io.now();
  if (ack.status === 'sent') {
    throw new StaffCliError(`The acknowledgment of ${record.id} was sent${ack.sentAt ? ` at ${ack.sentAt}` : ''}; it is not sent twice`);
  }
  if (ack.status === 'skipped') {
    throw new StaffCliError(`No acknowledgment is sent for ${record.id} (${ack.reason ?? 'skipped'})`);
  }
  if (ack.status === 'pending' && ack.leaseUntil && ack.leaseUntil > now.toISOString()) {
    throw new StaffCliError(`The acknowledgment of ${record.id} is being sent right now; if it does not arrive, try again after ${ack.leaseUntil}`);
  }
  if (target.kind === 'aws' && (!target.ackFrom || !target.recipients?.length || !target.bucketName)) {
    throw new StaffCliError("resend-ack needs the stack's outputs (acknowledgment sender, intake addresses, bucket): use --stack rather than --table");
  }
  if (ack.status === 'failed' && ack.permanent) await reopenFailedAcknowledgment(target.doc, target.tableName, record.id);

  const config = resendConfig(target, record);
  try {
    // The intake's own path: the record exists, so only its acknowledgment step runs (claim, send, settle).
    const outcome = await runIntake({ id: record.id, rawKey: record.rawKey }, intakeDeps(config, target.clients, { now: io.now }));
    const sent = outcome.ack;
    if (sent.status === 'sent') return `Acknowledgment of ${record.id} sent at ${sent.sentAt ?? now.toISOString()} (SES message id ${sent.messageId ?? '?'}).\n`;
    if (sent.status === 'skipped') {
      throw new StaffCliError(`Not sent: ${sent.reason === 'rate_limited' ? 'the sender already got the most acknowledgments allowed this hour' : (sent.reason ?? 'skipped')}`);
    }
    throw new StaffCliError(`Not sent: ${sent.lastError ? escapeControlCharacters(sent.lastError) : sent.status}`);
  } catch (error) {
    if (error instanceof AcknowledgmentPendingError) throw new StaffCliError(`Not sent: ${escapeControlCharacters(error.message)}; try again later`, { cause: error });
    if (error instanceof ReportNotFoundError) throw new StaffCliError(error.message, { cause: error });
    throw error;
  }
}

/** The intake's settings for the report's call, as a deployment gives them (the limits at their defaults). */
function resendConfig(target: Target, record: ReportRecord): IntakeConfig {
  const profile = callProfile(record.callId, target.recipients?.[0]);
  try {
    return loadIntakeConfig({
      CALL_ID: record.callId,
      // Locally the call's own address receives the reports and sends the acknowledgments.
      RECIPIENTS: (target.recipients ?? [profile.recipient]).join(','),
      TABLE_NAME: target.tableName,
      BUCKET_NAME: target.bucketName,
      // Where this report's raw mail lies; the acknowledgment step reads only its own key.
      RAW_PREFIX: record.rawKey.slice(0, record.rawKey.lastIndexOf('/') + 1),
      ACK_FROM: target.ackFrom ?? profile.recipient,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new StaffCliError(`Cannot resend: the stack's settings are incomplete (${error.message})`, { cause: error });
    throw error;
  }
}

function callProfile(callId: string, recipient: string | undefined): CallProfile {
  try {
    return loadCallProfile(callId, recipient ? { recipient } : {});
  } catch (error) {
    if (error instanceof CallProfileError) throw new StaffCliError(error.message, { cause: error });
    throw error;
  }
}

function userName(env: NodeJS.ProcessEnv): string {
  return env.USER || env.USERNAME || env.LOGNAME || userInfo().username;
}

function formatCapacity(units: number): string {
  return units.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

async function write(out: Output, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
}

interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Collects small writes into blocks of this many characters. */
const SINK_BLOCK = 64 * 1024;

function bufferedSink(flush: (text: string) => Promise<void>, close: () => Promise<void>): Sink {
  let buffer = '';
  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= SINK_BLOCK) {
        const block = buffer;
        buffer = '';
        await flush(block);
      }
    },
    async close() {
      if (buffer) await flush(buffer);
      buffer = '';
      await close();
    },
  };
}

/**
 * Standard output; on a terminal, what a message holds is made harmless and the byte order mark
 * (for spreadsheets) left out, while a pipe or file gets the export as it is. Blocks end with a
 * whole record, so no line break is split between two.
 */
function streamSink(out: Output): Sink {
  return bufferedSink((text) => write(out, out.isTTY ? escapeMultiline(text.replace(/^\ufeff/, '')) : text), async () => {});
}

async function fileSink(path: string): Promise<Sink> {
  try {
    const file = await open(path, 'w');
    return bufferedSink(
      async (text) => {
        await file.write(text);
      },
      () => file.close(),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new StaffCliError(`Cannot write ${escapeControlCharacters(path)}: ${code}`, { cause: error });
    throw error;
  }
}

function parseActionLine(value: string): ActionLine {
  const match = /^c(\d{1,2})$/i.exec(value.trim());
  const number = Number(match?.[1]);
  if (!match || number < 1 || number > 11) throw new InvalidArgumentError('expected a WSIS Action Line, C1 to C11');
  return `C${number}` as ActionLine;
}

function parseCountry(value: string): string {
  if (!/^[a-z]{2}$/i.test(value.trim())) throw new InvalidArgumentError('expected a two-letter country code (ISO 3166-1 alpha-2), e.g. VN');
  return value.trim().toUpperCase();
}

function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a positive whole number');
  return number;
}

const DAY_MS = 86_400_000;

/**
 * Dates as stored (ISO-8601 UTC with milliseconds, so they compare as strings): a day alone
 * starts at 00:00 for --since and runs to its last millisecond for --until.
 */
function dateParsers(now: () => Date): { since: (value: string) => string; until: (value: string) => string } {
  const parse = (value: string, endOfDay: boolean): string => {
    const text = value.trim();
    const daysAgo = /^(\d{1,4})d$/i.exec(text);
    if (daysAgo) return new Date(now().getTime() - Number(daysAgo[1]) * DAY_MS).toISOString();
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
      const day = new Date(`${text}T00:00:00.000Z`);
      if (!Number.isNaN(day.getTime()) && day.toISOString().startsWith(text)) {
        return endOfDay ? `${text}T23:59:59.999Z` : day.toISOString();
      }
    } else if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
      const instant = new Date(text);
      if (!Number.isNaN(instant.getTime())) return instant.toISOString();
    }
    throw new InvalidArgumentError('expected YYYY-MM-DD, an ISO-8601 date-time (2025-09-15T10:00:00Z) or Nd for N days ago');
  };
  return { since: (value) => parse(value, false), until: (value) => parse(value, true) };
}
