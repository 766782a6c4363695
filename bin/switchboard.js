#!/usr/bin/env node
// The `switchboard` command. It runs the compiled JavaScript in dist/, which `npm install` builds (the `prepare`
// script). A checkout whose install skipped scripts has no dist/: it then runs the sources through tsx, a dev
// dependency, and says so.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/main.js', import.meta.url);

if (existsSync(fileURLToPath(compiled))) {
  await import(compiled.href);
} else {
  console.error('switchboard: dist/ is missing (run `npm run build`); running the TypeScript sources instead.');
  const { runTs } = await import('./run-ts.js');
  await runTs(new URL('../src/cli/main.ts', import.meta.url));
}
