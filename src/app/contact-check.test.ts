/** The contact-check use case on a real SQLite store with a recording upstream: the cache, the window, opt-outs. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStore, type TempStore } from '../../test/helpers/temp-store.js';
import type { GraphContact, TemplateUpstream } from '../dispatch/graph-management-client.js';
import type { Account } from '../domain/account.js';
import { SERVICE_WINDOW_MS } from '../domain/preflight/window.js';
import { checkContacts, type ContactCheckDeps } from './contact-check.js';

const HOUR = 3600_000;

/** Answers `valid` for the numbers in `withWhatsApp`, says nothing of the others, and records what it was asked. */
function recordingUpstream(withWhatsApp: readonly string[]) {
  const asked: string[][] = [];
  const client = {
    async checkContacts(_target: unknown, _phoneNumberId: string, contacts: readonly string[]): Promise<GraphContact[]> {
      asked.push([...contacts]);
      return contacts.filter((c) => withWhatsApp.includes(c)).map((c) => ({ input: `+${c}`, status: 'valid' as const, wa_id: c }));
    },
  } as unknown as TemplateUpstream;
  return { asked, client };
}

describe('contact check', () => {
  let t: TempStore;
  let account: Account;
  let numberId: string;
  const now = Date.parse('2026-06-01T12:00:00Z');
  const [writer, silent, gone] = ['4915112345678', '4915112345679', '4915112345670'];
  beforeEach(async () => {
    t = await openTempStore();
    account = await t.store.createAccount({ name: 'acme' }, now);
    numberId = (await t.store.createNumber({ phoneNumberId: '1555', displayPhoneNumber: '+1', wabaId: 'w', accountId: account.id, accessToken: 'EAA' }, now)).id;
  });
  afterEach(() => t.dispose());

  const depsWith = (client: TemplateUpstream): ContactCheckDeps => ({ store: t.store, management: { client, baseUrl: 'http://up', apiVersion: 'v1' }, ttlMs: 24 * HOUR });

  it('reports each window through the domain rule: open, closed, never opened', async () => {
    await t.store.recordInbound(numberId, writer, now - HOUR);
    await t.store.recordInbound(numberId, gone, now - SERVICE_WINDOW_MS);
    const results = await checkContacts(depsWith(recordingUpstream([writer, gone]).client), account, { contacts: [writer, gone, silent], forceCheck: false }, now);
    expect(results.map((r) => (r.kind === 'checked' ? [r.status, r.window] : r.kind))).toEqual([
      ['valid', { kind: 'open', until: now - HOUR + SERVICE_WINDOW_MS }],
      ['valid', { kind: 'closed', until: now }],
      ['invalid', { kind: 'never_opened' }],
    ]);
  });

  it('asks the upstream once per number, then answers from the cache until forced or stale', async () => {
    const upstream = recordingUpstream([writer]);
    const deps = depsWith(upstream.client);
    await checkContacts(deps, account, { contacts: [writer, `+${writer}`, silent, 'not a number'], forceCheck: false }, now);
    expect(upstream.asked).toEqual([[writer, silent]]);
    const again = await checkContacts(deps, account, { contacts: [writer], forceCheck: false }, now + HOUR);
    expect(again[0]).toMatchObject({ kind: 'checked', cached: true, checkedAt: now, status: 'valid' });
    await checkContacts(deps, account, { contacts: [writer], forceCheck: true }, now + HOUR);
    await checkContacts(deps, account, { contacts: [silent], forceCheck: false }, now + 25 * HOUR);
    expect(upstream.asked).toEqual([[writer, silent], [writer], [silent]]);
  });

  it('answers a user id without asking the upstream, with the window and opt-out of its contact', async () => {
    const userId = 'US.13491208655302741918';
    await t.store.identities.learn(account.id, { userId, phone: writer }, now);
    await t.store.recordInbound(numberId, writer, now - HOUR);
    await t.store.recordOptOut(account.id, writer, now);
    const upstream = recordingUpstream([writer]);
    const [result] = await checkContacts(depsWith(upstream.client), account, { contacts: [userId], forceCheck: true }, now);
    expect(upstream.asked).toEqual([]);
    expect(result).toMatchObject({ kind: 'checked', waId: userId, status: 'valid', optedOut: true, window: { kind: 'open' } });
  });

  it('reads unreadable inputs without asking anyone, and reports opt-outs', async () => {
    await t.store.recordOptOut(account.id, writer, now);
    const upstream = recordingUpstream([writer]);
    const results = await checkContacts(depsWith(upstream.client), account, { contacts: ['12', writer], forceCheck: false }, now);
    expect(results).toEqual([{ kind: 'unreadable', input: '12' }, expect.objectContaining({ waId: writer, optedOut: true })]);
  });
});
