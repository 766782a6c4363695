/**
 * The gauge port's back-pressure read (gauge-store.ts `readBacklog`), run through a whole store on every engine: jobs
 * due now count, scheduled ones do not, pending deliveries count until delivered, and each count stops at its limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';

const NO_LIMIT = 1_000;

export function describeGaugeConformance(name: string, open: () => Promise<{ store: Store; dispose: () => Promise<void> }>): void {
  describe(`Gauge conformance: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const now = Date.parse('2026-06-01T12:00:00Z');
    beforeEach(async () => ({ store, dispose } = await open()));
    afterEach(() => dispose());

    async function accept(count: number, sendAt: number | null = null) {
      const account = await store.createAccount({ name: 'g' }, now);
      const number = await store.createNumber({ phoneNumberId: `${Math.random()}`.slice(2, 14), displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id, accessToken: 'tok' }, now);
      const delivery = { sendAt, expiresAt: null, priority: 'normal' as const, clientRef: null, metadata: null };
      await store.acceptMessages(Array.from({ length: count }, () => ({ accountId: account.id, numberId: number.id, to: '4915112345678', type: 'text' as const, payload: {}, creditCost: 0, delivery })), now);
      return account;
    }
    const read = (limits = { dueJobs: NO_LIMIT, pendingDeliveries: NO_LIMIT }, at = now) => store.gauges.readBacklog(at, limits);

    it('counts jobs due now, not those scheduled for later until their time comes', async () => {
      await accept(3);
      await accept(2, now + 60_000);
      expect((await read()).dueJobs).toBe(3);
      expect((await read(undefined, now + 60_000)).dueJobs).toBe(5);
    });

    it('counts customer-webhook deliveries until they end', async () => {
      const account = await accept(0);
      const endpoints = await Promise.all(['a', 'b'].map((h) => store.webhooks.createEndpoint({ accountId: account.id, url: `https://${h}.example/h`, secret: 'whsec_conformance' }, now)));
      const number = await store.createNumber({ phoneNumberId: `${Math.random()}`.slice(2, 14), displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id }, now);
      await store.acceptMessages(Array.from({ length: 3 }, () => ({ accountId: account.id, numberId: number.id, to: '49151', type: 'text' as const, payload: {}, creditCost: 0 })), now);
      await store.webhooks.fanOutEvents(now, 100);
      expect((await read()).pendingDeliveries).toBe(6);
      // Disabling an endpoint fails its pending deliveries (kept for replay): they wait no more.
      await store.webhooks.disableEndpoint(endpoints[0]!.id, 'conformance', now);
      expect((await read()).pendingDeliveries).toBe(3);
    });

    it('stops each count at its limit, and skips a figure whose limit is 0', async () => {
      await accept(7);
      expect(await read({ dueJobs: 5, pendingDeliveries: NO_LIMIT })).toEqual({ dueJobs: 5, pendingDeliveries: 0 });
      expect(await read({ dueJobs: 0, pendingDeliveries: 0 })).toEqual({ dueJobs: 0, pendingDeliveries: 0 });
    });
  });
}
