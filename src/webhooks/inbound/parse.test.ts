import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test/helpers/shared.js';
import { parseMetaWebhook } from './parse.js';

/** Shortly after the fixtures' own timestamps (June 2025), as if Meta had just sent them. */
const RECEIVED_AT = Date.parse('2025-06-08T21:00:00Z');
const fixture = (name: string): unknown => JSON.parse(readFileSync(resolve(REPO_ROOT, 'test/fixtures/meta-webhooks', name), 'utf8'));

describe('parseMetaWebhook', () => {
  it('reads statuses in order, with failures bound to their catalog entry, and skips unknown statuses', () => {
    const events = parseMetaWebhook(fixture('statuses-sent-delivered-read-failed.json'), RECEIVED_AT);
    expect(events.map((e) => (e.kind === 'status' ? `${e.wamid}:${e.status}` : e.kind))).toEqual(['wamid.A1:sent', 'wamid.A1:delivered', 'wamid.A1:read', 'wamid.B2:failed']);
    expect(events[0]).toMatchObject({ phoneNumberId: '106540352242922', at: 1_749_416_383_000, recipientId: '16505551234', pricingCategory: 'utility', errors: [] });
    const failed = events[3];
    expect(failed?.kind === 'status' && failed.errors.map((e) => [e.entry.namespace, e.entry.code, e.detail])).toEqual([['meta', 131026, 'Message Undeliverable.']]);
  });

  it('reads customer messages with the words keyword rules need', () => {
    const events = parseMetaWebhook(fixture('inbound-text-and-button-reply.json'), RECEIVED_AT);
    expect(events.map((e) => (e.kind === 'message' ? [e.wamid, e.type, e.text ?? null, e.profileName] : e.kind))).toEqual([
      ['wamid.IN1', 'text', 'STOP', 'Ana'],
      ['wamid.IN2', 'interactive', 'Yes please', 'Ana'],
      ['wamid.IN3', 'image', null, 'Ana'],
    ]);
    expect(events[0]).toMatchObject({ from: '16505551234', at: 1_749_416_400_000, phoneNumberId: '106540352242922' });
  });

  it('reads template review changes with their reason', () => {
    expect(parseMetaWebhook(fixture('template-status-rejected.json'), RECEIVED_AT)).toEqual([
      { kind: 'template_status', wabaId: '102290129340398', templateId: '806312974732579', name: 'order_update', language: 'en_US', event: 'REJECTED', reason: 'INCORRECT_CATEGORY' },
    ]);
  });

  it('reads account-level errors', () => {
    const [event] = parseMetaWebhook(fixture('account-error-131000.json'), RECEIVED_AT);
    expect(event?.kind === 'account_error' && [event.phoneNumberId, event.error.entry.code, event.error.entry.retry.class]).toEqual(['106540352242922', 131000, 'transient']);
  });

  it.each([null, 'text', 42, {}, { entry: 'x' }, { entry: [{ changes: [{ field: 'messages', value: null }] }] }])('skips what it cannot read: %o', (payload) => {
    expect(parseMetaWebhook(payload, RECEIVED_AT)).toEqual([]);
  });

  it("takes the time of receipt when Meta's timestamp is far from it (year 5138, zero, missing)", () => {
    const payload = fixture('inbound-text-and-button-reply.json') as { entry: Array<{ changes: Array<{ value: { messages: Array<Record<string, unknown>> } }> }> };
    const messages = payload.entry[0]!.changes[0]!.value.messages;
    messages[0]!['timestamp'] = '99999999999999';
    messages[1]!['timestamp'] = '0';
    delete messages[2]!['timestamp'];
    expect(parseMetaWebhook(payload, RECEIVED_AT).map((e) => (e.kind === 'message' ? e.at : undefined))).toEqual([RECEIVED_AT, RECEIVED_AT, RECEIVED_AT]);
  });
});
