/**
 * Text-analysis figures: median time per call of each analysis function on the ~200-word sample
 * reports, and the one-off costs (importing and loading the language data, building the country
 * name table), measured in fresh processes so that nothing loaded earlier hides them.
 * Run alone with `npx tsx bench/analysis.ts`.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findActionLines } from '#core/analysis/action-lines.ts';
import { foldForMatching } from '#core/analysis/fold.ts';
import { detectLanguage, loadLanguageDetector } from '#core/analysis/language.ts';
import { findLinks } from '#core/analysis/links.ts';
import { findOrigin } from '#core/analysis/origin.ts';
import { findRequiredParts } from '#core/analysis/parts.ts';
import { countWords } from '#core/analysis/words.ts';
import { REPORTS } from '#test/fixtures/analysis/reports.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SIGNATURE = 'Nguyen Van Binh\nTrưởng phòng, Thư viện tỉnh Lâm Đồng\nĐà Lạt, Việt Nam';

/** Median over batches of the mean time per call, in microseconds. */
function medianMicroseconds(call: () => unknown, batches = 15, callsPerBatch = 200): number {
  for (let i = 0; i < callsPerBatch; i++) call(); // warm up
  const means: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const started = performance.now();
    for (let i = 0; i < callsPerBatch; i++) call();
    means.push(((performance.now() - started) * 1000) / callsPerBatch);
  }
  means.sort((a, b) => a - b);
  return means[Math.floor(means.length / 2)] ?? Number.NaN;
}

/** The number a snippet prints when run in a fresh Node process with tsx (median of `runs`). */
function freshProcessFigure(snippet: string, runs = 3): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', snippet], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    times.push(Number(output.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

function format(microseconds: number): string {
  return microseconds.toFixed(1).padStart(9);
}

export async function benchAnalysis(): Promise<void> {
  console.log('Text analysis (functions/core/analysis)');

  const importMs = freshProcessFigure(`const t = performance.now(); await import('eld/extrasmall'); console.log(performance.now() - t);`);
  const loadMs = freshProcessFigure(
    `const { loadLanguageDetector } = await import('#core/analysis/language.ts'); const t = performance.now(); await loadLanguageDetector(); console.log(performance.now() - t);`,
  );
  const firstCallMs = freshProcessFigure(
    `const m = await import('#core/analysis/language.ts'); await m.loadLanguageDetector(); const t = performance.now(); m.detectLanguage('The library trained three hundred teachers in digital skills this year.'); console.log(performance.now() - t);`,
  );
  const moduleMs = freshProcessFigure(`const t = performance.now(); await import('#core/analysis/language.ts'); console.log(performance.now() - t);`);
  const heapMb = freshProcessFigure(
    `const { loadLanguageDetector } = await import('#core/analysis/language.ts'); const before = process.memoryUsage().heapUsed; await loadLanguageDetector(); console.log((process.memoryUsage().heapUsed - before) / 1e6);`,
  );
  const countryTableMs = freshProcessFigure(
    `const { findOrigin } = await import('#core/analysis/origin.ts'); const t = performance.now(); findOrigin({ reportText: 'Country: Kenya', signature: '', fromAddress: null, fromName: null }); console.log(performance.now() - t);`,
  );
  console.log(`  language.ts import (eld not loaded yet): ${moduleMs.toFixed(1)} ms`);
  console.log(`  eld/extrasmall import alone:            ${importMs.toFixed(1)} ms`);
  console.log(`  loadLanguageDetector() first call:       ${loadMs.toFixed(1)} ms`);
  console.log(`  heap taken by the language data:         ${heapMb.toFixed(0)} MB`);
  console.log(`  detectLanguage() first call after load:  ${firstCallMs.toFixed(2)} ms`);
  console.log(`  findOrigin() first call (country table): ${countryTableMs.toFixed(1)} ms`);

  await loadLanguageDetector();
  console.log('  median µs per call on ~200-word reports (lines and parts share one fold of the text, shown apart):');
  console.log(`  ${'report (words)'.padEnd(26)}${['words', 'language', 'fold', 'lines', 'parts', 'links', 'origin'].map((name) => name.padStart(9)).join('')}`);
  for (const report of REPORTS) {
    const text = report.text;
    const origin = { reportText: text, signature: SIGNATURE, fromAddress: 'library@example.org', fromName: 'Binh Nguyen' };
    // Folding remembers its last text; two copies that differ in one character defeat that.
    const copies = [`${text} `, `${text}  `];
    let turn = 0;
    const row = [
      medianMicroseconds(() => countWords(text)),
      medianMicroseconds(() => detectLanguage(text)),
      medianMicroseconds(() => foldForMatching(copies[turn++ % 2] ?? text)),
      medianMicroseconds(() => findActionLines(text)),
      medianMicroseconds(() => findRequiredParts(text)),
      medianMicroseconds(() => findLinks(text)),
      medianMicroseconds(() => findOrigin(origin)),
    ];
    console.log(`  ${`${report.id} (${countWords(text)})`.padEnd(26)}${row.map(format).join('')}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchAnalysis();
