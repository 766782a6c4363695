/** The conformance cases of the SMS store port, run once per engine through the shared implementation. */
import { beforeEach, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/helpers/engines.js';
import { createSecretBox } from './secret-box.js';
import { SqlAccounts } from './sql/sql-accounts.js';
import { SqlSms } from './sql/sql-sms.js';
import type { NewSmsConnector } from './sms-store.js';

const T = Date.parse('2026-12-05T12:00:00Z');
const CONNECTOR: NewSmsConnector = { name: 'Carrier A', host: 'smsc.example', port: 2775, systemId: 'acme', password: 'pa55word', throughputPerSecond: 50, window: 10 };

export function describeSmsConformance(): void {
  describeEachEngine('SMS store conformance', (current) => {
    let sms: SqlSms;
    let accounts: SqlAccounts;
    const db = () => current().engine.db;
    beforeEach(async () => {
      sms = new SqlSms(current().engine, createSecretBox('sms-conformance-secret'));
      accounts = new SqlAccounts(current().engine, { secrets: createSecretBox('sms-conformance-secret') });
      for (const table of ['sms_sender_ids', 'sms_routes', 'sms_connectors'] as const) await db().deleteFrom(table).execute();
    });

    describe('connectors', () => {
      it('creates a connector with its defaults and keeps the password sealed, readable only through connectorPassword', async () => {
        const c = await sms.createConnector(CONNECTOR, T);
        expect(c).toEqual({
          id: expect.stringMatching(/^smsc_/), name: 'Carrier A', host: 'smsc.example', port: 2775, systemId: 'acme', systemType: '',
          throughputPerSecond: 50, window: 10, enabled: true, createdAt: T, updatedAt: T,
        });
        const row = await db().selectFrom('sms_connectors').select('password_sealed').where('id', '=', c.id).executeTakeFirstOrThrow();
        expect(row.password_sealed).not.toContain('pa55word');
        expect(await sms.connectorPassword(c.id)).toBe('pa55word');
        expect(await sms.connectorPassword('smsc_none')).toBeUndefined();
      });

      it('lists, reads, updates (password included) and disables connectors', async () => {
        const a = await sms.createConnector(CONNECTOR, T);
        const b = await sms.createConnector({ ...CONNECTOR, name: 'Carrier B', systemType: 'vma', enabled: false }, T + 1);
        expect((await sms.listConnectors()).map((c) => [c.name, c.enabled, c.systemType])).toEqual([['Carrier A', true, ''], ['Carrier B', false, 'vma']]);
        const updated = await sms.updateConnector(a.id, { throughputPerSecond: 5, window: 2, password: 'n3w', enabled: false }, T + 5);
        expect(updated).toMatchObject({ throughputPerSecond: 5, window: 2, enabled: false, updatedAt: T + 5, createdAt: T });
        expect(await sms.connectorPassword(a.id)).toBe('n3w');
        expect(await sms.getConnector(b.id)).toMatchObject({ name: 'Carrier B' });
        expect(await sms.updateConnector('smsc_none', { name: 'x' }, T)).toBeUndefined();
        expect(await sms.getConnector('smsc_none')).toBeUndefined();
      });

      it('refuses to delete a connector a route names, deletes it once the route is gone', async () => {
        const c = await sms.createConnector(CONNECTOR, T);
        const write = await sms.createRoute({ prefix: '49', connectorId: c.id, accountIds: null }, T);
        expect(await sms.deleteConnector(c.id)).toBe('in-use');
        expect(write.kind === 'stored' && (await sms.deleteRoute(write.route.id))).toBe(true);
        expect(await sms.deleteConnector(c.id)).toBe('deleted');
        expect(await sms.deleteConnector(c.id)).toBe('not-found');
      });
    });

    describe('routes', () => {
      it('stores routes with their accounts, lists them by prefix, refuses a taken prefix and an unknown connector', async () => {
        const c = await sms.createConnector(CONNECTOR, T);
        const de = await sms.createRoute({ prefix: '49', connectorId: c.id, accountIds: ['acct_a', 'acct_b'] }, T);
        const fallback = await sms.createRoute({ prefix: '', connectorId: c.id, accountIds: null }, T);
        expect(de).toEqual({ kind: 'stored', route: { id: expect.stringMatching(/^smsr_/), prefix: '49', connectorId: c.id, accountIds: ['acct_a', 'acct_b'], createdAt: T, updatedAt: T } });
        expect((await sms.listRoutes()).map((r) => [r.prefix, r.accountIds])).toEqual([['', null], ['49', ['acct_a', 'acct_b']]]);
        expect(await sms.createRoute({ prefix: '49', connectorId: c.id, accountIds: null }, T)).toEqual({ kind: 'prefix-taken', routeId: de.kind === 'stored' ? de.route.id : '' });
        expect(await sms.createRoute({ prefix: '44', connectorId: 'smsc_none', accountIds: null }, T)).toEqual({ kind: 'no-connector' });
        expect(fallback.kind === 'stored' && (await sms.deleteRoute(fallback.route.id))).toBe(true);
        expect(await sms.deleteRoute('smsr_none')).toBe(false);
      });
    });

    describe('sender ids', () => {
      it('adds sender ids per account (twice is once), lists them in order and removes them', async () => {
        const a = await accounts.createAccount({ name: 'A' }, T);
        const b = await accounts.createAccount({ name: 'B' }, T);
        await sms.addSenderId(a.id, 'Acme', T);
        await sms.addSenderId(a.id, '4915112345678', T);
        await sms.addSenderId(a.id, 'Acme', T + 1);
        await sms.addSenderId(b.id, 'Other', T);
        expect(await sms.listSenderIds(a.id)).toEqual(['4915112345678', 'Acme']);
        expect(await sms.removeSenderId(a.id, 'Acme')).toBe(true);
        expect(await sms.removeSenderId(a.id, 'Acme')).toBe(false);
        expect(await sms.listSenderIds(a.id)).toEqual(['4915112345678']);
        expect(await sms.listSenderIds(b.id)).toEqual(['Other']);
      });
    });
  });
}
