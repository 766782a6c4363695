/**
 * `switchboard serve` with `SWITCHBOARD_BACKGROUND=process` runs its background work in a child process: the child is
 * the one that calls the upstream (the serving process's metrics count its calls), wake-ups reach it, it is started
 * again when it dies, and it stops with its serving process. By default everything stays in one process.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callerOf } from '../helpers/gateway.js';
import { killHard, serveProcess, type ServedGateway } from '../helpers/serve-process.js';
import { until } from '../helpers/until.js';

const ADMIN_KEY = 'background-process-admin-key-0123456789';
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function sqliteEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-background-'));
  dirs.push(dataDir);
  return { SWITCHBOARD_DATA_DIR: dataDir, DATABASE_URL: `sqlite:${join(dataDir, 'switchboard.db')}`, SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, ...extra };
}

function childPidOf(served: ServedGateway): number | undefined {
  const pid = /^Background work: child process (\d+)/m.exec(served.output())?.[1];
  return pid === undefined ? undefined : Number(pid);
}

function parentOf(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm is in parentheses and may hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends the demo template with the demo key from the banner and waits until the message is `read`. */
async function sendAndRead(served: ServedGateway): Promise<void> {
  const key = /Account key \(shown once\): (\S+)/.exec(served.output())![1]!;
  const call = callerOf(served.url);
  const sent = await call('POST', '/v1/messages', { key, body: { to: '15551234567', type: 'template', template: { name: 'hello_world', language: 'en_US' } } });
  expect(sent.status).toBe(202);
  await until(() => call('GET', `/v1/messages/${sent.body.id}`, { key }), (m) => m.body.status === 'read', 'the message to be read');
}

async function upstreamCalls(served: ServedGateway): Promise<number> {
  const text = await (await fetch(`${served.url}/metrics`, { headers: { 'x-api-key': ADMIN_KEY } })).text();
  return [...text.matchAll(/^switchboard_upstream_calls_total\{[^}]*outcome="sent"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

describe('the background process of serve', () => {
  it('dispatches from a child, is restarted when it dies, and stops with its serving process', async () => {
    const env = sqliteEnv({ SWITCHBOARD_BACKGROUND: 'process' });
    const served = await serveProcess(env, /Account key/);
    try {
      const child = childPidOf(served);
      expect(child).toBeDefined();
      expect(parentOf(child!)).toBe(served.child.pid);
      await sendAndRead(served);
      // The serving process never calls the upstream itself: the count it shows is the child's.
      expect(await upstreamCalls(served)).toBe(1);
      expect(await (await fetch(`${served.url}/readyz`)).json()).toEqual({ status: 'ready', checked: ['store', 'background'] });

      process.kill(child!, 'SIGKILL');
      await until(() => fetch(`${served.url}/readyz`).then((r) => r.status), (status) => status === 503, 'readiness to report the background process gone');
      await until(() => fetch(`${served.url}/readyz`).then((r) => r.status), (status) => status === 200, 'the background process to be started again');
      expect(served.output()).toMatch(/the background process exited \(SIGKILL\); starting it again/);
      await sendAndRead(served);

      const exited = new Promise<number | null>((resolve) => served.child.once('exit', (code) => resolve(code)));
      const restarted = Number(readFileSync(join(env.SWITCHBOARD_DATA_DIR!, 'switchboard.db.background.pid'), 'utf8'));
      expect(restarted).not.toBe(child);
      served.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(isRunning(restarted)).toBe(false);
      expect(existsSync(join(env.SWITCHBOARD_DATA_DIR!, 'switchboard.db.background.pid'))).toBe(false);
    } finally {
      await killHard(served.child);
    }
  }, 90_000);

  it('keeps the background work in the serving process by default', async () => {
    const served = await serveProcess(sqliteEnv(), /Account key/);
    try {
      expect(childPidOf(served)).toBeUndefined();
      await sendAndRead(served);
      expect(await upstreamCalls(served)).toBe(1);
      expect(readFileSync(`/proc/${served.child.pid}/task/${served.child.pid}/children`, 'utf8').trim()).toBe('');
    } finally {
      await killHard(served.child);
    }
  }, 60_000);
});
