/** Idempotency-Key: replay of the first result, 409 while the first is in flight, 422 for another body, 24 h expiry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { manualClock, startTestGateway, type TestGateway, type TestTenant } from '../helpers/gateway.js';

const body = (to = '4915112345678') => ({ to, type: 'template', template: { name: 'hello_world', language: 'en_US' } });

/** Holds every accept until the test opens the gate, so a second request provably meets the first one in flight. */
function gatedStore(store: Store): { store: Store; hold(): void; open(): void } {
  let gate: Promise<void> = Promise.resolve();
  let release = () => {};
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'acceptMessages')
        return async (...args: Parameters<Store['acceptMessages']>) => {
          await gate;
          return target.acceptMessages(...args);
        };
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    store: wrapped,
    hold: () => void (gate = new Promise((r) => (release = r))),
    open: () => release(),
  };
}

describe('Idempotency-Key', () => {
  let gw: TestGateway;
  let t: TestTenant;
  let gated: ReturnType<typeof gatedStore>;
  const clock = manualClock(Date.now());
  beforeAll(async () => {
    gw = await startTestGateway({ clock, wrapStore: (s) => (gated = gatedStore(s)).store });
    t = await gw.createTenant();
  });
  afterAll(() => gw.close());

  const send = (key: string, b: unknown, path = '/v1/messages') =>
    gw.call('POST', path, { key: t.key, body: b, headers: { 'idempotency-key': key } });

  it('returns the first result for the same key and body, and stores one message', async () => {
    const first = await send('k-same', body());
    const again = await send('k-same', body());
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const list = await gw.call('GET', '/v1/messages?limit=500', { key: t.key });
    expect(list.body.data.filter((m: { id: string }) => m.id === first.body.id)).toHaveLength(1);
    expect(list.body.data).toHaveLength(1);
  });

  it('answers 422 idempotency_key_reused for the same key with another body', async () => {
    await send('k-reuse', body());
    const res = await send('k-reuse', body('4915112345679'));
    expect([res.status, res.body.code]).toEqual([422, 'idempotency_key_reused']);
  });

  it('answers 409 idempotency_in_progress while the first request is still being stored', async () => {
    gated.hold();
    const first = send('k-race', body());
    await new Promise((r) => setTimeout(r, 50));
    const second = await send('k-race', body());
    expect([second.status, second.body.code]).toEqual([409, 'idempotency_in_progress']);
    gated.open();
    const done = await first;
    expect(done.status).toBe(202);
    const third = await send('k-race', body());
    expect(third.body).toEqual(done.body);
  });

  it('frees the key when the first request was refused, so a corrected retry goes through', async () => {
    const refused = await send('k-fix', { to: '12', text: { body: 'x' } });
    expect(refused.body.code).toBe('invalid_phone_number');
    expect((await send('k-fix', body())).status).toBe(202);
  });

  it('keeps keys per account and forgets them after 24 hours', async () => {
    const other = await gw.createTenant();
    const mine = await send('k-shared', body());
    const theirs = await gw.call('POST', '/v1/messages', { key: other.key, body: body(), headers: { 'idempotency-key': 'k-shared' } });
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(mine.body.id);
    clock.advance(24 * 3600_000 + 1);
    const later = await send('k-shared', body('4915112345670'));
    expect(later.status).toBe(202);
    expect(later.body.id).not.toBe(mine.body.id);
  });

  it('guards the batch and the Cloud-API surface too', async () => {
    const batch = { messages: [body('4915112340001'), body('4915112340002')] };
    const a = await send('k-batch', batch, '/v1/messages/batch');
    const b = await send('k-batch', batch, '/v1/messages/batch');
    expect(a.status).toBe(202);
    expect(b.body).toEqual(a.body);
    const cloud = { messaging_product: 'whatsapp', ...body('4915112340003') };
    const c1 = await gw.call('POST', `/v21.0/${t.phoneNumberId}/messages`, { headers: { authorization: `Bearer ${t.key}`, 'idempotency-key': 'k-cloud' }, body: cloud });
    const c2 = await gw.call('POST', `/v21.0/${t.phoneNumberId}/messages`, { headers: { authorization: `Bearer ${t.key}`, 'idempotency-key': 'k-cloud' }, body: cloud });
    expect(c1.status).toBe(200);
    expect(c2.body).toEqual(c1.body);
  });
});
