import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../catalog/switchboard-error.js';
import { firstKey, isBsuid, readRecipient } from './contact-identity.js';

function codeOf(action: () => unknown): string | number | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof SwitchboardError ? error.entry.code : undefined;
  }
  return undefined;
}

describe('contact identity', () => {
  it('accepts user ids and parent ids in Meta\u2019s format, and nothing else', () => {
    expect(isBsuid('US.13491208655302741918')).toBe(true);
    expect(isBsuid('US.ENT.11815799212886844830')).toBe(true);
    expect(isBsuid(`BR.${'a1'.repeat(64)}`)).toBe(true);
    expect(isBsuid(`BR.${'a'.repeat(129)}`)).toBe(false);
    expect(isBsuid('us.1349')).toBe(false);
    expect(isBsuid('US.')).toBe(false);
    expect(isBsuid('US.12-34')).toBe(false);
    expect(isBsuid('15551234567')).toBe(false);
  });

  it('reads a recipient as a phone or a user id, refusing each malformed kind with its own code', () => {
    expect(readRecipient('+15551234567', 'to')).toEqual({ kind: 'phone', waId: '15551234567' });
    expect(readRecipient(' US.13491208655302741918 ', 'to')).toEqual({ kind: 'user_id', userId: 'US.13491208655302741918' });
    expect(codeOf(() => readRecipient('US.13-49', 'to'))).toBe('invalid_user_id');
    expect(codeOf(() => readRecipient('us.1349', 'to'))).toBe('invalid_user_id');
    expect(codeOf(() => readRecipient('12', 'to'))).toBe('invalid_phone_number');
  });

  it('keys a contact by the first identifier it is known by, the phone when both come together', () => {
    expect(firstKey({ phone: '15551234567', userId: 'US.1' })).toBe('15551234567');
    expect(firstKey({ userId: 'US.1', username: 'jane' })).toBe('US.1');
    expect(firstKey({ username: 'jane' })).toBeUndefined();
  });
});
