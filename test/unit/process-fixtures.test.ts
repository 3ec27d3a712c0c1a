import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIL_FIXTURES, analyse, mailFixture } from '#test/helpers/fixtures.ts';

/** What each realistic fixture must come out as (test/fixtures/mail/expected.json). */
interface Expected {
  status: string;
  problems: string[];
  language?: string;
  actionLines?: string[];
  links?: string[];
  source?: string;
  late?: boolean;
  country?: string | null;
  organization?: string | null;
  wordCount?: number;
  from?: string | null;
}

const expectations = JSON.parse(readFileSync(join(MAIL_FIXTURES, 'expected.json'), 'utf8')) as Record<string, Expected>;

describe('realistic messages keep the contract', () => {
  it.each(Object.keys(expectations))('%s', async (file) => {
    expect(existsSync(join(MAIL_FIXTURES, file))).toBe(true);
    const want = expectations[file]!;
    const got = await analyse(mailFixture(file));
    expect({ status: got.status, problems: got.problems.map((p) => p.code).sort() }).toEqual({ status: want.status, problems: [...want.problems].sort() });
    for (const key of ['language', 'actionLines', 'links', 'source', 'late', 'country', 'wordCount'] as const) {
      if (want[key] !== undefined) expect(got[key], key).toEqual(want[key]);
    }
    if (want.organization !== undefined) {
      if (want.organization === null) expect(got.organization).toBeNull();
      else expect(got.organization ?? '').toContain(want.organization);
    }
    if (want.from !== undefined) expect(got.from?.address ?? null).toBe(want.from);
    for (const problem of got.problems) expect(['error', 'warning']).toContain(problem.severity);
  });
});
