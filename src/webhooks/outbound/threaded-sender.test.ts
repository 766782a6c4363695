import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { hookServers } from '../../../test/helpers/hook-server.js';
import { ThreadedWebhookSender } from './threaded-sender.js';

const { serve, track } = hookServers();

function sender(timeoutMs = 300): ThreadedWebhookSender {
  const s = new ThreadedWebhookSender({ timeoutMs, connectionsPerOrigin: 4, allowPrivate: true });
  return track(s);
}

const post = (url: string, id: string) => ({ url, body: `{"id":"${id}"}`, headers: { 'webhook-id': id, 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' } });

describe('ThreadedWebhookSender', () => {
  it('answers each of many posts made at once with its own result', async () => {
    const seen: string[] = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(String(req.headers['webhook-id']));
        const id = (JSON.parse(body) as { id: string }).id;
        res.writeHead(id.endsWith('7') ? 503 : 200).end(id);
      });
    });
    const s = sender();
    const ids = Array.from({ length: 20 }, (_, i) => `evt_${i}`);
    const results = await Promise.all(ids.map((id) => s.post(post(url, id))));
    expect(results.map((r) => r.excerpt)).toEqual(ids);
    expect(results.map((r) => r.statusCode)).toEqual(ids.map((id) => (id.endsWith('7') ? 503 : 200)));
    expect(results[7]!.outcome).toEqual({ kind: 'status', status: 503 });
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('classifies as the HTTP sender does: silence is a timeout, a refused connection a network failure', async () => {
    const silent = await serve(() => undefined);
    const s = sender();
    const [timedOut, refused] = await Promise.all([s.post(post(silent, 'evt_a')), s.post(post('http://127.0.0.1:1/hook', 'evt_b'))]);
    expect(timedOut.outcome).toEqual({ kind: 'timeout' });
    expect(refused.outcome).toEqual({ kind: 'network' });
    expect(refused.excerpt).toMatch(/ECONNREFUSED/);
  });

  it('fails posts at once once closed', async () => {
    const s = sender();
    await s.close();
    await expect(s.post(post('http://127.0.0.1:1/hook', 'evt_c'))).rejects.toThrow(/sender is closed/);
  });

  it('fails the posts a dead thread had, and makes later ones from a new thread', async () => {
    const url = await serve((_req, res) => res.end('ok'));
    const silent = await serve(() => undefined);
    const s = sender(30_000);
    expect((await s.post(post(url, 'evt_d'))).outcome).toEqual({ kind: 'delivered' });
    const stranded = s.post(post(silent, 'evt_e'));
    await new Promise((r) => setTimeout(r, 50));
    await (s as unknown as { worker: Worker }).worker.terminate();
    await expect(stranded).rejects.toThrow(/sender thread exited/);
    expect((await s.post(post(url, 'evt_f'))).outcome).toEqual({ kind: 'delivered' });
  });
});
