import { describe, expect, it } from 'vitest';
import { parseMetaWebhook } from './parse.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const at = String(NOW / 1000 - 5);
const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
const batch = (field: string, value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: [{ field, value: { messaging_product: 'whatsapp', metadata, ...value } }] }],
});

describe('identity in Meta\u2019s webhooks', () => {
  it('names a username user whose phone is withheld by user id, with the username and parent id', () => {
    const [event] = parseMetaWebhook(batch('messages', {
      contacts: [{ profile: { name: 'Jane', username: 'jane.doe' }, user_id: 'US.1349', parent_user_id: 'US.ENT.1181' }],
      messages: [{ from_user_id: 'US.1349', id: 'wamid.U1', timestamp: at, type: 'text', text: { body: 'STOP' } }],
    }), NOW);
    expect(event).toMatchObject({
      kind: 'message', from: 'US.1349', text: 'STOP', profileName: 'Jane',
      identity: { userId: 'US.1349', parentUserId: 'US.ENT.1181', username: 'jane.doe' },
    });
    expect(event?.kind === 'message' && event.identity).not.toHaveProperty('phone');
  });

  it('keeps the phone as the sender when Meta shows it, with the user id beside it', () => {
    const [event] = parseMetaWebhook(batch('messages', {
      contacts: [{ profile: { name: 'Ana' }, wa_id: '16505551234', user_id: 'US.77' }],
      messages: [{ from: '16505551234', id: 'wamid.U2', timestamp: at, type: 'text', text: { body: 'hi' } }],
    }), NOW);
    expect(event).toMatchObject({ from: '16505551234', identity: { phone: '16505551234', userId: 'US.77' } });
  });

  it('reads user_id_update as a change from the previous id to the current one', () => {
    expect(parseMetaWebhook(batch('user_id_update', {
      user_id_update: [{ wa_id: '15557654321', detail: 'updated', user_id: { previous: 'US.1', current: 'US.2' }, timestamp: at }, { user_id: { previous: 'US.3' } }],
    }), NOW)).toEqual([{ kind: 'user_id_change', phoneNumberId: '106540352242922', previous: 'US.1', current: 'US.2', phone: '15557654321' }]);
  });

  it('reads marketing stop and resume from user_preferences, and nothing else of that field', () => {
    const events = parseMetaWebhook(batch('user_preferences', {
      contacts: [{ wa_id: '16505551234', user_id: 'US.5' }],
      user_preferences: [
        { wa_id: '16505551234', category: 'marketing_messages', value: 'stop', timestamp: Number(at) },
        { user_id: 'US.6', category: 'marketing_messages', value: 'resume', timestamp: Number(at) },
        { wa_id: '16505551234', category: 'something_else', value: 'stop', timestamp: Number(at) },
      ],
    }), NOW);
    expect(events).toEqual([
      { kind: 'marketing_preference', phoneNumberId: '106540352242922', identity: { phone: '16505551234', userId: 'US.5' }, stopped: true, at: NOW - 5000 },
      { kind: 'marketing_preference', phoneNumberId: '106540352242922', identity: { userId: 'US.6' }, stopped: false, at: NOW - 5000 },
    ]);
  });
});
