import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, analyse, corpusPresent, filesBelow } from '#test/helpers/fixtures.ts';

// The 540 real-world messages live beside the project (../shared); they are never copied in.
describe.skipIf(!corpusPresent)('real-world corpus (../shared/corpus/real-world)', () => {
  const files = corpusPresent ? filesBelow(CORPUS) : [];

  it('holds the messages it promises', () => {
    expect(files.length).toBeGreaterThanOrEqual(540);
  });

  it('analyses every message without throwing, each with a status the contract knows', { timeout: 300_000 }, async () => {
    const statuses: Record<string, number> = {};
    for (const file of files) {
      const analysis = await analyse(readFileSync(join(CORPUS, file))).catch((error: unknown) => {
        throw new Error(`${file}: ${String(error)}`, { cause: error });
      });
      expect(['accepted', 'needs_revision', 'ignored'], file).toContain(analysis.status);
      expect(analysis.problems.length > 0 || analysis.status === 'accepted', file).toBe(true);
      statuses[analysis.status] = (statuses[analysis.status] ?? 0) + 1;
    }
    // Bounces, auto-replies and list mail make up much of the corpus: they must be recognised.
    expect(statuses.ignored ?? 0).toBeGreaterThan(100);
  });

  it('ignores every corpus message that index.tsv tags as a bounce, an auto-reply or list mail', async () => {
    const index = readFileSync(join(CORPUS, 'index.tsv'), 'utf8').trim().split('\n');
    const columns = index[0]!.split('\t');
    const col = (name: string): number => columns.indexOf(name);
    const tagged = index
      .slice(1)
      .map((line) => line.split('\t'))
      .filter((c) => c[col('is_bounce')] === '1' || c[col('is_auto_reply')] === '1' || c[col('has_list_headers')] === '1');
    expect(tagged.length).toBeGreaterThan(140);
    for (const cells of tagged) {
      const path = cells[col('path')]!;
      const analysis = await analyse(readFileSync(join(CORPUS, path)));
      expect(analysis.status, path).toBe('ignored');
      if (cells[col('report_type')] === 'delivery-status') expect(analysis.problems.map((p) => p.code), path).toContain('bounce');
    }
  });
});

if (!corpusPresent) {
  describe('real-world corpus', () => {
    it.skip('skipped: ../shared/corpus/real-world is not present on this machine', () => {});
  });
}
