/** Webhook durability: a gateway process killed (SIGKILL) mid-delivery resumes after restart and loses no event. */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killHard, serveProcess, type ServedGateway } from '../helpers/serve-process.js';
import { startReceiver, waitFor, type Receiver } from './webhooks-harness.js';

/** `needKey` waits for the demo key line as well. */
function serve(dataDir: string, needKey: boolean): Promise<ServedGateway> {
  return serveProcess(
    {
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE: 'true',
      SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '0.05,0.1,0.1,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2',
    },
    needKey ? /curl -sS \S+\/v1\/messages\/<id>/ : undefined,
  );
}

describe('webhook delivery across a SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-webhooks-restart-'));
  const children: ChildProcess[] = [];
  let receiver: Receiver | undefined;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every event after the process is killed mid-delivery and started again', async () => {
    const r = await startReceiver();
    receiver = r;
    // Failing at first (deliveries wait for retries), then slow: the kill lands with attempts pending and in flight.
    r.answer = (i) => (i < 20 ? 503 : 200);
    r.delayMs = 150;
    const first = await serve(dataDir, true);
    children.push(first.child);
    const key = /Account key \(shown once\): (\S+)/.exec(first.output())![1]!;
    const api = (url: string, path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then(async (res) => ({ status: res.status, body: (await res.json()) as { id: string } }));
    expect((await api(first.url, '/v1/webhooks', { url: r.url, event_types: ['message.accepted'] })).status).toBe(201);
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api(first.url, '/v1/messages', { to: `4915200${String(i).padStart(5, '0')}`, type: 'template', template: { name: 'hello_world', language: 'en_US' } })),
    );
    expect(sent.every((s) => s.status === 202)).toBe(true);
    // The accepted event's id is the message's under `evt_`.
    const expected = new Set(sent.map((s) => `evt_${s.body.id.slice(4)}`));
    await waitFor('some deliveries before the kill', () => r.deliveredIds().size >= 3, 15_000);
    await killHard(first.child);
    const beforeRestart = r.deliveredIds().size;
    expect(beforeRestart).toBeLessThan(30);

    const second = await serve(dataDir, false);
    children.push(second.child);
    await waitFor('every event after the restart', () => [...expected].every((id) => r.deliveredIds().has(id)), 30_000);
    expect(r.deliveredIds()).toEqual(expected);
    await killHard(second.child);
  }, 90_000);
});
