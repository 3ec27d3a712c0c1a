import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { loadCallProfile } from '#core/call-profile.ts';
import { processMessage } from '#core/process-message.ts';
import type { ReportAnalysis } from '#core/types.ts';

export const MAIL_FIXTURES = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));
/** The real-world corpus handed to the project beside its root; absent on some machines. */
export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/real-world/', import.meta.url));
export const corpusPresent = existsSync(CORPUS);

export const wsis = loadCallProfile('wsis-2025');
/** A receipt time well before the wsis-2025 deadline, for fixtures without an SES header. */
export const ON_TIME = new Date('2025-09-15T10:00:00Z');

export function mailFixture(name: string): Buffer {
  return readFileSync(join(MAIL_FIXTURES, name));
}

export function analyse(raw: string | Uint8Array, options: { receivedAt?: Date } = {}): Promise<ReportAnalysis> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'utf8') : raw;
  return processMessage(bytes, { profile: wsis, now: ON_TIME, ...options });
}

/** Every file below a folder, as paths relative to it. */
export function filesBelow(root: string, suffix = '.eml'): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(suffix)) out.push(relative(root, path));
    }
  };
  walk(root);
  return out;
}
