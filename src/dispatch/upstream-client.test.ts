import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamClient, type UpstreamTarget } from './upstream-client.js';

type Responder = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const responders = new Map<string, Responder>();
const seen: Array<{ url: string | undefined; authorization: string | undefined; body: string }> = [];
let server: Server;
let baseUrl: string;
const client = new UpstreamClient({ timeoutMs: 300, connectTimeoutMs: 300, connections: 4 });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ url: req.url, authorization: req.headers.authorization, body });
      const phoneNumberId = req.url?.split('/')[2] ?? '';
      responders.get(phoneNumberId)?.(req, body, res);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const json = (status: number, value: unknown) => (_req: IncomingMessage, _body: string, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  responders.set('ok', json(200, { messaging_product: 'whatsapp', contacts: [{ input: '+15550001', wa_id: '15550001' }], messages: [{ id: 'wamid.ABC' }] }));
  responders.set('throttled', json(400, { error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429, error_data: { messaging_product: 'whatsapp', details: 'throughput reached' }, fbtrace_id: 'T1' } }));
  responders.set('no-id', json(200, { messaging_product: 'whatsapp', messages: [] }));
  responders.set('html', (_req, _body, res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<html><head><title>503 Service Temporarily Unavailable</title></head></html>'));
  responders.set('slow', () => undefined);
  responders.set('reset', (req) => req.socket.destroy());
});

afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const target = (phoneNumberId: string, base = baseUrl): UpstreamTarget => ({ baseUrl: base, apiVersion: 'v21.0', phoneNumberId, accessToken: 'tok-1' });

describe('UpstreamClient', () => {
  it('posts the body with the number token and returns the wamid', async () => {
    const outcome = await client.sendMessage(target('ok'), { messaging_product: 'whatsapp', to: '15550001', type: 'text', text: { body: 'hi' } });
    expect(outcome).toEqual({ ok: true, wamid: 'wamid.ABC', waId: '15550001' });
    expect(seen.at(-1)).toMatchObject({ url: '/v21.0/ok/messages', authorization: 'Bearer tok-1' });
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toMatchObject({ to: '15550001' });
  });

  it('turns a Graph error into its catalog entry, keeping what Meta said', async () => {
    const outcome = await client.sendMessage(target('throttled'), {});
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.entry).toMatchObject({ namespace: 'meta', code: 130429, retry: { class: 'throttled' } });
    expect(outcome.error.upstream).toMatchObject({ httpStatus: 400, fbtraceId: 'T1' });
  });

  it('never takes a 2xx without a wamid as sent', async () => {
    const outcome = await client.sendMessage(target('no-id'), {});
    expect(outcome.ok ? 'sent' : outcome.error.entry.code).toBe('upstream_error');
  });

  it('classes an HTML outage page and a refused connection as transient: the upstream never took the request', async () => {
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, '127.0.0.1', ready));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((done) => closed.close(done));
    const outcomes = await Promise.all([client.sendMessage(target('html'), {}), client.sendMessage(target('x', closedUrl), {})]);
    expect(outcomes.map((o) => (o.ok ? 'sent' : `${o.error.entry.code}/${o.error.entry.retry.class}`))).toEqual([
      'upstream_unavailable/transient',
      'upstream_connection_failed/transient',
    ]);
  });

  it('calls the outcome unknown when the answer is lost after the request was written: a timeout or a reset', async () => {
    const outcomes = await Promise.all([client.sendMessage(target('slow'), {}), client.sendMessage(target('reset'), {})]);
    expect(outcomes.map((o) => (o.ok ? 'sent' : `${o.error.entry.code}/${o.error.upstream?.code}`))).toEqual([
      'upstream_outcome_unknown/UND_ERR_HEADERS_TIMEOUT',
      'upstream_outcome_unknown/UND_ERR_SOCKET',
    ]);
  });
});
