#!/usr/bin/env node
// The `intake` command. TypeScript runs through tsx, so the command works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('../functions/cli/main.ts');
