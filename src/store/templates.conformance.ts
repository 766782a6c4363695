/**
 * The conformance cases of the template port (review state kept by syncs, the API and review webhooks), run once per
 * engine from this one set through the shared implementation.
 */
import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import type { StoredTemplate } from './controls-store.js';
import { createSecretBox } from './secret-box.js';
import { SqlAccounts } from './sql/sql-accounts.js';
import { SqlTemplates } from './sql/sql-templates.js';

const now = Date.parse('2026-06-01T12:00:00Z');
let serial = 0;
const fresh = (prefix: string): string => `${prefix}${Date.now()}${(serial += 1)}`;
const stored = (wabaId: string, name: string, language = 'en_US', changes: Partial<StoredTemplate> = {}): StoredTemplate => ({
  wabaId, name, language, status: 'pending', category: 'MARKETING', components: [{ type: 'BODY', text: 'x' }], updatedAt: now,
  upstreamId: null, reason: null, ...changes,
});

export function describeTemplatesConformance(): void {
  describeEachEngine('TemplateStore conformance', (current) => {
    let templates: SqlTemplates;
    beforeEach(() => {
      templates = new SqlTemplates(current().engine);
    });

    /** Accounts with numbers of the WABA (plus a number of it with no account), whose events the case reads. */
    async function owners(wabaId: string, count: number): Promise<string[]> {
      const accounts = new SqlAccounts(current().engine, { secrets: createSecretBox('templates-conformance') });
      await accounts.createNumber({ phoneNumberId: fresh(''), displayPhoneNumber: '+0', wabaId }, now);
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const account = await accounts.createAccount({ name: `owner ${i}` }, now);
        for (const _ of [1, 2]) await accounts.createNumber({ phoneNumberId: fresh(''), displayPhoneNumber: '+1', wabaId, accountId: account.id }, now);
        ids.push(account.id);
      }
      return ids;
    }
    const eventsOf = async (accountIds: string[]) =>
      (await current().engine.db.selectFrom('events').select(['account_id', 'type', 'subject_id', 'payload']).where('account_id', 'in', accountIds).execute())
        .map((e) => ({ ...e, payload: JSON.parse(e.payload) as unknown }))
        .sort((a, b) => (`${a.account_id}${a.subject_id}` < `${b.account_id}${b.subject_id}` ? -1 : 1));

    it('saves templates and lists those of the asked WABAs in WABA, name and language order', async () => {
      const [w1, w2, w3] = [`${fresh('w')}a`, `${fresh('w')}b`, fresh('w')];
      await templates.saveTemplate(stored(w2, 'promo_2'));
      await templates.saveTemplate(stored(w1, 'promo2', 'en_US', { components: [{ type: 'BODY', text: 'Hi {{1}}' }], upstreamId: '9' }));
      await templates.saveTemplate(stored(w1, 'promo', 'es'));
      await templates.saveTemplate(stored(w1, 'promo', 'en_US'));
      await templates.saveTemplate(stored(w3, 'elsewhere'));
      const listed = await templates.listTemplates([w2, w1]);
      expect(listed.map((t) => [t.wabaId, t.name, t.language])).toEqual([[w1, 'promo', 'en_US'], [w1, 'promo', 'es'], [w1, 'promo2', 'en_US'], [w2, 'promo_2', 'en_US']]);
      expect(listed[2]).toEqual(stored(w1, 'promo2', 'en_US', { components: [{ type: 'BODY', text: 'Hi {{1}}' }], upstreamId: '9' }));
      expect(await templates.listTemplates([])).toEqual([]);
      expect(await templates.listTemplates([fresh('w')])).toEqual([]);
    });

    it('keeps the upstream id and the review reason when a sync or webhook updates a template, and drops what the upstream lost', async () => {
      const waba = fresh('w');
      const t = stored(waba, 'promo', 'en_US', { upstreamId: '123' });
      await templates.saveTemplate(t);
      expect(await templates.setTemplateStatus(waba, 'promo', 'en_US', 'rejected', 'INVALID_FORMAT', now + 2)).toBe(true);
      await templates.replaceTemplates(waba, [{ ...t, status: 'rejected', upstreamId: null, updatedAt: now + 3 }]);
      expect(await templates.listTemplates([waba])).toEqual([{ ...t, status: 'rejected', upstreamId: '123', reason: 'INVALID_FORMAT', updatedAt: now + 3 }]);
      expect(await templates.findTemplate(waba, 'promo', 'en_US')).toMatchObject({ status: 'rejected', updatedAt: now + 3 });
      // A new status without a reason leaves none; a new upstream id replaces the known one.
      await templates.saveTemplate({ ...t, status: 'approved', upstreamId: '456' });
      expect(await templates.listTemplates([waba])).toMatchObject([{ status: 'approved', upstreamId: '456', reason: null }]);
      await templates.replaceTemplates(waba, []);
      expect(await templates.listTemplates([waba])).toEqual([]);
      expect(await templates.setTemplateStatus(waba, 'promo', undefined, 'approved', null, now + 4)).toBe(false);
    });

    it('replaces a WABA\u2019s templates with a sync\u2019s in one go, leaving other WABAs alone', async () => {
      const [waba, other] = [fresh('w'), fresh('w')];
      await templates.saveTemplate(stored(waba, 'kept'));
      await templates.saveTemplate(stored(waba, 'gone'));
      await templates.saveTemplate(stored(waba, 'kept', 'de'));
      await templates.saveTemplate(stored(other, 'gone'));
      await templates.replaceTemplates(waba, [stored(waba, 'kept', 'en_US', { status: 'approved' }), stored(waba, 'new')]);
      expect((await templates.listTemplates([waba])).map((t) => [t.name, t.language, t.status]))
        .toEqual([['kept', 'en_US', 'approved'], ['new', 'en_US', 'pending']]);
      expect((await templates.listTemplates([other])).map((t) => t.name)).toEqual(['gone']);
    });

    it('deletes one language or every language of a template, answering how many went', async () => {
      const waba = fresh('w');
      for (const language of ['en_US', 'de', 'es']) await templates.saveTemplate(stored(waba, 'promo', language));
      await templates.saveTemplate(stored(waba, 'other'));
      expect(await templates.deleteTemplate(waba, 'promo', 'de')).toBe(1);
      expect(await templates.deleteTemplate(waba, 'promo', 'de')).toBe(0);
      expect(await templates.deleteTemplate(waba, 'promo')).toBe(2);
      expect((await templates.listTemplates([waba])).map((t) => t.name)).toEqual(['other']);
    });

    it('raises template.status to every account with a number of the WABA, once per template whose review changed', async () => {
      const waba = fresh('w');
      const accounts = await owners(waba, 2);
      await templates.saveTemplate(stored(waba, 'promo', 'en_US'));
      await templates.saveTemplate(stored(waba, 'promo', 'de', { status: 'rejected', reason: 'TAG_CONTENT_MISMATCH' }));
      await templates.saveTemplate(stored(waba, 'other'));
      // Every language when none is named; the German one already had this review, so only en_US is news.
      expect(await templates.setTemplateStatus(waba, 'promo', undefined, 'rejected', 'TAG_CONTENT_MISMATCH', now + 1)).toBe(true);
      const subject = `${waba}/promo/en_US`;
      const data = { waba_id: waba, name: 'promo', language: 'en_US', status: 'rejected', reason: 'TAG_CONTENT_MISMATCH' };
      expect(await eventsOf(accounts)).toEqual(accounts.map((account) => ({ account_id: account, type: 'template.status', subject_id: subject, payload: data })));
      expect((await templates.listTemplates([waba])).map((t) => [t.name, t.language, t.status, t.reason, t.updatedAt])).toEqual([
        ['other', 'en_US', 'pending', null, now], ['promo', 'de', 'rejected', 'TAG_CONTENT_MISMATCH', now + 1], ['promo', 'en_US', 'rejected', 'TAG_CONTENT_MISMATCH', now + 1],
      ]);
      // The same review again is no news; one language named changes that one only.
      expect(await templates.setTemplateStatus(waba, 'promo', 'en_US', 'rejected', 'TAG_CONTENT_MISMATCH', now + 2)).toBe(true);
      expect(await eventsOf(accounts)).toHaveLength(2);
      expect(await templates.setTemplateStatus(waba, 'promo', 'de', 'approved', null, now + 3)).toBe(true);
      expect((await eventsOf(accounts)).filter((e) => e.subject_id === `${waba}/promo/de`)).toHaveLength(2);
      expect((await templates.findTemplate(waba, 'promo', 'en_US'))?.status).toBe('rejected');
      expect(await templates.setTemplateStatus(waba, 'promo', 'fr', 'approved', null, now + 4)).toBe(false);
    });
  });
}
