/** `npm run bench`: every benchmark, each in its own process so memory and start-up figures are clean. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['pipeline.ts', 'documents.ts', 'analysis.ts', 'memory.ts', 'local-stack.ts', 'staff.ts'];
let failed = false;
for (const file of benches) {
  console.log(`\n== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))], {
    stdio: 'inherit',
    // The SDK's Node-version notice would land between the figures.
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  failed ||= result.status !== 0;
}
process.exitCode = failed ? 1 : 0;
