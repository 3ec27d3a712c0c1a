#!/usr/bin/env node
// The `intake` command. TypeScript runs through tsx, so the command works right after `npm ci`.
import { register } from 'tsx/esm/api';

// The AWS SDK's Node-version notice is for developers of the SDK's users, not for staff at a terminal.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../functions/cli/main.ts');
