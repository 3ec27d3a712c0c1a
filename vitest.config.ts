import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The SDK warns on every client under Node 20 (Lambda runs a newer Node); the noise hides test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // In CI the summary also closes with a plain "N passed, N failed" line (see test/helpers/summary-reporter.ts).
    reporters: process.env.CI ? ['default', './test/helpers/summary-reporter.ts'] : ['default'],
  },
});
