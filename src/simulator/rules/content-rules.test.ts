// Table tests for the content rules: request shape, templates, media, delivery, registration, auth.
import { describe, expect, it } from 'vitest';
import { checkOwnership, checkToken, readBearer } from './auth.js';
import { decideDelivery } from './delivery.js';
import { checkMediaReference, checkUpload, guessLink, typesForMime } from './media.js';
import { normaliseRecipient, readMessage } from './message-shape.js';
import { checkRegistration, describeWait } from './registration.js';
import { checkTemplate, hydrate, placeholderCount, type TemplateDefinition } from './template.js';

const code = (o: { kind: string; code?: number }) => (o.kind === 'reject' ? o.code : o.kind);

describe('readMessage', () => {
  const base = { messaging_product: 'whatsapp', to: '+1 555 010 2000' };
  it.each([
    [{ ...base, type: 'text', text: { body: 'hi' } }, 'message'],
    [{ ...base, text: { body: 'hi' } }, 'message'],
    [{ to: '1555', type: 'text', text: { body: 'hi' } }, 100],
    [{ ...base, recipient_type: 'broadcast', text: { body: 'hi' } }, 100],
    [{ ...base, type: 'text', text: { body: 'x'.repeat(4097) } }, 100],
    [{ messaging_product: 'whatsapp', text: { body: 'hi' } }, 131008],
    [{ ...base, type: 'reaction', reaction: { emoji: '👍' } }, 131008],
    [{ ...base, type: 'contacts', contacts: [{ phones: [] }] }, 131008],
    [{ ...base, to: 'abc' }, 131009],
    [{ ...base, type: 'image', image: { link: 'ftp://x/a.png' } }, 131009],
    [{ ...base, type: 'interactive', interactive: { type: 'carousel' } }, 131009],
    [{ ...base, type: 'order', order: {} }, 131051],
  ])('%o → %s', (body, expected) => {
    expect(code(readMessage(body))).toBe(expected);
  });

  it.each([
    ['+1 (555) 010-2000', '15550102000'],
    ['15550102000', '15550102000'],
    ['555', undefined],
    ['+1555abc', undefined],
  ])('normaliseRecipient(%s) = %s', (input, expected) => expect(normaliseRecipient(input)).toBe(expected));
});

describe('checkTemplate', () => {
  const t: TemplateDefinition = { name: 'order', language: 'en_US', category: 'UTILITY', status: 'APPROVED', body: 'Hi {{1}}, order {{2}}' };
  const req = (params: unknown[], extra: Record<string, unknown> = {}) => ({ name: 'order', language: { code: 'en_US' }, components: [{ type: 'body', parameters: params }], ...extra });
  const text = (s: string) => ({ type: 'text', text: s });
  it.each([
    ['approved, right parameters', [t], req([text('a'), text('b')]), 'pass'],
    ['unknown name', [], req([]), 132001],
    ['other language', [{ ...t, language: 'de' }], req([]), 132001],
    ['pending', [{ ...t, status: 'PENDING' as const }], req([]), 132001],
    ['rejected', [{ ...t, status: 'REJECTED' as const }], req([]), 132001],
    ['paused', [{ ...t, status: 'PAUSED' as const }], req([]), 132015],
    ['disabled', [{ ...t, status: 'DISABLED' as const }], req([]), 132016],
    ['too few', [t], req([text('a')]), 132000],
    ['wrong type', [t], req([text('a'), { type: 'image', image: {} }]), 132012],
    ['newline', [t], req([text('a\nb'), text('b')]), 132018],
    ['five spaces', [t], req([text('a     b'), text('b')]), 132018],
    ['empty', [t], req([text(''), text('b')]), 131008],
    ['too long once hydrated', [t], req([text('x'.repeat(1020)), text('b')]), 132005],
    ['currency fallback', [t], req([text('a'), { type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 } }]), 'pass'],
  ])('%s', (_name, candidates, request, expected) => {
    expect(code(checkTemplate(request, candidates))).toBe(expected);
  });

  it('counts distinct placeholders and substitutes them', () => {
    expect(placeholderCount('{{1}} {{2}} {{1}}')).toBe(2);
    expect(hydrate('Hi {{1}}, {{2}}!', ['Ana', 'bye'])).toBe('Hi Ana, bye!');
  });
});

