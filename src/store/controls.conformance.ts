/**
 * The conformance cases of the controls port (operator controls and prices), run once per engine from this one set
 * through the shared implementation.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { NO_CONTROLS } from '../domain/account.js';
import type { PriceRule } from '../domain/credit/pricing.js';
import { createSecretBox } from './secret-box.js';
import { SqlAccounts } from './sql/sql-accounts.js';
import { SqlControls } from './sql/sql-controls.js';

const now = Date.parse('2026-06-01T12:00:00Z');

export function describeControlsConformance(): void {
  describeEachEngine('ControlsStore conformance', (current) => {
    let controls: SqlControls;
    beforeEach(() => {
      controls = new SqlControls(current().engine);
    });
    /** What a new process (or a restart) reads: an adapter with nothing cached. */
    const restarted = () => new SqlControls(current().engine);
    const fresh = async () =>
      (await new SqlAccounts(current().engine, { secrets: createSecretBox('controls-conformance') }).createAccount({ name: 'c' }, now)).id;

    it('answers no controls for an account without any, and changes only the fields a patch names', async () => {
      const account = await fresh();
      expect(await controls.getControls(account)).toEqual(NO_CONTROLS);
      const first = await controls.setControls(account, { spamThreshold: 5, blockedPaths: ['/v1/media*'], whatsappApiDisabled: true }, now);
      expect(first).toEqual({ ...NO_CONTROLS, spamThreshold: 5, blockedPaths: ['/v1/media*'], whatsappApiDisabled: true });
      expect(await controls.getControls(account)).toEqual(first);
      const second = await controls.setControls(account, { prepaidExpiresAt: now + 1, requestsPerMinute: 60, requestIntervalMs: 500, messagingTier: 250, whatsappApiDisabled: false }, now + 1);
      expect(second).toEqual({ prepaidExpiresAt: now + 1, whatsappApiDisabled: false, spamThreshold: 5, messagingTier: 250, requestsPerMinute: 60, requestIntervalMs: 500, blockedPaths: ['/v1/media*'] });
      // null clears a field.
      expect(await controls.setControls(account, { spamThreshold: null, blockedPaths: [] }, now + 2)).toEqual({ ...second, spamThreshold: null, blockedPaths: [] });
      expect(await restarted().getControls(account)).toEqual({ ...second, spamThreshold: null, blockedPaths: [] });
      expect(await controls.getControls(await fresh())).toEqual(NO_CONTROLS);
    });

    it('never undoes another process\u2019s change with what it read before', async () => {
      const account = await fresh();
      expect(await controls.getControls(account)).toEqual(NO_CONTROLS);
      await restarted().setControls(account, { messagingTier: 2000 }, now);
      await controls.setControls(account, { spamThreshold: 3 }, now + 1);
      expect(await restarted().getControls(account)).toEqual({ ...NO_CONTROLS, messagingTier: 2000, spamThreshold: 3 });
    });

    it('replaces an account\u2019s whole price list and lists it by category and country', async () => {
      const [account, other] = [await fresh(), await fresh()];
      expect(await controls.listPrices(account)).toEqual([]);
      const rules: PriceRule[] = [
        { category: 'utility', country: 'DE', price: 2 }, { category: 'marketing', country: 'DE', price: 9 }, { category: 'marketing', country: '*', price: 3 },
      ];
      await controls.setPrices(account, rules);
      await controls.setPrices(other, [{ category: 'service', country: '*', price: 0 }]);
      const listed = [rules[2], rules[1], rules[0]];
      expect(await controls.listPrices(account)).toEqual(listed);
      expect(await restarted().listPrices(account)).toEqual(listed);
      await controls.setPrices(account, [{ category: 'authentication', country: 'FR', price: 4 }]);
      expect(await controls.listPrices(account)).toEqual([{ category: 'authentication', country: 'FR', price: 4 }]);
      await controls.setPrices(account, []);
      expect(await controls.listPrices(account)).toEqual([]);
      expect(await restarted().listPrices(account)).toEqual([]);
      expect(await controls.listPrices(other)).toEqual([{ category: 'service', country: '*', price: 0 }]);
    });

    it('keeps dated prices of one category and country side by side, ordered by when they apply', async () => {
      const account = await fresh();
      const rules: PriceRule[] = [
        { category: 'utility', country: 'DE', price: 3, effectiveFrom: Date.parse('2026-07-01T00:00:00Z') }, { category: 'utility', country: 'DE', price: 2 },
      ];
      await controls.setPrices(account, rules);
      expect(await restarted().listPrices(account)).toEqual([rules[1], rules[0]]);
    });

    it('keeps the old price list when the new one cannot be written', async () => {
      const account = await fresh();
      const rule: PriceRule = { category: 'marketing', country: 'DE', price: 9 };
      await controls.setPrices(account, [rule]);
      await expect(controls.setPrices(account, [{ ...rule, price: 1 }, { ...rule, price: 2 }])).rejects.toThrow();
      expect(await controls.listPrices(account)).toEqual([rule]);
    });
  });
}
