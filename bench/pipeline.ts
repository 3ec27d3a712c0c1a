/**
 * Analysis (parse + extract + analyse + decide, no I/O) against mailparser's bare simpleParser on
 * the same messages in the same run. Target: analysis median ≤ 1.5× the bare parse.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { simpleParser } from 'mailparser';
import { loadCallProfile } from '#core/call-profile.ts';
import { processMessage } from '#core/process-message.ts';
import { CORPUS, MAIL_FIXTURES, corpusPresent, filesBelow } from '#test/helpers/fixtures.ts';

const profile = loadCallProfile('wsis-2025');
const now = new Date('2025-09-15T10:00:00Z');

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function time(fn: () => Promise<unknown>, rounds: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Per message: the median of several rounds each; then the median and the sum over messages. */
async function compare(label: string, messages: Buffer[], rounds: number): Promise<void> {
  // Warm both paths first so lazy loads and JIT do not land on one side only.
  for (const raw of messages.slice(0, 20)) {
    await simpleParser(raw);
    await processMessage(raw, { profile, now });
  }
  const parse: number[] = [];
  const analysis: number[] = [];
  for (const raw of messages) {
    parse.push(await time(() => simpleParser(raw), rounds));
    analysis.push(await time(() => processMessage(raw, { profile, now }), rounds));
  }
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const ratio = median(analysis) / median(parse);
  console.log(
    `${label}: ${messages.length} messages, ${rounds} rounds each\n` +
      `  simpleParser  median ${median(parse).toFixed(3)} ms   total ${sum(parse).toFixed(1)} ms\n` +
      `  analysis      median ${median(analysis).toFixed(3)} ms   total ${sum(analysis).toFixed(1)} ms\n` +
      `  ratio (median) ${ratio.toFixed(2)}×   ratio (total) ${(sum(analysis) / sum(parse)).toFixed(2)}×   target ≤ 1.5× ${ratio <= 1.5 ? 'met' : 'NOT met'}`,
  );
}

export async function benchPipeline(): Promise<void> {
  const typical = filesBelow(MAIL_FIXTURES)
    .map((f) => readFileSync(join(MAIL_FIXTURES, f)))
    .filter((raw) => raw.length >= 1024);
  // Reports in the body and reports in an attached document are told apart: extracting a document
  // is work bare mailparser never does (its own target is documents.ts's 300 ms).
  const inBody: Buffer[] = [];
  const inDocument: Buffer[] = [];
  for (const raw of typical) {
    const { source } = await processMessage(raw, { profile, now });
    (source === 'body' ? inBody : inDocument).push(raw);
  }
  await compare('typical report emails, report in the body (test/fixtures/mail)', inBody, 15);
  await compare('typical report emails, report in an attached document (test/fixtures/mail)', inDocument, 15);
  if (corpusPresent) {
    await compare('real-world corpus (../shared/corpus/real-world)', filesBelow(CORPUS).map((f) => readFileSync(join(CORPUS, f))), 3);
  } else {
    console.log('real-world corpus: skipped, ../shared/corpus/real-world is not present');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPipeline();
