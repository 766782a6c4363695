/** Calls for the account-control journeys: admin and tenant requests against a dispatch harness, answered with status, headers and body. */
import type { DispatchHarness } from './dispatch-harness.js';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  // Tests read arbitrary JSON fields.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export async function call(h: DispatchHarness, key: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${h.gateway.url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

export const admin = (h: DispatchHarness, method: string, path: string, body?: unknown) => call(h, h.config.adminKey!, method, path, body);

let n = 0;
/** A fresh German mobile number per call, so recipients never collide across tests. */
export function nextRecipient(): string {
  n += 1;
  return `4917${String(10_000_000 + n)}`;
}

export const text = (to: string, body = 'Hello there') => ({ to, type: 'text', text: { body } });
export const template = (to: string, name = 'hello_world', components: unknown[] = []) => ({ to, type: 'template', template: { name, language: 'en_US', components } });
