#!/usr/bin/env node
// Runs a TypeScript entry point under tsx's ESM loader; used by the bin and by `npm run bench`.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';

export async function runTs(entry) {
  register();
  await import(entry.href);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: run-ts.js <file.ts> [args…]');
    process.exit(2);
  }
  process.argv.splice(2, 1);
  await runTs(pathToFileURL(target));
}
