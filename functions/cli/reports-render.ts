/** What the staff commands print for people: tables, the detail of one report, statistics. */
import { displaySender, escapeControlCharacters, escapeMultiline } from '#core/display-safety.ts';
import type { ReportRecord } from '#core/record.ts';
import type { ReportStats } from '#core/report-stats.ts';
import type { ActionLine, Status } from '#core/types.ts';
import { displayWidth, formatTable, problemLine } from './table.ts';

/** A shown id is at least this long, and longer where needed to tell the listed reports apart. */
const MIN_SHORT_ID = 8;

/** The shortest prefix of each id (MIN_SHORT_ID at least) that no other listed id shares. */
export function shortIds(ids: readonly string[]): Map<string, string> {
  const sorted = [...new Set(ids)].sort();
  const common = (a = '', b = ''): number => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i += 1;
    return i;
  };
  return new Map(
    sorted.map((id, i) => {
      const length = Math.max(MIN_SHORT_ID, common(id, sorted[i - 1]) + 1, common(id, sorted[i + 1]) + 1);
      return [id, id.slice(0, length)];
    }),
  );
}

/** "C1-C4 C7 C11": runs of consecutive Action Lines folded, so the column stays narrow. */
export function actionLineRuns(lines: readonly ActionLine[]): string {
  const numbers = lines.map((line) => Number(line.slice(1))).sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === (numbers[j] ?? 0) + 1) j += 1;
    runs.push(j - i >= 2 ? `C${numbers[i]}-C${numbers[j]}` : numbers.slice(i, j + 1).map((n) => `C${n}`).join(' '));
    i = j + 1;
  }
  return runs.join(' ');
}

const MIXED_SCRIPT_MARK = '!';
/** Short enough to leave the sender room in 80 columns. */
const STATUS_LABELS: Readonly<Record<Status, string>> = { accepted: 'accepted', needs_revision: 'revise', ignored: 'ignored' };
const SUPERSEDED_MARK = '*';

function senderCell(from: string | null): { text: string; flagged: boolean } {
  const sender = displaySender(from);
  return { text: sender.mixedScripts ? `${MIXED_SCRIPT_MARK} ${sender.text}` : sender.text, flagged: sender.mixedScripts };
}

/** The list as a table that fits `width` columns, with a line saying what was listed. */
export function reportTable(records: readonly ReportRecord[], width: number): string {
  if (records.length === 0) return 'No reports match.\n';
  const ids = shortIds(records.map((record) => record.id));
  let flagged = false;
  let superseded = false;
  const rows = records.map((record) => {
    const sender = senderCell(record.from);
    flagged ||= sender.flagged;
    const isSuperseded = record.supersededBy !== undefined;
    superseded ||= isSuperseded;
    return [
      ids.get(record.id) ?? record.id,
      record.receivedAt.slice(0, 10),
      `${STATUS_LABELS[record.status]}${isSuperseded ? SUPERSEDED_MARK : ''}`,
      sender.text,
      record.country ?? '-',
      String(record.wordCount),
      actionLineRuns(record.actionLines) || '-',
    ];
  });
  const table = formatTable(['ID', 'RECEIVED', 'STATUS', 'FROM', 'CTRY', 'WORDS', 'ACTION LINES'], rows, width);
  const notes = [
    `${records.length} ${records.length === 1 ? 'report' : 'reports'}, newest first`,
    ...(records.some((record) => record.status === 'needs_revision') ? [`${STATUS_LABELS.needs_revision}: needs revision by the sender`] : []),
    ...(superseded ? [`${SUPERSEDED_MARK} superseded by a later report from the same sender`] : []),
    ...(flagged ? [`${MIXED_SCRIPT_MARK} the sender's domain mixes scripts (a look-alike?): shown in punycode`] : []),
  ];
  return `${table}\n\n${notes.join('\n')}\n`;
}

const utc = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

