/** The local template validator as a table: what Meta's review refuses at creation, and what it lets through. */
import { describe, expect, it } from 'vitest';
import { validateTemplateDefinition } from './validate-definition.js';
import { reviewReasonOf, templateStatusOf } from './status.js';

const body = (text: string, example?: unknown, extra: Record<string, unknown>[] = []) => ({
  name: 'order_update', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text, ...(example ? { example } : {}) }, ...extra],
});
const verdict = (b: Record<string, unknown>) => {
  const d = validateTemplateDefinition(b);
  return d.kind === 'allow' ? 'allow' : `${String(d.error.entry.code)}:${d.error.field}:${String(d.error.extensions?.['error_subcode'] ?? '')}`;
};

describe('validateTemplateDefinition', () => {
  it.each([
    ['plain body', body('Your order ships today.'), 'allow'],
    ['positional with examples', body('Hello {{1}}, order {{2}} ships today.', { body_text: [['Ada', '#1']] }), 'allow'],
    ['named with examples', body('Hello {{first_name}}, your order ships today.', { body_text_named_params: [{ param_name: 'first_name', example: 'Ada' }] }), 'allow'],
    ['name with a dash', { ...body('Hi there friend'), name: 'order-update' }, '100:name:'],
    ['language code', { ...body('Hi there friend'), language: 'english' }, '100:language:'],
    ['category', { ...body('Hi there friend'), category: 'OTHER' }, '100:category:'],
    ['gap', body('Hello {{1}}, order {{3}} ships today.', { body_text: [['a', 'b']] }), '100:components[0].text:'],
    ['not from 1', body('Hello {{2}}, your order ships today.', { body_text: [['a']] }), '100:components[0].text:'],
    ['mixed kinds', body('Hello {{1}}, order {{id}} ships today.'), '100:components[0].text:'],
    ['named with capitals', body('Hello {{First}}, your order ships today.'), '100:components[0].text:'],
    ['leading parameter', body('{{1}}, your order ships today.', { body_text: [['a']] }), '100:components[0].text:2388299'],
    ['trailing parameter', body('Your order ships today, {{1}}.', { body_text: [['a']] }), '100:components[0].text:2388299'],
    ['too many parameters', body('Hi {{1}} {{2}} ok', { body_text: [['a', 'b']] }), '100:components[0].text:2388293'],
    ['example count', body('Hello {{1}}, order {{2}} ships today.', { body_text: [['Ada']] }), '100:components[0].example:'],
    ['named without example', body('Hello {{first_name}}, your order ships today.'), '100:components[0].example:'],
    ['body too long', body('x'.repeat(1025)), '100:components[0].text:'],
    ['two bodies', { ...body('Hi there friend'), components: [{ type: 'BODY', text: 'a b c' }, { type: 'BODY', text: 'a b c' }] }, '100:components:'],
    ['footer with parameter', body('Hi there friend', undefined, [{ type: 'FOOTER', text: 'Bye {{1}}' }]), '100:components[1].text:'],
    ['header two parameters', body('Hi there friend', undefined, [{ type: 'HEADER', format: 'TEXT', text: 'A {{1}} and {{2}} b', example: { header_text: ['a', 'b'] } }]), '100:components[1].text:'],
    ['header example', body('Hi there friend', undefined, [{ type: 'HEADER', format: 'TEXT', text: 'Order {{1}} now' }]), '100:components[1].example:'],
    ['header format', body('Hi there friend', undefined, [{ type: 'HEADER', format: 'GIF' }]), '100:components[1].format:'],
    ['image header', body('Hi there friend', undefined, [{ type: 'HEADER', format: 'IMAGE' }]), 'allow'],
    ['11 buttons', body('Hi there friend', undefined, [{ type: 'BUTTONS', buttons: Array.from({ length: 11 }, () => ({ type: 'QUICK_REPLY', text: 'Yes' })) }]), '100:components[1].buttons:'],
    ['button text too long', body('Hi there friend', undefined, [{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }] }]), '100:components[1].buttons[0].text:'],
    ['two phone buttons', body('Hi there friend', undefined, [{ type: 'BUTTONS', buttons: [1, 2].map(() => ({ type: 'PHONE_NUMBER', text: 'Call', phone_number: '+1555' })) }]), '100:components[1].buttons:'],
    ['url button parameter at end', body('Hi there friend', undefined, [{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Open', url: 'https://x.test/{{1}}' }] }]), 'allow'],
    ['url button two parameters', body('Hi there friend', undefined, [{ type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Open', url: 'https://x.test/{{1}}/{{2}}' }] }]), '100:components[1].buttons[0].url:'],
    ['utility time-to-live', { ...body('Hi there friend'), message_send_ttl_seconds: 43_200 }, 'allow'],
    ['utility time-to-live too long', { ...body('Hi there friend'), message_send_ttl_seconds: 43_201 }, '100:message_send_ttl_seconds:'],
    ['authentication time-to-live', { ...body('Hi there friend'), category: 'authentication', message_send_ttl_seconds: 900 }, 'allow'],
    ['authentication time-to-live too long', { ...body('Hi there friend'), category: 'AUTHENTICATION', message_send_ttl_seconds: 901 }, '100:message_send_ttl_seconds:'],
    ['time-to-live too short', { ...body('Hi there friend'), message_send_ttl_seconds: 29 }, '100:message_send_ttl_seconds:'],
    ['time-to-live not whole', { ...body('Hi there friend'), message_send_ttl_seconds: 60.5 }, '100:message_send_ttl_seconds:'],
    ['marketing time-to-live under 12 h', { ...body('Hi there friend'), category: 'MARKETING', message_send_ttl_seconds: 3_600 }, '100:message_send_ttl_seconds:'],
  ])('%s → %s', (_name, definition, expected) => {
    expect(verdict(definition)).toBe(expected);
  });
});

describe('template statuses', () => {
  it.each([
    ['APPROVED', 'approved'], ['IN_APPEAL', 'pending'], ['REJECTED', 'rejected'], ['PAUSED', 'paused'], ['DISABLED', 'disabled'],
    ['PENDING_DELETION', 'disabled'], ['FLAGGED', undefined], ['approved', 'approved'],
  ])('%s → %s', (graph, ours) => {
    expect(templateStatusOf(graph)).toBe(ours);
  });
  it('drops NONE as a reason', () => {
    expect([reviewReasonOf('NONE'), reviewReasonOf('INVALID_FORMAT'), reviewReasonOf(undefined)]).toEqual([null, 'INVALID_FORMAT', null]);
  });
});
