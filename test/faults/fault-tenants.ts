/**
 * Tenants with something of everything (a message, a webhook endpoint, an opt-out, an upload), made through the API,
 * so the fault scenarios aim at ids that exist: their own, or another tenant's.
 */
import type { TestGateway, TestTenant } from '../helpers/gateway.js';

export interface SeededTenant extends TestTenant {
  readonly messageId: string;
  readonly webhookId: string;
  readonly mediaId: string;
  readonly optedOut: string;
  readonly keyId: string;
  /** Every id this tenant owns, whatever its kind. */
  readonly ids: readonly string[];
  /** Text only this tenant's records hold and no request of another tenant ever sends: seeing it is reading its data. */
  readonly markers: readonly string[];
  /** The JSON requests that made its data, all accepted: a seed corpus for bodies that get through. */
  readonly accepted: readonly { readonly method: string; readonly path: string; readonly body: unknown }[];
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

async function upload(g: TestGateway, key: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'pixel.png');
  const res = await fetch(`${g.url}/v1/media`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

function expectCreated<T>(what: string, answer: { status: number; body: T }): T {
  if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export async function seedTenant(g: TestGateway, name: string, recipient: string): Promise<SeededTenant> {
  const tenant = await g.createTenant({ name });
  const key = tenant.key;
  const accepted: { method: string; path: string; body: unknown }[] = [];
  const send = async (what: string, method: string, path: string, body: unknown) => {
    const created = expectCreated(what, await g.call(method, path, { key, body }));
    accepted.push({ method, path, body });
    return created;
  };
  const markers = [`${name}-private-callback`, `${name} private endpoint`, `hooks/${name}-private`];
  const message = await send('message', 'POST', '/v1/messages', { to: recipient, type: 'template', template: { name: 'hello_world', language: 'en_US' }, biz_opaque_callback_data: markers[0] });
  await send('cloud message', 'POST', `/v21.0/${tenant.phoneNumberId}/messages`, { messaging_product: 'whatsapp', to: recipient, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
  // A public address literal: no DNS in tests, and the address guard lets it through.
  const webhook = await send('webhook', 'POST', '/v1/webhooks', { url: `https://93.184.215.14/${markers[2]}`, description: markers[1], event_types: ['message.sent'] });
  const optedOut = recipient.replace(/.$/, '9');
  expectCreated('opt-out', await g.call('PUT', `/v1/opt-outs/${optedOut}`, { key, body: {} }));
  const mediaId = await upload(g, key);
  const keys = expectCreated('keys', await g.call('GET', `/v1/admin/keys?account_id=${tenant.accountId}`, { key: g.adminKey }));
  const keyId = (keys as { data: { id: string }[] }).data[0]!.id;
  return {
    ...tenant, messageId: message.id, webhookId: webhook.id, mediaId, optedOut, keyId,
    ids: [tenant.accountId, tenant.numberId, tenant.phoneNumberId, tenant.wabaId, message.id, webhook.id, mediaId, optedOut, keyId],
    markers,
    accepted,
  };
}
