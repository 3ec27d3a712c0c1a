import { z } from 'zod';
import wsis2025 from './calls/wsis-2025.json' with { type: 'json' };
import { REPORT_PROBLEM_CODES, type ReportProblemCode, type Severity } from './types.ts';

/**
 * A call for reports: every rule the pipeline applies lives here, as data.
 * A problem code listed in neither `errors` nor `warnings` is not checked for this call.
 */
const problemCode = z.enum(REPORT_PROBLEM_CODES);

const callProfileSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    title: z.string().min(1),
    recipient: z.email(),
    /** ISO-8601 instant with its offset: the last moment a report counts as on time. */
    deadline: z.iso.datetime({ offset: true }),
    /** How the deadline is told to senders, with its time zone, in each acknowledgment language. */
    deadlineLabel: z.record(z.string().regex(/^[a-z]{2}$/), z.string().min(1)),
    wordLimit: z.number().int().positive(),
    errors: z.array(problemCode),
    warnings: z.array(problemCode),
    acknowledgmentLanguages: z.array(z.string().regex(/^[a-z]{2}$/)).min(1),
    defaultLanguage: z.string().regex(/^[a-z]{2}$/),
  })
  .strict()
  .refine((p) => !p.errors.some((code) => p.warnings.includes(code)), {
    message: 'a problem code cannot be both an error and a warning',
    path: ['warnings'],
  })
  .refine((p) => p.acknowledgmentLanguages.includes(p.defaultLanguage), {
    message: 'defaultLanguage must be one of acknowledgmentLanguages',
    path: ['defaultLanguage'],
  })
  .refine((p) => ['en', ...p.acknowledgmentLanguages].every((language) => p.deadlineLabel[language]), {
    message: 'deadlineLabel needs an entry for English (problem messages) and each acknowledgment language',
    path: ['deadlineLabel'],
  });

export interface CallProfile extends Omit<z.output<typeof callProfileSchema>, 'deadline'> {
  readonly deadline: Date;
}

export class CallProfileError extends Error {
  override readonly name = 'CallProfileError';
}

/** Validates raw profile data, naming every offending field. */
export function parseCallProfile(data: unknown): CallProfile {
  const result = callProfileSchema.safeParse(data);
  if (!result.success) {
    const id = typeof (data as { id?: unknown })?.id === 'string' ? (data as { id: string }).id : '(no id)';
    const details = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new CallProfileError(`Call profile ${id} is invalid: ${details}`, { cause: result.error });
  }
  return { ...result.data, deadline: new Date(result.data.deadline) };
}

const bundled: Record<string, unknown> = { 'wsis-2025': wsis2025 };

export const DEFAULT_CALL_ID = 'wsis-2025';

/** The bundled profile with this id, optionally with another recipient address (deployment setting). */
export function loadCallProfile(id: string = DEFAULT_CALL_ID, overrides: { recipient?: string } = {}): CallProfile {
  const data = bundled[id];
  if (data === undefined) {
    throw new CallProfileError(`Unknown call "${id}". Known calls: ${Object.keys(bundled).join(', ')}`);
  }
  return parseCallProfile({ ...(data as object), ...(overrides.recipient ? { recipient: overrides.recipient } : {}) });
}

/** Whether a message received at this time missed the call's deadline. */
export function isLate(profile: CallProfile, receivedAt: Date): boolean {
  return receivedAt.getTime() > profile.deadline.getTime();
}

/** The deadline as told in this language (English when the call has no such label). */
export function deadlineLabel(profile: CallProfile, language: string): string {
  return profile.deadlineLabel[language] ?? profile.deadlineLabel.en ?? profile.deadline.toISOString();
}

/** How a report problem counts under this call, or null when the call does not check it. */
export function severityOf(profile: CallProfile, code: ReportProblemCode): Severity | null {
  if (profile.errors.includes(code)) return 'error';
  if (profile.warnings.includes(code)) return 'warning';
  return null;
}
