/** A benchmark's sending account: numbers on the simulator registered with the gateway, and the batches it sends. */
import { ADMIN_KEY, type GatewayApi } from './gateway-process.js';

export interface Sender {
  readonly key: string;
  readonly numbers: string[];
  readonly phoneNumberIds: string[];
}

/** What a sender needs of the simulator: the in-process admin, or its `/_sim` routes in another process. */
export interface SenderSimulator {
  createBusiness(input: Record<string, never>): { wabaId: string; accessToken: string } | Promise<{ wabaId: string; accessToken: string }>;
  createTemplate(input: { wabaId: string; name: string; language: string; status: 'APPROVED'; body: string }): unknown;
  createPhoneNumber(input: { wabaId: string; throughputMps: number; registered: true }):
    | { phoneNumberId: string; displayPhoneNumber: string }
    | Promise<{ phoneNumberId: string; displayPhoneNumber: string }>;
}

export async function createSender(api: GatewayApi, sim: SenderSimulator, mps: number, count: number): Promise<Sender> {
  const business = await sim.createBusiness({});
  await sim.createTemplate({ wabaId: business.wabaId, name: 'hello_world', language: 'en_US', status: 'APPROVED', body: 'Hello World' });
  const account = await api.call(ADMIN_KEY, 'POST', '/v1/admin/accounts', { name: `bench ${mps}` });
  const numbers: string[] = [];
  const phoneNumberIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const remote = await sim.createPhoneNumber({ wabaId: business.wabaId, throughputMps: mps, registered: true });
    const number = await api.call(ADMIN_KEY, 'POST', '/v1/admin/numbers', {
      phone_number_id: remote.phoneNumberId, display_phone_number: remote.displayPhoneNumber, waba_id: business.wabaId,
      account_id: account.body.id, registration: 'registered', max_mps: mps, access_token: business.accessToken,
    });
    numbers.push(String(number.body.id));
    phoneNumberIds.push(remote.phoneNumberId);
  }
  const key = await api.call(ADMIN_KEY, 'POST', '/v1/admin/keys', { kind: 'account', account_id: account.body.id });
  return { key: String(key.body.key), numbers, phoneNumberIds };
}

let recipient = 0;
/** One template send to a new recipient, from the sender's numbers in turn. */
export function templateMessage(sender: Sender) {
  recipient += 1;
  return {
    to: `4915${String(50_000_000 + recipient)}`,
    type: 'template',
    template: { name: 'hello_world', language: 'en_US' },
    from: sender.numbers[recipient % sender.numbers.length],
  };
}

/** Sends one batch of `size` templates, each to a new recipient, spread over the sender's numbers; notes each id's accept time. */
export async function sendBatch(api: GatewayApi, sender: Sender, size: number, accepted: Map<string, number>): Promise<void> {
  const messages = Array.from({ length: size }, () => templateMessage(sender));
  const res = await api.call(sender.key, 'POST', '/v1/messages/batch', { messages });
  const at = Date.now();
  for (const r of (res.body.results as { id?: string }[] | undefined) ?? []) if (r.id) accepted.set(r.id, at);
}

/** Feeds `perSecond` messages in ten batches a second, the batches taking turns over `apis`; returns each id's accept time. */
export async function feed(apis: readonly GatewayApi[], sender: Sender, perSecond: number, seconds: number): Promise<Map<string, number>> {
  const accepted = new Map<string, number>();
  const perTick = Math.ceil(perSecond / 10);
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let tick = 0; tick < seconds * 10; tick++) {
    inFlight.push(sendBatch(apis[tick % apis.length]!, sender, perTick, accepted));
    const next = started + (tick + 1) * 100;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
  await Promise.all(inFlight);
  return accepted;
}
