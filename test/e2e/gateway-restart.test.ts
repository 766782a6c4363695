/** Durability: messages answered 202 survive a SIGKILL of the real process and are read back after a restart. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killHard, serveProcess } from '../helpers/serve-process.js';

/** `needKey` waits for the demo key line as well. */
const serve = (dataDir: string, needKey: boolean) => serveProcess({ SWITCHBOARD_DATA_DIR: dataDir }, needKey ? /curl -sS \S+\/v1\/messages\/<id>/ : undefined);

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
      }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { id: string } }));
    const all = await Promise.all(Array.from({ length: 60 }, (_, i) => send(i)));
    // What this test guards is the 202s; a busy store may answer the odd request 503 with Retry-After instead, never worse.
    const refused = all.filter((a) => a.status !== 202);
    expect(refused.filter((a) => a.status !== 503 || a.retryAfter === null), JSON.stringify(refused)).toEqual([]);
    expect(refused.length, JSON.stringify(refused)).toBeLessThan(all.length / 2);
    const answers = all.filter((a) => a.status === 202);
    // No graceful shutdown: whatever was answered 202 must already be on disk.
    await killHard(first.child);

    const second = await serve(dataDir, false);
    children.push(second.child);
    expect(second.output()).not.toContain('Admin key (shown once');
    for (const { body } of answers) {
      const res = await fetch(`${second.url}/v1/messages/${body.id}`, { headers: { 'x-api-key': key } });
      expect(res.status).toBe(200);
      // The dispatcher may have sent it meanwhile; what matters is that it is there.
      expect(['accepted', 'queued', 'sent', 'delivered', 'read']).toContain(((await res.json()) as { status: string }).status);
    }
    await killHard(second.child);
  }, 60_000);
});
