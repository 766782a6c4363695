/** Send-request validation as a table: each case names the error code and the field it must point at. */
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../catalog/switchboard-error.js';
import { validateOutbound } from './outbound.js';

const TO = '4915112345678';

function outcome(body: unknown, path = ''): string {
  try {
    validateOutbound(body, path);
    return 'ok';
  } catch (error) {
    if (!(error instanceof SwitchboardError)) throw error;
    return `${String(error.entry.code)}@${error.field ?? ''}`;
  }
}

describe('validateOutbound', () => {
  it.each([
    [{ to: TO, text: { body: 'hi' } }, 'ok'],
    [{ to: `+${TO}`, type: 'text', text: { body: 'x'.repeat(4096) } }, 'ok'],
    [{ to: TO, type: 'text', text: { body: '😀'.repeat(4096) } }, 'ok'],
    [{ to: TO, type: 'text', text: { body: 'x'.repeat(4097) } }, 'text_too_long@text.body'],
    [{ type: 'text', text: { body: 'x' } }, 'missing_required_field@to'],
    [{ to: 4915112345678, text: { body: 'x' } }, 'invalid_request@to'],
    [{ to: '0049 151', text: { body: 'x' } }, 'invalid_phone_number@to'],
    [{ to: '12345678', text: { body: 'x' } }, 'invalid_phone_number@to'],
    [{ to: TO }, 'missing_required_field@type'],
    [{ to: TO, type: 'text', text: { body: 'x', preview_url: 'yes' } }, 'invalid_request@text.preview_url'],
    [{ to: TO, messaging_product: 'sms', text: { body: 'x' } }, 'invalid_request@messaging_product'],
    [{ to: TO, type: 'image', image: { link: 'https://x.test/a.png' } }, 'ok'],
    [{ to: TO, type: 'image', image: { link: 'https://x.test/a.png', id: '1' } }, 'invalid_request@image'],
    [{ to: TO, type: 'image', image: {} }, 'missing_required_field@image.link'],
    [{ to: TO, type: 'sticker', sticker: { link: 'https://x.test/a.png' } }, 'media_mime_mismatch@sticker.link'],
    [{ to: TO, type: 'video', video: { link: 'javascript:alert(1)' } }, 'invalid_media_link@video.link'],
    [{ to: TO, type: 'document', document: { link: 'not a url' } }, 'invalid_media_link@document.link'],
    [{ to: TO, type: 'location', location: { latitude: '-90', longitude: '180' } }, 'ok'],
    [{ to: TO, type: 'location', location: { latitude: -90.01, longitude: 0 } }, 'invalid_coordinates@location.latitude'],
    [{ to: TO, type: 'location', location: { latitude: 'north', longitude: 0 } }, 'invalid_request@location.latitude'],
    [{ to: TO, type: 'contacts', contacts: [] }, 'invalid_request@contacts'],
    [{ to: TO, type: 'contacts', contacts: [{ name: {} }] }, 'missing_required_field@contacts[0].name.formatted_name'],
    [{ to: TO, type: 'interactive', interactive: { type: 'button', action: { buttons: [] } } }, 'invalid_request@interactive.action.buttons'],
    [{ to: TO, type: 'interactive', interactive: { type: 'button', action: { buttons: [{ reply: { id: '1', title: 'x'.repeat(21) } }] } } }, 'invalid_request@interactive.action.buttons[0].reply.title'],
    [{ to: TO, type: 'interactive', interactive: { type: 'list', action: { button: 'b', sections: [{ rows: Array(11).fill({}) }] } } }, 'invalid_request@interactive.action.sections'],
    [{ to: TO, type: 'reaction', reaction: { message_id: 'wamid.1', emoji: '' } }, 'ok'],
    [{ to: TO, type: 'reaction', reaction: { message_id: 'wamid.1' } }, 'missing_required_field@reaction.emoji'],
    [{ to: TO, type: 'template', template: { name: 'x' } }, 'missing_required_field@template.language'],
    [{ to: TO, type: 'template', template: { name: 'x', language: 'en', components: [{}] } }, 'missing_required_field@template.components[0].type'],
  ])('%j → %s', (body, expected) => {
    expect(outcome(body)).toBe(expected);
  });

  it('prefixes fields inside a batch and builds the Cloud API payload', () => {
    expect(outcome({ to: '1' }, 'messages[2]')).toBe('invalid_phone_number@messages[2].to');
    const m = validateOutbound({ to: `+${TO}`, type: 'template', template: { name: 'hi', language: 'en_US' }, context: { message_id: 'wamid.9' } });
    expect(m.payload).toEqual({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: TO, type: 'template', context: { message_id: 'wamid.9' },
      template: { name: 'hi', language: { policy: 'deterministic', code: 'en_US' }, components: [] },
    });
  });
});

describe('recipients by business-scoped user id', () => {
  it('puts a user id in Meta\u2019s `recipient` field and a phone in `to`; `to` wins when both are given', () => {
    const byId = validateOutbound({ to: 'US.13491208655302741918', text: { body: 'hi' } });
    expect(byId.to).toBe('US.13491208655302741918');
    expect(byId.payload).toMatchObject({ recipient: 'US.13491208655302741918' });
    expect(byId.payload).not.toHaveProperty('to');
    expect(validateOutbound({ recipient: 'US.ENT.1181', text: { body: 'hi' } }).payload).toMatchObject({ recipient: 'US.ENT.1181' });
    const both = validateOutbound({ to: '+4915112345678', recipient: 'US.1', text: { body: 'hi' } });
    expect(both.payload).toMatchObject({ to: '4915112345678' });
    expect(both.payload).not.toHaveProperty('recipient');
  });
});
