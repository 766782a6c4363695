/** POST /v1/messages/batch: the recipient limit, refused and dropped duplicates, per-item results, one commit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway, type TestTenant } from '../helpers/gateway.js';

const item = (to: string, extra: Record<string, unknown> = {}) => ({ to, type: 'template', template: { name: 'hello_world', language: 'en_US' }, ...extra });

describe('batch', () => {
  let gw: TestGateway;
  let t: TestTenant;
  beforeAll(async () => {
    gw = await startTestGateway({ limits: { batchMaxRecipients: 4 } });
    t = await gw.createTenant();
  });
  afterAll(() => gw.close());
  const batch = (body: unknown, key = t.key) => gw.call('POST', '/v1/messages/batch', { key, body });

  it('accepts every item with 202 and per-item ids', async () => {
    const res = await batch({ messages: [item('4915112340001'), item('4915112340002')] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 0, dropped: 0 });
    for (const r of res.body.results) expect((await gw.call('GET', `/v1/messages/${r.id}`, { key: t.key })).status).toBe(200);
  });

  it('refuses more recipients than the limit (destination_list_too_large)', async () => {
    const res = await batch({ messages: ['1', '2', '3', '4', '5'].map((n) => item(`491511234000${n}`)) });
    expect([res.status, res.body.code]).toEqual([400, 'destination_list_too_large']);
    expect(res.body.limit).toBe(4);
  });

  it('refuses duplicates by default (destination_duplicated), naming the repeat', async () => {
    const res = await batch({ messages: [item('4915112340001'), item('+4915112340001')] });
    expect([res.status, res.body.code, res.body.field]).toEqual([400, 'destination_duplicated', 'messages[1].to']);
  });

  it('drops duplicates when asked and says which item they repeat', async () => {
    const res = await batch({ duplicates: 'drop', messages: [item('4915112340001'), item('4915112340002'), item('4915112340001')] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 2, dropped: 1 });
    expect(res.body.results[2]).toEqual({ index: 2, status: 'dropped', duplicate_of: 0 });
  });

  it('rejects bad items one by one with their catalog error and field, accepting the rest', async () => {
    const res = await batch({ messages: [item('4915112340001'), { to: 'abc', text: { body: 'x' } }, { to: '4915112340003', type: 'text', text: { body: 'x' } }] });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(res.body.results[1]).toMatchObject({ index: 1, status: 'rejected', error: { code: 'invalid_phone_number', field: 'messages[1].to', status: 400 } });
    expect(res.body.results[2].error.code).toBe('outside_service_window');
  });

  it('answers 200 when nothing was accepted', async () => {
    const res = await batch({ messages: [{ to: '1', text: { body: 'x' } }] });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(0);
  });

  it('checks the batch-level and item-level sending number', async () => {
    const other = await gw.createTenant();
    const res = await batch({ from: other.phoneNumberId, messages: [item('4915112340001'), item('4915112340002', { from: t.phoneNumberId })] });
    expect(res.body.results[0].error.code).toBe('phone_number_not_authorized');
    expect(res.body.results[1].status).toBe('accepted');
  });

  it('spends credit per item and rejects the items beyond it', async () => {
    const poor = await gw.createTenant({ account: { credit: 2 } });
    const res = await batch({ messages: [item('4915112340001'), item('4915112340002'), item('4915112340003')] }, poor.key);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.body.results[2].error.code).toBe('insufficient_credit');
  });

  it('validates the envelope', async () => {
    const res = await batch({ duplicates: 'keep', messages: [] });
    expect([res.status, res.body.code, res.body.field]).toEqual([400, 'invalid_request', 'duplicates']);
    expect((await batch({})).body).toMatchObject({ code: 'missing_required_field', field: 'messages' });
  });
});
