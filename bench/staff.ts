/**
 * The staff CLI over 10,000 stored reports (dynalite in this process): how long `list` and `export`
 * take, and the read capacity their Queries consume (what on-demand DynamoDB bills).
 *
 *   npx tsx bench/staff.ts [reports]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ReportQueries, type ReportQuery } from '#adapters/aws/report-queries.ts';
import { startEmulators } from '#test/helpers/emulators.ts';
import { generateReports, storeItems, targetFor } from '#test/integration/staff-cli-fixtures.ts';
import { runReportsCli, type Output } from '../functions/cli/reports.ts';

const COUNT = Number(process.argv[2] ?? 10_000);
const NOW = new Date('2025-10-15T12:00:00.000Z');
/** Writers in flight while loading the table. */
const LOAD_CONCURRENCY = 4;

/** Counts what a command prints without keeping it. */
class CountingOutput implements Output {
  bytes = 0;
  text = '';
  constructor(private readonly keep = false) {}
  write(chunk: string | Uint8Array): boolean {
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (this.keep) this.text += chunk.toString();
    return true;
  }
  once(): this {
    return this;
  }
}

const emulators = await startEmulators();
const work = await mkdtemp(join(tmpdir(), 'bench-staff-'));
try {
  const target = targetFor(emulators);
  const { doc } = target;
  const { records, pointers } = generateReports(COUNT);
  const items = [...records, ...pointers];
  const loadStart = performance.now();
  const slice = Math.ceil(items.length / LOAD_CONCURRENCY / 25) * 25;
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, (_, i) => storeItems(doc, emulators.tableName, items.slice(i * slice, (i + 1) * slice))));
  const loadMs = performance.now() - loadStart;
  const current = records.filter((record) => record.currentCall !== undefined).length;
  const averageItemBytes = Math.round(records.reduce((sum, record) => sum + Buffer.byteLength(JSON.stringify(record)), 0) / records.length);
  console.log(`Stored ${records.length} reports (${current} current, ~${averageItemBytes} bytes each as JSON) in ${(loadMs / 1000).toFixed(1)} s\n`);

  const cli = async (argv: string[]): Promise<{ ms: number; stdout: CountingOutput; stderr: CountingOutput }> => {
    const stdout = new CountingOutput();
    const stderr = new CountingOutput(true);
    const started = performance.now();
    const code = await runReportsCli(['reports', ...argv], {
      stdout,
      stderr,
      env: {},
      connect: async () => target,
      now: () => NOW,
      setExitCode: () => {},
    });
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`intake reports ${argv.join(' ')} exited with ${code}: ${stderr.text}`);
    return { ms, stdout, stderr };
  };
  /** The Query a command runs, alone, for its read capacity. */
  const cost = async (query: Omit<ReportQuery, 'callId'>): Promise<{ reports: number; capacityUnits: number; requests: number; itemsRead: number }> => {
    const queries = new ReportQueries(doc, emulators.tableName);
    const ids: string[] = [];
    for await (const record of queries.list({ callId: target.callId, ...query })) ids.push(record.id);
    return { reports: ids.length, ...queries.cost };
  };

  const rows: string[][] = [];
  const measure = async (label: string, argv: string[], query: Omit<ReportQuery, 'callId'>): Promise<void> => {
    const run = await cli(argv);
    const read = await cost(query);
    rows.push([
      label,
      String(read.reports),
      `${(run.ms / 1000).toFixed(2)} s`,
      `${Math.round(read.reports / (run.ms / 1000))}/s`,
      read.capacityUnits.toFixed(1),
      String(read.requests),
      `${(run.stdout.bytes / 1024 / 1024).toFixed(1)} MB`,
    ]);
  };

  // The first command also pays for loading modules and warming up the JIT.
  await cli(['list', '--json', '--limit', '10']);
  await measure('list (table)', ['list'], {});
  await measure('list --json', ['list', '--json'], {});
  await measure('list --all --json', ['list', '--all', '--json'], { includeSuperseded: true });
  await measure('list --status needs_revision', ['list', '--json', '--status', 'needs_revision'], { status: 'needs_revision' });
  await measure('list --action-line C8 --country VN', ['list', '--json', '--action-line', 'C8', '--country', 'VN'], { actionLine: 'C8', country: 'VN' });
  await measure('list --since 7d', ['list', '--json', '--since', '7d'], { since: new Date(NOW.getTime() - 7 * 86_400_000).toISOString() });
  await measure('export --format csv (stdout)', ['export', '--format', 'csv'], {});
  await measure('export --format json --all', ['export', '--format', 'json', '--all'], { includeSuperseded: true });

  const out = join(work, 'reports.csv');
  const toFile = await cli(['export', '--format', 'csv', '--all', '--out', out]);
  const summary = toFile.stderr.text.trim().split('\n').at(-1);

  const header = ['command', 'reports', 'time', 'rate', 'read CU', 'queries', 'output'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(`\nexport --all --out FILE: ${(toFile.ms / 1000).toFixed(2)} s, ${((await stat(out)).size / 1024 / 1024).toFixed(1)} MB; it said: ${summary}`);
  console.log('read CU: read capacity units DynamoDB reported (ReturnConsumedCapacity TOTAL; eventually consistent Query, 4 KB per 0.5 unit).');
} finally {
  await emulators.stop();
  await rm(work, { recursive: true, force: true });
}
