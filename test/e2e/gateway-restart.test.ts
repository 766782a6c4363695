/** Durability: messages answered 202 survive a SIGKILL of the real process and are read back after a restart. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/switchboard.js');

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** Runs `switchboard serve` and waits for its banner; `needKey` waits for the demo key line as well. */
function serve(dataDir: string, needKey: boolean): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url && (!needKey || /curl -sS \S+\/v1\/messages\/<id>/.test(out))) {
        clearTimeout(timer);
        ok({ child, url, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => fail(new Error(`serve exited with ${code}:\n${out}`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

describe('restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-restart-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every accepted message across SIGKILL and restart', async () => {
    const first = await serve(dataDir, true);
    children.push(first.child);
    const key = /Account key \(shown once\): (\S+)/.exec(first.output())![1]!;
    const send = (i: number) =>
      fetch(`${first.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ to: `49151000${String(i).padStart(5, '0')}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => send(i)));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    // No graceful shutdown: whatever was answered 202 must already be on disk.
    await killHard(first.child);

    const second = await serve(dataDir, false);
    children.push(second.child);
    expect(second.output()).not.toContain('Admin key (shown once');
    for (const { body } of answers) {
      const res = await fetch(`${second.url}/v1/messages/${body.id}`, { headers: { 'x-api-key': key } });
      expect(res.status).toBe(200);
      // The dispatcher may have sent it meanwhile; what matters is that it is there.
      expect(['accepted', 'dispatching', 'sent', 'delivered', 'read']).toContain(((await res.json()) as { status: string }).status);
    }
    await killHard(second.child);
  }, 60_000);
});
