/** Plain-text tables for terminals, safe against whatever a message holds. */

import { escapeControlCharacters } from '#core/display-safety.ts';
import type { Problem } from '#core/types.ts';

/** One problem of a report, indented under it: `  ✗ no_link: …` (an error) or `  ! late: …` (a warning). */
export function problemLine(problem: Problem): string {
  return `  ${problem.severity === 'error' ? '✗' : '!'} ${problem.code}: ${escapeControlCharacters(problem.message)}`;
}

/** Terminal columns a string takes: East Asian wide characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (/\p{Mn}|\p{Me}|\p{Cf}/u.test(char)) continue;
    width += (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1f64f) || (code >= 0x1f900 && code <= 0x1f9ff) || (code >= 0x20000 && code <= 0x3fffd) ? 2 : 1;
  }
  return width;
}

function fit(text: string, width: number): string {
  const textWidth = displayWidth(text);
  if (textWidth <= width) return text + ' '.repeat(width - textWidth);
  let out = '';
  let outWidth = 0;
  for (const char of text) {
    const charWidth = displayWidth(char);
    if (outWidth + charWidth > width - 1) break;
    out += char;
    outWidth += charWidth;
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - outWidth))}`;
}

/**
 * Columns fitted to their content, control characters from messages escaped; when the table is
 * wider than `maxWidth` (the terminal's columns), the widest columns are truncated first.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], maxWidth: number): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => escapeControlCharacters(cell)));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => displayWidth(row[i] ?? ''))));
  const gap = 2;
  while (widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= 6) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return cells.map((row) => row.map((cell, i) => fit(cell, widths[i] ?? 0)).join(' '.repeat(gap)).trimEnd()).join('\n');
}
