/** Counts over stored reports, for `intake reports stats`. */
import type { ReportRecord } from './record.ts';
import { ACTION_LINES } from './types.ts';

export interface ReportStats {
  readonly reports: number;
  /** Bounces, auto-replies and the like, counted apart from the reports (and in `byStatus`). */
  readonly ignoredMessages: number;
  readonly byStatus: Record<string, number>;
  readonly byActionLine: Record<string, number>;
  readonly byCountry: Record<string, number>;
  readonly byLanguage: Record<string, number>;
  readonly late: number;
  readonly medianWords: number | null;
}

/** Counts over the listed reports; `ignoredMessages` (bounces, auto-replies…) only counted by status. */
export function reportStats(records: Iterable<ReportRecord>, ignoredMessages = 0): ReportStats {
  const byStatus: Record<string, number> = {};
  const byActionLine: Record<string, number> = Object.fromEntries(ACTION_LINES.map((line) => [line, 0]));
  const byCountry: Record<string, number> = {};
  const byLanguage: Record<string, number> = {};
  const words: number[] = [];
  let late = 0;
  const add = (counts: Record<string, number>, key: string): void => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
  for (const record of records) {
    add(byStatus, record.status);
    for (const line of record.actionLines) add(byActionLine, line);
    add(byCountry, record.country ?? 'unknown');
    add(byLanguage, record.language);
    if (record.late) late += 1;
    words.push(record.wordCount);
  }
  if (ignoredMessages > 0) byStatus.ignored = (byStatus.ignored ?? 0) + ignoredMessages;
  return {
    reports: words.length,
    ignoredMessages,
    byStatus,
    byActionLine,
    byCountry: sortedByCount(byCountry),
    byLanguage: sortedByCount(byLanguage),
    late,
    medianWords: median(words),
  };
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
function median(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  if (sorted.length === 0) return null;
  return sorted.length % 2 === 1 ? (sorted[Math.floor(middle)] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function sortedByCount(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}
