import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

async function intake(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/intake.js', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'intake-cli-'));
const report = join(dir, 'report.eml');
writeFileSync(
  report,
  [
    'From: Camille Martin <c.martin@biblio-lyon.fr>',
    'To: reports@intake.localhost',
    'Subject: Contribution SMSI',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Notre bibliothèque contribue à la grande orientation C3 (accès à l’information et au savoir).',
    'Réalisations : 15 000 documents numérisés sur https://numelyo.example.fr.',
    'Obstacles : financement incertain. Actions futures : un réseau régional en 2026.',
    '',
  ].join('\r\n'),
);

describe('intake process', () => {
  it('prints one JSON line per file with exactly the contract fields, in input order', async () => {
    const { code, stdout } = await intake('process', '--json', '--now', '2025-09-20T00:00:00Z', report, report);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0]!)).toEqual(['file', 'status', 'problems', 'wordCount', 'wordLimit', 'language', 'actionLines', 'links', 'source', 'late', 'country', 'organization']);
    expect(lines[0]).toMatchObject({ file: report, status: 'accepted', wordLimit: 200, language: 'fr', actionLines: ['C3'], links: ['https://numelyo.example.fr'], source: 'body', late: false, country: 'FR' });
  });

  it('--now after the deadline makes the report late', async () => {
    const { stdout } = await intake('process', '--json', '--now', '2025-10-02T00:00:00Z', report);
    const line = JSON.parse(stdout) as { late: boolean; problems: { code: string; severity: string }[] };
    expect(line.late).toBe(true);
    expect(line.problems).toContainEqual(expect.objectContaining({ code: 'late', severity: 'warning' }));
  });

  it('exits 1 when a file cannot be read, still analysing the others', async () => {
    const { code, stdout, stderr } = await intake('process', '--json', join(dir, 'missing.eml'), report);
    expect(code).toBe(1);
    expect(stderr).toContain('missing.eml');
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });

  it.each([[['process']], [['process', '--now', 'yesterday', report]], [['process', '--call', 'nope', report]], [['frobnicate']]])('exits 2 on a usage error: %j', async (args) => {
    const { code } = await intake(...args);
    expect(code).toBe(2);
  });

  it('prints a readable table without --json', async () => {
    const { code, stdout } = await intake('process', '--now', '2025-09-20T00:00:00Z', report);
    expect(code).toBe(0);
    expect(stdout).toMatch(/STATUS/);
    expect(stdout).toMatch(/accepted/);
  });
});
