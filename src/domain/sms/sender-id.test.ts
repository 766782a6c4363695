import { describe, expect, it } from 'vitest';
import { checkSenderId, parseSenderId } from './sender-id.js';

const codeOf = (d: ReturnType<typeof parseSenderId>) => (d.kind === 'allow' ? d.sender : d.error.entry.code);

describe('parseSenderId', () => {
  it.each([
    ['an E.164 number', '4915112345678', { kind: 'numeric', value: '4915112345678' }],
    ['an E.164 number with +', '+4915112345678', { kind: 'numeric', value: '4915112345678' }],
    ['a number with a leading zero', '015112345678', 'invalid_sender'],
    ['a number of 16 digits', '1234567890123456', 'invalid_sender'],
    ['a text id', 'Acme', { kind: 'alphanumeric', value: 'Acme' }],
    ['11 characters with a space and digits', 'Acme Shop 1', { kind: 'alphanumeric', value: 'Acme Shop 1' }],
    ['GSM letters', 'Ärzte Öko', { kind: 'alphanumeric', value: 'Ärzte Öko' }],
    ['12 characters', 'AcmeShopping', 'invalid_alphanumeric_sender'],
    ['punctuation', 'Acme!', 'invalid_alphanumeric_sender'],
    ['a letter outside GSM', 'Café Ûn', 'invalid_alphanumeric_sender'],
    ['an emoji', 'Acme😀', 'invalid_alphanumeric_sender'],
    ['empty', '', 'invalid_alphanumeric_sender'],
    ['spaces only', '   ', 'invalid_alphanumeric_sender'],
  ] as const)('%s', (_, raw, expected) => {
    expect(codeOf(parseSenderId(raw))).toEqual(expected);
  });

  it('answers with seed codes 12 and 13 through the catalog aliases', () => {
    const numeric = parseSenderId('0123');
    const text = parseSenderId('TooLongSenderId');
    expect(numeric.kind === 'refuse' && numeric.error.entry.aliases.find((a) => a.source === 'smsrest')?.code).toBe('12');
    expect(text.kind === 'refuse' && text.error.entry.aliases.find((a) => a.source === 'smsrest')?.code).toBe('13');
  });
});

describe('checkSenderId', () => {
  const allowed = ['+4915112345678', 'Acme'];
  it.each([
    ['an allowed number written without +', '4915112345678', 'allow'],
    ['an allowed text id', 'Acme', 'allow'],
    ['a valid id not allowed', 'Other', 'invalid_sender'],
    ['a malformed id', 'Acme Shopping Ltd', 'invalid_alphanumeric_sender'],
  ] as const)('%s', (_, raw, expected) => {
    const d = checkSenderId(raw, allowed);
    expect(d.kind === 'allow' ? 'allow' : d.error.entry.code).toBe(expected);
  });
});
