#!/usr/bin/env node
// The `switchboard` command: loads the TypeScript sources through tsx, so a fresh clone runs without a build step.
import { runTs } from './run-ts.js';

await runTs(new URL('../src/cli/main.ts', import.meta.url));
