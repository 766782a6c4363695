/** Sending to the sending number itself over real sockets: refused by preflight with Meta's 131021, on REST and the Cloud surface. */
import { describe, expect, it } from 'vitest';
import { useGatewayWithTenant } from '../helpers/gateway.js';

const OWN_NUMBER = '4915112345678';

describe('a message to the sending number itself', () => {
  const ctx = useGatewayWithTenant({ number: { display_phone_number: '+49 151 1234 5678' } });

  it('is refused with meta/131021 and stores nothing', async () => {
    for (const body of [{ to: OWN_NUMBER, type: 'template', template: { name: 'hello_world', language: 'en_US' } }, { to: `+${OWN_NUMBER}`, text: { body: 'hi me' } }]) {
      const answer = await ctx.gw.call('POST', '/v1/messages', { key: ctx.tenant.key, body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body).toMatchObject({ namespace: 'meta', code: 131021, field: 'to' });
    }
    expect((await ctx.gw.call('GET', '/v1/messages', { key: ctx.tenant.key })).body.data).toEqual([]);
  });

  it('is refused with Graph code 131021 on the Cloud-API-compatible surface', async () => {
    const body = { messaging_product: 'whatsapp', to: OWN_NUMBER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };
    const answer = await ctx.gw.call('POST', `/v21.0/${ctx.tenant.phoneNumberId}/messages`, { key: ctx.tenant.key, body });
    expect([answer.status, answer.body.error?.code]).toEqual([400, 131021]);
  });
});