/** Lines of text from a message, escaped, indented. */
function block(text: string, indent = '  '): string {
  return escapeMultiline(text)
    .split('\n')
    .map((line) => indent + line)
    .join('\n');
}

/** One report, everything staff need to judge it. */
export function reportDetail(record: ReportRecord): string {
  const sender = displaySender(record.from);
  const fromLine = [
    record.fromName ? `${escapeControlCharacters(record.fromName)} <${sender.text}>` : sender.text,
    ...(sender.mixedScripts ? [`  ${MIXED_SCRIPT_MARK} the domain mixes scripts (a look-alike?): shown in punycode`] : []),
  ].join('');
  const { ack } = record;
  const ackLine = [
    ack.status,
    ack.sentAt ? `at ${utc(ack.sentAt)}` : '',
    ack.messageId ? `(SES id ${escapeControlCharacters(ack.messageId)})` : '',
    ack.reason ? `(${ack.reason})` : '',
    ack.lastError ? `- last error: ${escapeControlCharacters(ack.lastError)}` : '',
    ack.attempts > 0 ? `[${ack.attempts} ${ack.attempts === 1 ? 'attempt' : 'attempts'}]` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const fields: [string, string][] = [
    ['Status', `${record.status}${record.supersededBy ? ` (superseded by ${escapeControlCharacters(record.supersededBy)})` : ''}`],
    ['Received', `${utc(record.receivedAt)}${record.late ? ' (late)' : ''}`],
    ['From', fromLine],
    ['Subject', escapeControlCharacters(record.subject) || '(none)'],
    ['Organization', escapeControlCharacters(record.organization ?? '-')],
    ['Country', record.country ?? '-'],
    ['Language', record.language],
    ['Words', `${record.wordCount} of at most ${record.wordLimit}`],
    ['Action Lines', record.actionLines.join(' ') || '-'],
    ['Source', escapeControlCharacters(record.source)],
    ['Acknowledgment', ackLine],
  ];
  const labelWidth = Math.max(...fields.map(([label]) => label.length)) + 2;
  const sections = [
    `Report ${escapeControlCharacters(record.id)}`,
    fields.map(([label, value]) => `${label.padEnd(labelWidth)}${value}`).join('\n'),
    `Problems\n${record.problems.map(problemLine).join('\n') || '  none'}`,
    `Links\n${record.links.map((link) => `  ${escapeControlCharacters(link)}`).join('\n') || '  none'}`,
    `History\n${record.history
      .map((entry) => `  ${utc(entry.at)}  ${escapeControlCharacters(entry.by)}: ${entry.status}${entry.note ? ` - ${escapeControlCharacters(entry.note)}` : ''}`)
      .join('\n')}`,
    `Report text${record.reportTextTruncated ? ' (cut to fit the record; `intake reports raw` has the whole message)' : ''}\n${record.reportText ? block(record.reportText) : '  (empty)'}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

export function renderStats(stats: ReportStats): string {
  const counts = (title: string, values: Record<string, number>): string => {
    const entries = Object.entries(values).map(([key, n]) => [escapeControlCharacters(key), String(n)] as const);
    const keyWidth = Math.max(0, ...entries.map(([key]) => displayWidth(key)));
    const countWidth = Math.max(0, ...entries.map(([, n]) => n.length));
    const lines = entries.map(([key, n]) => `  ${key}${' '.repeat(keyWidth - displayWidth(key))}  ${n.padStart(countWidth)}`);
    return `${title}\n${lines.join('\n') || '  none'}`;
  };
  return `${[
    `Reports: ${stats.reports}    late: ${stats.late}    median words: ${stats.medianWords ?? '-'}${
      stats.ignoredMessages > 0 ? `    (and ${stats.ignoredMessages} ignored messages)` : ''
    }`,
    counts('By status', stats.byStatus),
    counts('By Action Line', stats.byActionLine),
    counts('By country', stats.byCountry),
    counts('By language', stats.byLanguage),
  ].join('\n\n')}\n`;
}
