import { describe, expect, it } from 'vitest';
import { hookServers } from '../../../test/helpers/hook-server.js';
import { guardedLookup, HttpWebhookSender } from './webhook-sender.js';

const { serve, track } = hookServers();

function sender(options: Partial<ConstructorParameters<typeof HttpWebhookSender>[0]> = {}): HttpWebhookSender {
  const s = new HttpWebhookSender({ timeoutMs: 2_000, connectionsPerOrigin: 2, allowPrivate: true, ...options });
  return track(s);
}

const post = (url: string) => ({ url, body: '{"type":"x"}', headers: { 'webhook-id': 'evt_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' } });

describe('HttpWebhookSender', () => {
  it('reads a 2xx as delivered and keeps the first bytes of the answer', async () => {
    const url = await serve((_req, res) => res.writeHead(202).end('x'.repeat(5000)));
    const result = await sender({ excerptBytes: 16 }).post(post(url));
    expect(result).toMatchObject({ outcome: { kind: 'delivered' }, statusCode: 202, excerpt: 'x'.repeat(16) });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('posts the body with the signature headers and JSON content type', async () => {
    let seen: { headers: Record<string, unknown>; body: string } | undefined;
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => ((seen = { headers: req.headers, body }), res.end()));
    });
    await sender().post(post(url));
    expect(seen?.body).toBe('{"type":"x"}');
    expect(seen?.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'evt_1', 'webhook-signature': 'v1,x' });
  });

  it('never follows a redirect and reads Retry-After from a refusal', async () => {
    const redirect = await serve((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end());
    expect((await sender().post(post(redirect))).outcome).toEqual({ kind: 'status', status: 302 });
    const busy = await serve((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end());
    expect((await sender().post(post(busy))).outcome).toEqual({ kind: 'status', status: 429, retryAfterSeconds: 7 });
  });

  it('calls an answer that does not come in time a timeout, and a refused connection a network failure', async () => {
    const silent = await serve(() => undefined);
    const timedOut = await sender({ timeoutMs: 200 }).post(post(silent));
    expect(timedOut.outcome).toEqual({ kind: 'timeout' });
    expect(timedOut.durationMs).toBeLessThan(1_500);
    const refused = await sender().post(post('http://127.0.0.1:1/hook'));
    expect(refused.outcome).toEqual({ kind: 'network' });
    expect(refused.excerpt).toMatch(/ECONNREFUSED/);
  });

  it('calls an answer whose body stops coming a timeout', async () => {
    const stalled = await serve((_req, res) => res.writeHead(200).write('partial'));
    const result = await sender({ timeoutMs: 200 }).post(post(stalled));
    expect(result.outcome).toEqual({ kind: 'timeout' });
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it('cuts off an answer that keeps dripping past the timeout, though no single pause is that long', async () => {
    const timers: NodeJS.Timeout[] = [];
    const dripping = await serve((_req, res) => {
      res.writeHead(200);
      timers.push(setInterval(() => res.write('.'), 20));
      res.on('close', () => timers.forEach(clearInterval));
    });
    const result = await sender({ timeoutMs: 200 }).post(post(dripping));
    expect(result).toMatchObject({ outcome: { kind: 'timeout' }, statusCode: null });
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it('refuses private targets unless allowed: literals before connecting, names at connect time', async () => {
    const url = await serve((_req, res) => res.end());
    const guarded = sender({ allowPrivate: false });
    const literal = await guarded.post(post(url));
    expect(literal).toMatchObject({ outcome: { kind: 'network' }, statusCode: null });
    expect(literal.excerpt).toMatch(/private or loopback/);
    const error = await new Promise<NodeJS.ErrnoException | null>((done) => guardedLookup('localhost', {}, (e) => done(e)));
    expect(error?.code).toBe('EPRIVATEADDRESS');
  });
});
