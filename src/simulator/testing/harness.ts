/** Test harness: a simulator with one business, one number and a webhook receiver, plus a `graph()` call helper. */
import { startSimulator } from '../server.js';
import type { RunningSimulator, SimulatorOptions } from '../types.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** A parsed answer body; tests read arbitrary paths of Graph's JSON, so it is deliberately untyped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

export const APP_SECRET = 'test-app-secret';
export const VERSION = 'v21.0';

export interface Harness {
  readonly sim: RunningSimulator;
  readonly hooks: WebhookReceiver;
  readonly wabaId: string;
  readonly token: string;
  readonly phoneNumberId: string;
  graph(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: JsonBody; headers: Headers }>;
  /** POST /messages on the harness number. */
  send(message: Record<string, unknown>, phoneNumberId?: string): Promise<{ status: number; body: JsonBody; headers: Headers }>;
  close(): Promise<void>;
}

export async function startHarness(options: SimulatorOptions & { webhooks?: boolean } = {}): Promise<Harness> {
  const hooks = await startWebhookReceiver({ appSecret: APP_SECRET, verifyToken: 'verify-me' });
  const sim = await startSimulator({
    seed: 7,
    statusDelaysMs: { sent: 0, delivered: 5, read: 10 },
    webhookRetryDelaysMs: [20, 40],
    ...(options.webhooks === false ? {} : { webhookUrl: hooks.url, appSecret: APP_SECRET }),
    ...options,
  });
  const { wabaId, accessToken } = sim.admin.createBusiness({ name: 'Acme' });
  const { phoneNumberId } = sim.admin.createPhoneNumber({ wabaId, displayPhoneNumber: '15550001111' });
  async function graph(method: string, path: string, body?: unknown, token: string | null = accessToken) {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${sim.url}/${VERSION}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // HTML outage pages stay text.
    }
    return { status: res.status, body: parsed as JsonBody, headers: res.headers };
  }
  return {
    sim,
    hooks,
    wabaId,
    token: accessToken,
    phoneNumberId,
    graph,
    send: (message, id = phoneNumberId) => graph('POST', `/${id}/messages`, { messaging_product: 'whatsapp', ...message }),
    async close() {
      await sim.close();
      await hooks.close();
    },
  };
}
