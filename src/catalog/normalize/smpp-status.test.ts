import { describe, expect, it } from 'vitest';
import { normalizeSmppStatus } from './smpp-status.js';

describe('normalizeSmppStatus', () => {
  it.each([
    [0x58, 'smsc_throttled', 'throttled'],
    [0x14, 'smsc_throttled', 'throttled'],
    [0x0b, 'invalid_phone_number', 'fix-request'],
    [0x0a, 'invalid_sender', 'fix-request'],
    [0x0d, 'smsc_bind_refused', 'reauth'],
    [0x0e, 'smsc_bind_refused', 'reauth'],
    [0x04, 'smsc_unavailable', 'transient'],
    [0x08, 'smsc_submit_refused', 'transient'],
    [0x12345, 'smsc_submit_refused', 'transient'],
  ] as const)('status 0x%s → %s (%s)', (status, code, retry) => {
    const error = normalizeSmppStatus(status, 'submit_sm');
    expect([error.entry.code, error.entry.retry.class]).toEqual([code, retry]);
    expect(error.upstream?.code).toBe(status);
  });

  it('names the status in the detail', () => {
    expect(normalizeSmppStatus(0x58, 'submit_sm').detail).toBe('The SMS centre answered submit_sm with ESME_RTHROTTLED.');
  });
});
