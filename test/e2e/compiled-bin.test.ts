// Production runs compiled JavaScript: the install builds dist/, and the bin runs it without a TypeScript loader.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/shared.js';

describe('the installed command', () => {
  it('runs the compiled build in dist/, not the TypeScript sources', async () => {
    expect(existsSync(resolve(REPO_ROOT, 'dist/cli/main.js'))).toBe(true);
    // A loader hook that refuses any .ts module: the compiled build never asks for one.
    const refuseTs = `data:text/javascript,${encodeURIComponent(
      'export async function resolve(s, c, next) { if (/\\.ts$/.test(s)) throw new Error("TypeScript module loaded: " + s); return next(s, c); }',
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(refuseTs)});`)}`;
    const result = await runCli(['explain', '131047', '--json'], { NODE_OPTIONS: `--import=${register}` });
    expect(result.stderr).not.toMatch(/dist\/ is missing|TypeScript module loaded/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('131047');
  });
});
