/**
 * Stored reports as a spreadsheet (CSV) or as JSON, for compiling the call's report.
 *
 * The CSV is what Excel and LibreOffice open without an import dialog: UTF-8 with a byte order mark
 * (without it Excel reads UTF-8 as the ANSI code page and Vietnamese, Arabic or Chinese text turns to
 * mojibake), RFC 4180 quoting with CRLF line ends, and one column per Action Line so staff can
 * filter and sum. Cells holding text from a message never start with a formula character
 * (https://owasp.org/www-community/attacks/CSV_Injection).
 */
import { reportView, type ReportRecord, type ReportView } from './record.ts';
import { ACTION_LINES } from './types.ts';

const CSV_BOM = '\ufeff';
const CSV_LINE_END = '\r\n';

/** Excel cuts a cell after this many characters and spills the rest into the next row. */
const MAX_CELL_CHARS = 32_767;
const TRUNCATION_MARK = ' [… cut: see intake reports show]';

/** A cell that Excel or LibreOffice would run as a formula (or as DDE) when it starts with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text from a message, made inert as a spreadsheet cell and short enough to stay in one. */
function textCell(value: string | null | undefined): string {
  if (!value) return '';
  const fitted = value.length > MAX_CELL_CHARS ? value.slice(0, MAX_CELL_CHARS - TRUNCATION_MARK.length) + TRUNCATION_MARK : value;
  return FORMULA_START.test(fitted) ? `'${fitted}` : fitted;
}

/** "2025-09-15 10:00:00": a date-time both spreadsheets recognise (the ISO "T…Z" form stays text). */
function dateCell(iso: string | undefined): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '';
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

/** The latest staff review, if any (the first history entry is the automatic decision). */
function lastReview(record: ReportRecord) {
  return record.history.findLast((entry) => entry.by !== 'intake');
}

interface Column {
  readonly header: string;
  readonly cell: (record: ReportRecord) => string;
}

const COLUMNS: readonly Column[] = [
  { header: 'ID', cell: (r) => r.id },
  { header: 'Received (UTC)', cell: (r) => dateCell(r.receivedAt) },
  { header: 'Status', cell: (r) => r.status },
  { header: 'Current', cell: (r) => yesNo(r.currentCall !== undefined) },
  { header: 'Superseded by', cell: (r) => r.supersededBy ?? '' },
  { header: 'From', cell: (r) => textCell(r.from) },
  { header: 'Sender name', cell: (r) => textCell(r.fromName) },
  { header: 'Organization', cell: (r) => textCell(r.organization) },
  { header: 'Country', cell: (r) => r.country ?? '' },
  { header: 'Language', cell: (r) => r.language },
  { header: 'Words', cell: (r) => String(r.wordCount) },
  { header: 'Word limit', cell: (r) => String(r.wordLimit) },
  { header: 'Late', cell: (r) => yesNo(r.late) },
  ...ACTION_LINES.map((line) => ({ header: line, cell: (r: ReportRecord) => (r.actionLines.includes(line) ? '1' : '') })),
  { header: 'Links', cell: (r) => textCell(r.links.join('\n')) },
  { header: 'Problems', cell: (r) => r.problems.map((p) => p.code).join(' ') },
  { header: 'Subject', cell: (r) => textCell(r.subject) },
  { header: 'Source', cell: (r) => textCell(r.source) },
  { header: 'Acknowledgment', cell: (r) => r.ack.status },
  { header: 'Acknowledged at (UTC)', cell: (r) => dateCell(r.ack.sentAt) },
  { header: 'Reviewed by', cell: (r) => textCell(lastReview(r)?.by) },
  { header: 'Review note', cell: (r) => textCell(lastReview(r)?.note) },
  { header: 'Report text', cell: (r) => textCell(r.reportText) },
];

/** RFC 4180: a field holding a quote, comma or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',') + CSV_LINE_END;
}

/** The first bytes of the file: the byte order mark and the header row. */
export function csvHeader(): string {
  return CSV_BOM + csvLine(COLUMNS.map((column) => column.header));
}

/** One report as one CSV record (which may span several lines inside quotes). */
export function csvRow(record: ReportRecord): string {
  return csvLine(COLUMNS.map((column) => column.cell(record)));
}

/** The JSON export of one report: the contract's view plus what compiling the call's report needs. */
export interface ReportExport extends ReportView {
  readonly fromName: string | null;
  readonly current: boolean;
  readonly supersededBy: string | null;
  readonly reportText: string;
  readonly reportTextTruncated: boolean;
  readonly history: ReportRecord['history'];
}

export function exportObject(record: ReportRecord): ReportExport {
  return {
    ...reportView(record),
    fromName: record.fromName,
    current: record.currentCall !== undefined,
    supersededBy: record.supersededBy ?? null,
    reportText: record.reportText,
    reportTextTruncated: record.reportTextTruncated,
    history: record.history,
  };
}
