// `switchboard simulate`: its options and help, and a real run started from the command line and stopped with SIGTERM.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulate } from '../../src/cli/simulate.js';

const ROOT = resolve(new URL('.', import.meta.url).pathname, '../..');

describe('switchboard simulate', () => {
  it('declares every option with a helpful --help', () => {
    const program = new Command('switchboard').exitOverride();
    let help = '';
    program.configureOutput({ writeOut: (s) => void (help += s) });
    registerSimulate(program);
    expect(() => program.parse(['node', 'switchboard', 'simulate', '--help'])).toThrow();
    for (const flag of ['--port', '--host', '--seed', '--scenario', '--webhook-url', '--app-secret', '--verify-token']) expect(help).toContain(flag);
    expect(help).toMatch(/Examples:/);
  });

  it('refuses a port that is not one', () => {
    const program = new Command('switchboard').exitOverride().configureOutput({ writeErr: () => {} });
    registerSimulate(program);
    expect(() => program.parse(['node', 'switchboard', 'simulate', '--port', 'abc'])).toThrow(/--port must be an integer/);
  });

  it('serves the Graph API from a scenario file, then stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/switchboard.js', 'simulate', '--port', '0', '--seed', '5', '--scenario', 'test/fixtures/simulator/scenario.yaml'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`no URL printed: ${out}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            done(match[1]!);
          }
        });
        child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      const res = await fetch(`${url}/v21.0/102290129340398/phone_numbers`, { headers: { authorization: 'Bearer EAAGscenario-token' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
      const exited = new Promise<number | null>((done) => child.once('exit', done));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
