/** Assertions shared by the simulator's tests: a Graph error body as Meta shapes it, with status, title and message from the catalog. */
import { expect } from 'vitest';
import { requireEntry } from '../../catalog/catalog.js';
import type { JsonBody } from './harness.js';

export function expectGraphError(res: { status: number; body: JsonBody }, code: number, details?: string | RegExp): void {
  const entry = requireEntry('meta', code);
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: entry.httpStatus, code });
  expect(res.body.error).toMatchObject({
    message: `(#${code}) ${entry.title}`,
    type: 'OAuthException',
    error_data: { messaging_product: 'whatsapp', details: expect.any(String) },
    fbtrace_id: expect.any(String),
    is_transient: expect.any(Boolean),
  });
  if (details !== undefined) expect(res.body.error.error_data.details).toMatch(details);
}

export function expectAccepted(res: { status: number; body: JsonBody }): string {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ messaging_product: 'whatsapp', contacts: [{ input: expect.any(String), wa_id: expect.any(String) }] });
  expect(res.body.messages[0].id).toMatch(/^wamid\./);
  return res.body.messages[0].id as string;
}
