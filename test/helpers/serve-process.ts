/** Runs the real `switchboard serve` in a child process, as an operator would, and kills it hard (SIGKILL) on demand. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './shared.js';
import { withTestDatabase } from './test-database.js';

const BIN = resolve(REPO_ROOT, 'bin/switchboard.js');

export interface ServedGateway {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process printed so far. */
  output(): string;
}

/**
 * Starts `serve` (with `args`, e.g. `--role worker`) on a free port with `env` added, and resolves once it listens (and
 * `ready` matches, when given).
 */
export function serveProcess(env: NodeJS.ProcessEnv, ready?: RegExp, args: readonly string[] = []): Promise<ServedGateway> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_LOG_LEVEL: 'warn', ...withTestDatabase(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url && (!ready || ready.test(out))) {
        clearTimeout(timer);
        ok({ child, url, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => fail(new Error(`serve exited with ${code}:\n${out}`)));
  });
}

/** The processes `pid` started (a serving process's background process), read from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A crash of the whole gateway: the process and the background process it started die at once, without a word. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    for (const pid of childrenOf(child.pid!)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child.kill('SIGKILL');
  });
}