describe('media', () => {
  it.each([
    ['image/jpeg', 1000, 'pass'],
    ['image/gif', 1000, 131053],
    ['audio/ogg', 10, 131053],
    ['audio/ogg; codecs=opus', 10, 'pass'],
    ['image/png', 5 * 1024 * 1024 + 1, 131053],
    ['application/pdf', 50 * 1024 * 1024, 'pass'],
    ['image/webp', 0, 131053],
  ])('upload %s of %i bytes → %s', (mime, bytes, expected) => expect(code(checkUpload(mime, bytes))).toBe(expected));

  it('types image/webp only as a sticker', () => expect(typesForMime('image/webp')).toEqual(['sticker']));

  it.each([
    ['stored id of the right type', { id: '1' }, { mimeType: 'image/png' }, undefined, 'pass', undefined],
    ['unknown id', { id: '1' }, undefined, undefined, 131009, undefined],
    ['stored id of the wrong type', { id: '1' }, { mimeType: 'application/pdf' }, undefined, 131053, undefined],
    ['reachable link', { link: 'https://x/a.png' }, undefined, { reachable: true, mimeType: 'image/png' }, 'pass', undefined],
    ['unreachable link', { link: 'https://x/a.png' }, undefined, { reachable: false }, 'pass', 131053],
    ['link of the wrong type', { link: 'https://x/a.pdf' }, undefined, { reachable: true, mimeType: 'application/pdf' }, 'pass', 131053],
  ])('%s', (_n, payload, media, link, now, later) => {
    const d = checkMediaReference('image', payload, media, link);
    expect(code(d)).toBe(now);
    expect(d.kind === 'pass' ? d.later?.code : undefined).toBe(later);
  });

  it.each([
    ['https://cdn.example.com/a.JPG', { reachable: true, mimeType: 'image/jpeg' }],
    ['https://cdn.example.com/download', { reachable: true }],
    ['https://media.invalid/a.png', { reachable: false }],
    ['not a url', { reachable: false }],
  ])('guessLink(%s)', (url, facts) => expect(guessLink(url)).toEqual(facts));
});

describe('decideDelivery', () => {
  it.each([
    ['unknown user', undefined, false, 'deliver'],
    ['no WhatsApp', { hasWhatsApp: false }, false, 131026],
    ['opted out, utility', { marketingOptOut: true }, false, 'deliver'],
    ['opted out, marketing', { marketingOptOut: true }, true, 131050],
    ['under the marketing limit', { marketingLimitPer24h: 2, marketingDeliveredAt: [0] }, true, 'deliver'],
    ['at the marketing limit', { marketingLimitPer24h: 2, marketingDeliveredAt: [0, 1] }, true, 131049],
    ['limit counted over 24 h', { marketingLimitPer24h: 1, marketingDeliveredAt: [-86_400_000] }, true, 'deliver'],
  ])('%s', (_n, recipient, marketing, expected) => expect(code(decideDelivery(recipient, marketing, 0))).toBe(expected));
});

describe('registration', () => {
  const facts = { expectedPin: '123456', failedPinAt: [], callsAt: [] };
  it.each([
    ['right PIN', facts, '123456', 0, 'pass'],
    ['wrong PIN', facts, '000000', 0, 133005],
    ['guessing again within 10 s', { ...facts, failedPinAt: [0] }, '123456', 5_000, 133009],
    ['five wrong guesses', { ...facts, failedPinAt: [0, 11e3, 22e3, 33e3, 44e3] }, '123456', 60_000, 133008],
    ['needs verification', { ...facts, needsReverification: true }, '123456', 0, 133006],
    ['deleted 1 minute ago', { ...facts, deletedAt: 0 }, '123456', 60_000, 133015],
    ['ten calls this hour', { ...facts, callsAt: Array.from({ length: 10 }, (_, i) => i) }, '123456', 100, 133016],
  ])('%s', (_n, f, pin, now, expected) => expect(code(checkRegistration(f, pin, now))).toBe(expected));

  it.each([
    [30_000, '1 minute(s)'],
    [5 * 60_000, '5 minute(s)'],
    [98 * 60_000, '1 hour(s) 38 minute(s)'],
  ])('describeWait(%i) = %s', (ms, text) => expect(describeWait(ms)).toBe(text));
});

describe('auth', () => {
  it.each([
    [undefined, undefined, 0, undefined],
    ['t', undefined, 190, undefined],
    ['t', { wabaId: '1', tokenExpiresAt: 10 }, 190, 463],
    ['t', { wabaId: '1', tokenExpiresAt: 11 }, 'pass', undefined],
  ])('token %s, owner %o → %s', (token, owner, expected, subcode) => {
    const d = checkToken(token, owner, 10);
    expect(code(d)).toBe(expected);
    expect(d.kind === 'reject' ? d.subcode : undefined).toBe(subcode);
  });

  it('reads bearer tokens and refuses other businesses’ objects', () => {
    expect(readBearer('Bearer abc')).toBe('abc');
    expect(readBearer('Basic abc')).toBeUndefined();
    expect(code(checkOwnership('1', '2', 'x'))).toBe(10);
    expect(code(checkOwnership('1', '1', 'x'))).toBe('pass');
  });
});
