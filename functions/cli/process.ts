import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { CallProfileError, DEFAULT_CALL_ID, loadCallProfile, type CallProfile } from '#core/call-profile.ts';
import { processMessage } from '#core/process-message.ts';
import { escapeControlCharacters } from '#core/display-safety.ts';
import { decisionOf, type ReportAnalysis } from '#core/types.ts';
import { formatTable, problemLine } from './table.ts';

/** The contract's `process` output: the file, then the decision's fields in contract order. */
function toProcessResult(file: string, analysis: ReportAnalysis) {
  return { file, ...decisionOf(analysis) };
}

function parseInstant(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('expected an ISO-8601 date-time, e.g. 2025-09-15T10:00:00Z');
  }
  return date;
}

function parseCall(id: string): CallProfile {
  try {
    return loadCallProfile(id);
  } catch (error) {
    if (error instanceof CallProfileError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** A directory stands for the .eml files in it, in name order. */
async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.eml')).sort();
  return names.map((n) => join(path, n));
}

export function processCommand(): Command {
  return new Command('process')
    .exitOverride()
    .description('Analyse raw messages (.eml) offline, exactly as the deployed pipeline decides; nothing is stored or sent')
    .argument('<files...>', '.eml files, or directories of them')
    .option('--json', 'one JSON object per file (JSON Lines)')
    .option('--call <id>', 'call profile', parseCall, loadCallProfile(DEFAULT_CALL_ID))
    .option('--now <iso-8601>', "receipt time (default: the file's SES receipt time, else now)", parseInstant)
    .action(async (paths: string[], options: { json?: boolean; call: CallProfile; now?: Date }) => {
      const results: ReturnType<typeof toProcessResult>[] = [];
      for (const file of (await Promise.all(paths.map(expand))).flat()) {
        let raw: Buffer;
        try {
          raw = await readFile(file);
        } catch (error) {
          process.stderr.write(`intake: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
          process.exitCode = 1;
          continue;
        }
        // --now stands in for the receipt time; without it the file's own SES header decides.
        const analysis = await processMessage(raw, { profile: options.call, receivedAt: options.now });
        const result = toProcessResult(file, analysis);
        if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
        else results.push(result);
      }
      if (!options.json && results.length > 0) process.stdout.write(renderResults(results));
    });
}

/** A table of the decisions (the file name last, so the columns that matter are never cut), then each file's problems in full. */
function renderResults(results: ReturnType<typeof toProcessResult>[]): string {
  const rows = results.map((r) => [
    r.status,
    `${r.wordCount}/${r.wordLimit}`,
    r.language,
    r.actionLines.join(' ') || '-',
    String(r.links.length),
    basename(r.file),
  ]);
  // 80 columns when not a terminal.
  const table = formatTable(['STATUS', 'WORDS', 'LANG', 'ACTION LINES', 'LINKS', 'FILE'], rows, process.stdout.columns || 80);
  const details = results
    .filter((r) => r.problems.length > 0)
    .map((r) => `\n${escapeControlCharacters(r.file)}\n${r.problems.map(problemLine).join('\n')}`)
    .join('\n');
  return `${table}\n${details}\n`;
}
