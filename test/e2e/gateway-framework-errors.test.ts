/**
 * Answers the framework and Node give before a route runs, over real sockets: each is problem+json with a catalog
 * code and names no framework internals.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useGatewayWithTenant } from '../helpers/gateway.js';

/** Writes `raw` bytes to the gateway and returns everything it answers before closing. */
function rawExchange(url: string, raw: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(raw));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parseRawAnswer(raw: string): { status: number; contentType: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /^content-type: (.*)$/im.exec(head)?.[1] ?? '';
  return { status, contentType, body: JSON.parse(body) as Record<string, unknown> };
}

describe('framework and Node refusals', () => {
  const ctx = useGatewayWithTenant();

  it.each([
    ['an undecodable percent-encoding', () => ctx.gw.call('GET', '/v1/messages/%zz', { key: ctx.tenant.key }), 400, 'malformed_request'],
    // PostgreSQL cannot hold a NUL in text: refused before any engine sees it, alike on every engine.
    ['a NUL in the query string', () => ctx.gw.call('GET', '/v1/messages?cursor=%00', { key: ctx.tenant.key }), 400, 'malformed_request'],
    ['a NUL in a path id', () => ctx.gw.call('GET', '/v1/messages/msg_%00', { key: ctx.tenant.key }), 400, 'malformed_request'],
    ['a NUL escaped in a JSON body', () => ctx.gw.call('POST', '/v1/messages', { key: ctx.tenant.key, raw: '{"to":"4915112345678","type":"text","text":{"body":"a\\u0000"}}', headers: { 'content-type': 'application/json' } }), 400, 'invalid_request'],
    ['a path id over 100 characters', () => ctx.gw.call('GET', `/v1/messages/${'a'.repeat(150)}`, { key: ctx.tenant.key }), 414, 'uri_too_long'],
    ['20 KB of headers', () => ctx.gw.call('GET', '/v1/messages', { key: ctx.tenant.key, headers: { 'x-padding': 'a'.repeat(20_000) } }), 431, 'request_headers_too_large'],
    ['a gzip body', () => ctx.gw.call('POST', '/v1/messages', { key: ctx.tenant.key, raw: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }), 415, 'unsupported_content_encoding'],
  ])('answers %s with problem+json', async (_what, send, status, code) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status, code, namespace: 'gateway', type: `/v1/errors/gateway/${code}` });
    expect(JSON.stringify(answer.body)).not.toMatch(/FST_/);
  });

  it('answers a deflate body on the Cloud surface in Graph shape, with the status Graph gives its code (100: 400)', async () => {
    const headers = { 'content-type': 'application/json', 'content-encoding': 'deflate' };
    const answer = await ctx.gw.call('POST', `/v21.0/${ctx.tenant.phoneNumberId}/messages`, { key: ctx.tenant.key, raw: '{}', headers });
    expect([answer.status, answer.body.error.code]).toEqual([400, 100]);
    expect(answer.body.error).toMatchObject({ error_user_title: 'Unsupported content encoding' });
  });

  it('answers broken HTTP framing on the raw socket with problem+json', async () => {
    for (const request of ['GARBAGE\r\n\r\n', 'GET /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n', 'GET / HTTP/1.1\r\nHost x\r\n\r\n']) {
      const answer = parseRawAnswer(await rawExchange(ctx.gw.url, request));
      expect(answer.status).toBe(400);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status: 400, code: 'malformed_request', namespace: 'gateway' });
      expect(JSON.stringify(answer.body)).not.toMatch(/FST_|Client Error/);
    }
  });

  it('answers an HTTP/1.1 request without Host, and an Expect it cannot meet, with problem+json instead of an empty body', async () => {
    const cases = [
      ['GET /healthz HTTP/1.1\r\n\r\n', 400, 'malformed_request'],
      ['GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n', 417, 'expectation_failed'],
    ] as const;
    for (const [request, status, code] of cases) {
      const answer = parseRawAnswer(await rawExchange(ctx.gw.url, request));
      expect([answer.status, answer.body['code']]).toEqual([status, code]);
      expect(answer.contentType).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers oversized headers on the raw socket with problem+json', async () => {
    const answer = parseRawAnswer(await rawExchange(ctx.gw.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect([answer.status, answer.body['code']]).toEqual([431, 'request_headers_too_large']);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
  });

  it('answers a HEAD with oversized headers without a body, so a client can read the answer', async () => {
    const raw = await rawExchange(ctx.gw.url, `HEAD /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    const [head = '', body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/^content-type: application\/problem\+json/im);
    expect(body).toBe('');
  });
});
