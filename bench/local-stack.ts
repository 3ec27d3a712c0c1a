/**
 * The local stack end to end: 1,000 reports over SMTP on a few connections, each acknowledged.
 * Prints the SMTP throughput, the end-to-end throughput, and the time from each 250 reply to its
 * acknowledgment being recorded (ack `sent` written to DynamoDB), then the restart time over the
 * stored messages. Client and stack share this process (and its CPU), as they do with `npm start`
 * and a mail client on one machine. Run: `npx tsx bench/local-stack.ts [messages] [connections]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/adapters/aws/document-client.ts';
import { fromAddress, smtpTransport, submit } from '../functions/cli/send.ts';
import { localSettings, type LocalSettings } from '../infra/local/settings.ts';
import { startLocalStack, type ProcessedMessage } from '../infra/local/stack.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

const MESSAGES = Number(process.argv[2] ?? 1000);
const CONNECTIONS = Number(process.argv[3] ?? 4);
const WARM_UP = 20;

const samplesDir = new URL('../samples/', import.meta.url);
const samples = readdirSync(samplesDir)
  .filter((name) => name.endsWith('.eml'))
  .sort()
  .map((name) => readFileSync(new URL(name, samplesDir)));

/** Sample `i % n` from its own sender (the per-sender hourly acknowledgment limit would skip repeats). */
function message(i: number): { from: string; raw: Buffer } {
  const raw = samples[i % samples.length] as Buffer;
  const original = fromAddress(raw) ?? '';
  const [local, domain] = original.split('@');
  const from = `${local}+bench${i}@${domain}`;
  return { from, raw: Buffer.from(raw.toString('latin1').replace(original, from), 'latin1') };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

const dataDir = await mkdtemp(join(tmpdir(), 'intake-bench-'));
const settings: LocalSettings = { ...localSettings({ INTAKE_DATA_DIR: dataDir }), smtpPort: 0, s3Port: 0, dynamodbPort: 0, sesPort: 0 };
const repliedAt = new Map<string, number>();
const recordedAt = new Map<string, number>();
const failures: string[] = [];
let settle: () => void = () => {};

const onProcessed = (result: ProcessedMessage) => {
  if ('outcome' in result && result.outcome.ack.status === 'sent') recordedAt.set(result.id, performance.now());
  else failures.push(`${result.id}: ${'error' in result ? result.error.message : `ack ${result.outcome.ack.status}`}`);
  if (recordedAt.size + failures.length === repliedAt.size) settle();
};

let stack = await startLocalStack({ settings, log: () => {}, onProcessed });
let stopped = false;
try {
  // One connection per client, each sending its next message once the last one is answered.
  const clients = Array.from({ length: CONNECTIONS }, () => smtpTransport({ ...stack.smtp, connections: 1 }));
  const replyTimes: number[] = [];
  const sendAll = async (first: number, count: number): Promise<void> => {
    let next = first;
    await Promise.all(
      clients.map(async (transport) => {
        while (next < first + count) {
          const { from, raw } = message(next++);
          const sentAt = performance.now();
          const reply = await submit(transport, { from, to: [stack.recipient], raw });
          const now = performance.now();
          const id = /Ok ([a-z0-9]+)/.exec(reply.reply)?.[1];
          if (!reply.accepted || !id) throw new Error(`Refused: ${reply.reply}`);
          repliedAt.set(id, now);
          replyTimes.push(now - sentAt);
        }
      }),
    );
  };
  const allProcessed = () => new Promise<void>((resolve) => (settle = resolve));

  // Warm-up: lazy loads and JIT, not counted.
  let done = allProcessed();
  await sendAll(MESSAGES, WARM_UP);
  await done;
  repliedAt.clear();
  recordedAt.clear();
  replyTimes.length = 0;

  done = allProcessed();
  const start = performance.now();
  await sendAll(0, MESSAGES);
  const lastReply = performance.now();
  await done;
  const end = performance.now();
  for (const transport of clients) transport.close();

  const latencies = [...repliedAt].map(([id, at]) => (recordedAt.get(id) ?? NaN) - at).sort((a, b) => a - b);
  const replies = replyTimes.sort((a, b) => a - b);
  let sentInTable = 0;
  const doc = documentClient(stack.emulators.clients.dynamodb);
  const sentReports = {
    TableName: stack.tableName,
    FilterExpression: 'begins_with(pk, :report) AND ack.#status = :sent',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':report': 'REPORT#', ':sent': 'sent' },
  };
  for await (const page of paginateScan({ client: doc }, sentReports)) sentInTable += page.Items?.length ?? 0;

  console.log(`local stack: ${MESSAGES} reports (${samples.length} samples, one sender each) over ${CONNECTIONS} SMTP connections, after ${WARM_UP} warm-up messages`);
  console.log(`  SMTP intake         ${(MESSAGES / ((lastReply - start) / 1000)).toFixed(1)} messages/s (all answered 250 after ${ms(lastReply - start)})`);
  console.log(`  end to end          ${(MESSAGES / ((end - start) / 1000)).toFixed(1)} reports/s acknowledged (last ack recorded after ${ms(end - start)})`);
  console.log(`  DATA sent → 250     p50 ${ms(percentile(replies, 50))}  p99 ${ms(percentile(replies, 99))}  (whole SMTP transaction, stored in S3 first)`);
  console.log(`  250 → ack recorded  p50 ${ms(percentile(latencies, 50))}  p90 ${ms(percentile(latencies, 90))}  p99 ${ms(percentile(latencies, 99))}  max ${ms(latencies.at(-1) ?? NaN)}`);
  console.log(`  check               ${sentInTable} of ${MESSAGES + WARM_UP} records with ack sent in DynamoDB; ${failures.length} failures${failures.length ? `: ${failures.slice(0, 3).join('; ')}` : ''}`);

  await stack.stop();
  stopped = true;
  const restartAt = performance.now();
  stack = await startLocalStack({ settings, log: (line) => console.log(`    ${line}`) });
  stopped = false;
  console.log(`  restart             ${ms(performance.now() - restartAt)}, the reconciler checking ${stack.reconciled?.scanned ?? '?'} stored messages (${stack.reconciled?.recovered.length ?? '?'} without a record)`);
  if (failures.length > 0 || sentInTable !== MESSAGES + WARM_UP) process.exitCode = 1;
} finally {
  if (!stopped) await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
