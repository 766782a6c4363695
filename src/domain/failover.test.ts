import { describe, expect, it } from 'vitest';
import { decideFailover, readFailover } from './failover.js';

const code = (body: unknown) => {
  try {
    readFailover(body);
    return 'ok';
  } catch (error) {
    return `${(error as { entry: { code: string } }).entry.code}@${(error as { field: string }).field}`;
  }
};

describe('readFailover', () => {
  it('reads the SMS failover and refuses what it cannot send', () => {
    expect(readFailover({ failover: { channel: 'sms', text: 'hi', from: 'Acme', after_seconds: 30 } })).toEqual({ channel: 'sms', text: 'hi', from: 'Acme', afterSeconds: 30 });
    expect(readFailover({})).toBeUndefined();
    expect(code({ failover: { channel: 'email', text: 'x' } })).toBe('invalid_request@failover.channel');
    expect(code({ failover: { channel: 'sms' } })).toBe('invalid_request@failover.text');
    expect(code({ failover: { channel: 'sms', text: 'x', after_seconds: 0 } })).toBe('invalid_request@failover.after_seconds');
    expect(code({ failover: { channel: 'sms', text: 'x', after_seconds: 1.5 } })).toBe('invalid_request@failover.after_seconds');
    expect(code({ failover: 'sms' })).toBe('invalid_request@failover');
  });
});

describe('decideFailover', () => {
  const now = 1_000_000;
  it.each([
    ['failed', { namespace: 'meta', code: 131026 }, null, 'trigger'],
    ['failed', { namespace: 'meta', code: 131050 }, null, 'trigger'],
    ['failed', { namespace: 'meta', code: 131000 }, null, 'close'],
    ['delivered', null, now - 1, 'close'],
    ['read', null, now - 1, 'close'],
    ['sent', null, now - 1, 'trigger'],
    ['sent', null, now + 1, 'wait'],
    ['sent', null, null, 'wait'],
  ] as const)('%s with %j due %s: %s', (status, error, dueAt, kind) => {
    expect(decideFailover(status, error, dueAt, now).kind).toBe(kind);
  });
});
