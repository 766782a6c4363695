/**
 * The conformance cases of the contact ports (opt-outs, service windows, the send facts preflight reads, and contact
 * checks), run once per engine from this one set through the shared implementations.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { SERVICE_WINDOW_MS } from '../domain/preflight/window.js';
import type { TemplateRecord } from '../domain/template.js';
import { SqlContactChecks } from './sql/sql-contact-checks.js';
import { SqlContactFacts } from './sql/sql-contact-facts.js';
import type { SqlEngine } from './sql/sql-engine.js';
import { SqlTemplates } from './sql/sql-templates.js';

const now = Date.parse('2026-06-01T12:00:00Z');
let serial = 0;
/** Ids of their own per case: the engine's database lives for the whole describe block. */
const fresh = (prefix: string): string => `${prefix}${Date.now()}${(serial += 1)}`;
/** What a new process (or a restart) sees: adapters with nothing in memory. */
const factsOn = (engine: SqlEngine) => new SqlContactFacts(engine, new SqlTemplates(engine));
const template = (wabaId: string, name: string, language = 'en'): TemplateRecord =>
  ({ wabaId, name, language, status: 'approved', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi' }], updatedAt: now });

export function describeContactsConformance(): void {
  describeEachEngine('Contact facts conformance', (current) => {
    let facts: SqlContactFacts;
    let templates: SqlTemplates;
    beforeEach(() => {
      templates = new SqlTemplates(current().engine);
      facts = new SqlContactFacts(current().engine, templates);
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('gathers the send facts: opt-out, the window only when needed, the template once the WABA was ever synced', async () => {
      const [account, number, waba, to] = [fresh('acct_'), fresh('num_'), fresh('waba'), fresh('49')];
      const q = { accountId: account, numberId: number, wabaId: waba, to, template: { name: 't', language: 'en' }, needsWindow: true };
      expect(await facts.getSendFacts(q)).toEqual({ optedOutAt: null, lastInboundAt: null, templatesKnown: false, template: undefined, marketingStoppedAt: null, blockedAt: null });
      await facts.recordOptOut(account, to, now);
      await facts.recordInbound(number, to, now - 5);
      await templates.upsertTemplate(template(waba, 't'));
      expect(await facts.getSendFacts(q)).toEqual({ optedOutAt: now, lastInboundAt: now - 5, templatesKnown: true, template: template(waba, 't'), marketingStoppedAt: null, blockedAt: null });
      expect(await facts.getSendFacts({ ...q, needsWindow: false })).toMatchObject({ lastInboundAt: null });
      expect(await facts.getSendFacts({ ...q, template: { name: 't', language: 'de' } })).toMatchObject({ templatesKnown: true, template: undefined });
      const { template: none } = await facts.getSendFacts({ accountId: account, numberId: number, wabaId: waba, to, needsWindow: false });
      expect(none).toBeUndefined();
      // Another account, number and WABA see none of it.
      expect(await facts.getSendFacts({ ...q, accountId: fresh('acct_'), numberId: fresh('num_'), wabaId: fresh('waba') }))
        .toEqual({ optedOutAt: null, lastInboundAt: null, templatesKnown: false, template: undefined, marketingStoppedAt: null, blockedAt: null });
    });

    it('follows a contact across its phone and user ids: window, opt-out, marketing stop, block and history', async () => {
      const [account, number, waba] = [fresh('acct_'), fresh('num_'), fresh('waba')];
      const [userId, phone, newUserId, newPhone] = [`US.${fresh('')}`, fresh('49'), `US.${fresh('9')}`, fresh('44')];
      const { identities } = facts;
      // A username user writes in with the phone withheld: the contact is keyed by its user id.
      expect(await identities.learn(account, { userId, username: 'jane', parentUserId: `US.ENT.${userId.slice(3)}` }, now)).toBe(userId);
      expect(await identities.keyOf(account, `US.ENT.${userId.slice(3)}`)).toBe(userId);
      await facts.recordInbound(number, userId, now - 5);
      const q = (to: string, t?: string) => ({ accountId: account, numberId: number, wabaId: waba, to, needsWindow: true, ...(t ? { template: { name: t, language: 'en' } } : {}) });
      expect(await facts.getSendFacts(q(userId))).toMatchObject({ lastInboundAt: now - 5 });
      // Later Meta tells the phone too: both identifiers now name the same contact.
      expect(await identities.learn(account, { userId, phone }, now)).toBe(userId);
      expect(await facts.getSendFacts(q(phone))).toMatchObject({ lastInboundAt: now - 5 });
      await facts.recordOptOut(account, phone, now);
      expect(await facts.getOptOut(account, userId)).toBe(now);
      // A phone change: the new user id and phone join the contact, with everything recorded so far.
      expect(await identities.changeUserId(account, { previous: userId, current: newUserId, phone: newPhone }, now + 1)).toBe(userId);
      expect(await facts.getSendFacts(q(newUserId))).toMatchObject({ optedOutAt: now, lastInboundAt: now - 5 });
      expect(await identities.identifiersOf(account, newPhone)).toEqual([userId, `US.ENT.${userId.slice(3)}`, phone, newUserId, newPhone].sort());
      expect(await identities.getProfile(account, newUserId)).toEqual({ key: userId, phone: newPhone, userId: newUserId, parentUserId: `US.ENT.${userId.slice(3)}`, username: 'jane', marketingStoppedAt: null });
      // Marketing stop is read for marketing templates only.
      await templates.upsertTemplate({ ...template(waba, 'promo'), category: 'MARKETING' });
      await templates.upsertTemplate(template(waba, 'notice'));
      await identities.setMarketingPreference(account, { phone: newPhone }, now + 2, now + 2);
      expect(await facts.getSendFacts(q(newUserId, 'promo'))).toMatchObject({ marketingStoppedAt: now + 2 });
      expect(await facts.getSendFacts(q(newUserId, 'notice'))).toMatchObject({ marketingStoppedAt: null });
      await identities.setMarketingPreference(account, { userId: newUserId }, null, now + 3);
      expect(await facts.getSendFacts(q(phone, 'promo'))).toMatchObject({ marketingStoppedAt: null });
      // A block is per number and follows the contact too.
      await facts.setBlocked(number, userId, true, now + 4);
      expect(await facts.getSendFacts(q(newPhone))).toMatchObject({ blockedAt: now + 4 });
      expect(await facts.getSendFacts({ ...q(newPhone), numberId: fresh('num_') })).toMatchObject({ blockedAt: null });
      expect(await factsOn(current().engine).listBlocked(number)).toEqual([{ key: userId, blockedAt: now + 4 }]);
      await facts.setBlocked(number, userId, false, now + 5);
      expect(await facts.getSendFacts(q(newPhone))).toMatchObject({ blockedAt: null });
      // Another account knows none of it; a fresh process reads the same from the tables.
      expect(await facts.getSendFacts({ ...q(phone), accountId: fresh('acct_') })).toMatchObject({ optedOutAt: null, lastInboundAt: null });
      expect(await factsOn(current().engine).getSendFacts(q(newUserId))).toMatchObject({ optedOutAt: now, lastInboundAt: now - 5 });
    });

    it('never moves an identifier another contact already holds, in memory and in the tables alike', async () => {
      const [account, phone, userId] = [fresh('acct_'), fresh('49'), `US.${fresh('')}`];
      const { identities } = facts;
      await identities.learn(account, { phone }, now);
      await identities.learn(account, { userId }, now);
      expect(await identities.learn(account, { phone, userId }, now)).toBe(phone);
      expect(await identities.keyOf(account, userId)).toBe(userId);
      expect(await factsOn(current().engine).identities.keyOf(account, userId)).toBe(userId);
      expect(await identities.learn(account, {}, now)).toBeUndefined();
    });

    it('keeps the first opt-out, lists an account\u2019s opt-outs by number and removes them once', async () => {
      const [account, other] = [fresh('acct_'), fresh('acct_')];
      await facts.recordOptOut(account, '49152', now);
      await facts.recordOptOut(account, '49151', now + 1);
      await facts.recordOptOut(account, '49152', now + 2);
      await facts.recordOptOut(other, '49153', now);
      expect(await facts.getOptOut(account, '49152')).toBe(now);
      expect(await facts.listOptOuts(account)).toEqual([{ waId: '49151', optedOutAt: now + 1 }, { waId: '49152', optedOutAt: now }]);
      expect(await facts.getOptOut(account, '49153')).toBeNull();
      expect(await facts.removeOptOut(account, '49152')).toBe(true);
      expect(await facts.removeOptOut(account, '49152')).toBe(false);
      expect(await facts.getOptOut(account, '49152')).toBeNull();
      expect(await factsOn(current().engine).getOptOut(account, '49152')).toBeNull();
      expect(await facts.listOptOuts(account)).toEqual([{ waId: '49151', optedOutAt: now + 1 }]);
      expect(await facts.listOptOuts(fresh('acct_'))).toEqual([]);
    });

    it('keeps the latest inbound per number and contact, whatever order webhooks arrive in', async () => {
      const [number, other] = [fresh('num_'), fresh('num_')];
      await facts.recordInbound(number, '49151', now - 5);
      await facts.recordInbound(number, '49151', now - 10);
      expect(await facts.getLastInbound(number, '49151')).toBe(now - 5);
      await facts.recordInbound(number, '49151', now);
      expect(await facts.getLastInbound(number, '49151')).toBe(now);
      expect(await factsOn(current().engine).getLastInbound(number, '49151')).toBe(now);
      expect(await facts.getLastInbound(other, '49151')).toBeNull();
      expect(await facts.getLastInbound(number, '49152')).toBeNull();
    });

    it('answers what an earlier process recorded: opt-outs, and windows whether still open or long closed', async () => {
      const [account, number] = [fresh('acct_'), fresh('num_')];
      const before = factsOn(current().engine);
      await before.recordOptOut(account, '49151', now);
      await before.recordInbound(number, '49151', Date.now() - 1000);
      await before.recordInbound(number, '49152', Date.now() - 3 * SERVICE_WINDOW_MS);
      const after = factsOn(current().engine);
      expect(await after.getOptOut(account, '49151')).toBe(now);
      expect(await after.getLastInbound(number, '49151')).toBeGreaterThan(Date.now() - 5000);
      expect(await after.getLastInbound(number, '49152')).toBeLessThan(Date.now() - 2 * SERVICE_WINDOW_MS);
    });

    it('believes "no templates" for a moment only, so another process\u2019s sync is seen', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(now);
      const waba = fresh('waba');
      expect(await templates.hasTemplates(waba)).toBe(false);
      await new SqlTemplates(current().engine).upsertTemplate(template(waba, 'other_process'));
      expect(await templates.hasTemplates(waba)).toBe(false);
      vi.setSystemTime(now + 1000);
      expect(await templates.hasTemplates(waba)).toBe(true);
      // This process's own save answers at once.
      const own = fresh('waba');
      expect(await templates.hasTemplates(own)).toBe(false);
      await templates.upsertTemplate(template(own, 'mine'));
      expect(await templates.hasTemplates(own)).toBe(true);
      expect(await templates.findTemplate(own, 'mine', 'en')).toEqual(template(own, 'mine'));
      expect(await templates.findTemplate(own, 'mine', 'de')).toBeUndefined();
    });
  });

  describeEachEngine('ContactStore conformance', (current) => {
    let checks: SqlContactChecks;
    beforeEach(() => {
      checks = new SqlContactChecks(current().engine);
    });

    it('keeps checks to the account that made them, fresh from `since` on', async () => {
      const [a, b] = [fresh('acct_'), fresh('acct_')];
      await checks.saveContactChecks(a, [{ waId: '49151', status: 'invalid' }, { waId: '49152', status: 'valid' }], now);
      expect(await checks.getContactCheck(a, '49152', now)).toEqual({ waId: '49152', status: 'valid', checkedAt: now });
      expect(await checks.getContactCheck(a, '49151', now)).toEqual({ waId: '49151', status: 'invalid', checkedAt: now });
      expect(await checks.getContactCheck(a, '49152', now + 1)).toBeUndefined();
      expect(await checks.getContactCheck(a, '49151', now + 1)).toBeUndefined();
      expect(await checks.isKnownInvalid(a, '49151', now)).toBe(true);
      expect(await checks.isKnownInvalid(a, '49151', now + 1)).toBe(false);
      expect(await checks.isKnownInvalid(a, '49152', 0)).toBe(false);
      expect(await checks.getContactCheck(b, '49152', 0)).toBeUndefined();
      expect(await checks.isKnownInvalid(b, '49151', 0)).toBe(false);
    });

    it('replaces an answer with a later one, keeps the last of a number listed twice, and writes nothing for no checks', async () => {
      const account = fresh('acct_');
      await checks.saveContactChecks(account, [{ waId: '49151', status: 'invalid' }], now);
      await checks.saveContactChecks(account, [{ waId: '49151', status: 'valid' }, { waId: '49152', status: 'valid' }, { waId: '49152', status: 'invalid' }], now + 1);
      expect(await checks.isKnownInvalid(account, '49151', 0)).toBe(false);
      expect(await checks.getContactCheck(account, '49151', 0)).toEqual({ waId: '49151', status: 'valid', checkedAt: now + 1 });
      expect(await checks.isKnownInvalid(account, '49152', 0)).toBe(true);
      await checks.saveContactChecks(account, [], now + 2);
      expect(await checks.getContactCheck(account, '49152', 0)).toEqual({ waId: '49152', status: 'invalid', checkedAt: now + 1 });
    });

    it('answers what an earlier process learned', async () => {
      const account = fresh('acct_');
      await checks.saveContactChecks(account, [{ waId: '49151', status: 'invalid' }, { waId: '49152', status: 'valid' }], now);
      const restarted = new SqlContactChecks(current().engine);
      expect(await restarted.isKnownInvalid(account, '49151', now)).toBe(true);
      expect(await restarted.isKnownInvalid(account, '49152', 0)).toBe(false);
      expect(await restarted.getContactCheck(account, '49152', 0)).toEqual({ waId: '49152', status: 'valid', checkedAt: now });
    });
  });
}
