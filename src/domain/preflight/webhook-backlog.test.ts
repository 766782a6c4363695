import { describe, expect, it } from 'vitest';
import { checkWebhookBacklog } from './webhook-backlog.js';

describe('checkWebhookBacklog', () => {
  it.each([
    [undefined, 'allow'],
    [{ undelivered: 0, cap: 100_000 }, 'allow'],
    [{ undelivered: 99_999, cap: 100_000 }, 'allow'],
    [{ undelivered: 100_000, cap: 100_000 }, 'refuse'],
    [{ undelivered: 250_000, cap: 100_000 }, 'refuse'],
  ] as const)('%o → %s', (backlog, kind) => {
    expect(checkWebhookBacklog(backlog).kind).toBe(kind);
  });

  it('refuses with webhook_backlog_full (503, the seed\u2019s 1016) and a Retry-After', () => {
    const decision = checkWebhookBacklog({ undelivered: 7, cap: 5 });
    if (decision.kind !== 'refuse') throw new Error('expected a refusal');
    expect(decision.error.entry).toMatchObject({ code: 'webhook_backlog_full', httpStatus: 503 });
    expect(decision.error.retryAfterSeconds).toBeGreaterThan(0);
    expect(decision.error.detail).toContain('7 events');
  });
});
