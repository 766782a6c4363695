/** Runs the real `switchboard` bin in a child process, as a user would, and collects what it prints. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './shared.js';
import { withTestDatabase } from './test-database.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [resolve(REPO_ROOT, 'bin/switchboard.js'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...withTestDatabase(env) }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
