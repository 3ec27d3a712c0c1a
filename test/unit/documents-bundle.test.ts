import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

// Lambda runs an esbuild bundle with no node_modules beside it: pdf.js must not look for its worker
// file or for @napi-rs/canvas there, and mammoth and html-to-text must load from inside the bundle.
describe('documents in an esbuild bundle (as deployed to Lambda)', () => {
  it('extracts .pdf, .docx and .html text with no node_modules around', { timeout: 60_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'documents-bundle-'));
    try {
      const outfile = join(directory, 'index.mjs');
      await build({
        stdin: {
          contents: `
            import { extractDocumentText } from './functions/adapters/documents/index.ts';
            import { asAttachment, buildDocx, buildPdf, DOCX_TYPE } from './test/helpers/documents.ts';
            const results = [
              await extractDocumentText(asAttachment('r.pdf', 'application/pdf', buildPdf([['Texte du PDF groupé.']], { compress: true }))),
              await extractDocumentText(asAttachment('r.docx', DOCX_TYPE, buildDocx(['Texto del docx empaquetado.']))),
              await extractDocumentText(asAttachment('r.html', 'text/html', Buffer.from('<p>Nội dung HTML.</p>'))),
            ];
            process.stdout.write('\\nRESULT ' + JSON.stringify(results) + '\\n');`,
          resolveDir: root,
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        outfile,
        // The usual banner for ESM bundles holding CommonJS packages (mammoth) that require() Node built-ins.
        banner: { js: "import { createRequire as bannerCreateRequire } from 'node:module'; const require = bannerCreateRequire(import.meta.url);" },
        // A native package, not shipped: pdf.js only needs it for canvas rendering.
        external: ['@napi-rs/canvas'],
        logLevel: 'silent',
      });
      // pdf.js warns on stderr that it found no canvas package; only the result on stdout matters.
      const output = execFileSync(process.execPath, [outfile], { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const line = output.split('\n').find((text) => text.startsWith('RESULT '));
      expect(JSON.parse(line?.slice('RESULT '.length) ?? 'null')).toEqual([
        { ok: true, text: 'Texte du PDF groupé.' },
        { ok: true, text: 'Texto del docx empaquetado.' },
        { ok: true, text: 'Nội dung HTML.' },
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
