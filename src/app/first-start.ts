/**
 * What a start sets up once on an empty store: the first admin key and the demo account. Done under the store's
 * `exclusively`, so processes starting together on one empty database create them once between them.
 */
import { hashSecret, issueKey } from '../store/api-keys.js';
import type { Store } from '../store/store.js';

/** The simulator's set-up calls the demo needs (src/simulator/index.ts), kept structural on purpose. */
export interface DemoUpstream {
  createBusiness(input: { wabaId?: string; accessToken?: string; name?: string }): { wabaId: string; accessToken: string };
  createPhoneNumber(input: { wabaId: string; phoneNumberId?: string; displayPhoneNumber?: string; throughputMps?: number; registered?: boolean }): {
    phoneNumberId: string;
    displayPhoneNumber: string;
  };
  createTemplate?(input: { wabaId: string; name: string; language?: string; body?: string }): unknown;
}

/** What a start created that a person must see once: secrets are not stored, so they cannot be printed again. */
export interface FirstStart {
  readonly adminKey?: string;
  readonly demo?: { readonly accountId: string; readonly key: string; readonly numberId: string; readonly phoneNumberId: string };
}

export interface FirstStartSettings {
  /** An operator-chosen admin key to make sure of; undefined = one is generated when no admin key exists. */
  readonly adminKey: string | undefined;
  readonly demo: boolean;
}

async function ensureAdminKey(store: Store, adminKey: string | undefined, now: number): Promise<string | undefined> {
  if (adminKey !== undefined) {
    if (!(await store.findKeyByHash(hashSecret(adminKey))))
      await issueKey(store, { kind: 'admin', accountId: null, name: 'SWITCHBOARD_ADMIN_KEY', secret: adminKey }, now);
    return undefined;
  }
  if ((await store.countActiveKeys('admin')) > 0) return undefined;
  return (await issueKey(store, { kind: 'admin', accountId: null, name: 'first start' }, now)).secret;
}

/** A fresh database gets a demo account with a number (on the simulator when there is one) and a key. */
async function createDemo(store: Store, upstream: DemoUpstream | undefined, now: number): Promise<FirstStart['demo']> {
  if ((await store.listAccounts()).length > 0) return undefined;
  const business = upstream?.createBusiness({ name: 'Switchboard demo' });
  const remote = business
    ? upstream!.createPhoneNumber({ wabaId: business.wabaId, displayPhoneNumber: '+1 555 010 0001', registered: true })
    : undefined;
  if (business) upstream!.createTemplate?.({ wabaId: business.wabaId, name: 'hello_world', language: 'en_US', body: 'Hello World' });
  const account = await store.createAccount({ name: 'demo' }, now);
  const number = await store.createNumber(
    {
      phoneNumberId: remote?.phoneNumberId ?? '100000000000001',
      displayPhoneNumber: remote?.displayPhoneNumber ?? '+1 555 010 0001',
      wabaId: business?.wabaId ?? '200000000000001',
      accountId: account.id,
      registration: 'registered',
      maxMps: 80,
      accessToken: business?.accessToken ?? null,
    },
    now,
  );
  await store.updateAccount(account.id, { defaultNumberId: number.id }, now);
  const { secret } = await issueKey(store, { kind: 'account', accountId: account.id, name: 'demo' }, now);
  return { accountId: account.id, key: secret, numberId: number.id, phoneNumberId: number.phoneNumberId };
}

export function runFirstStart(store: Store, settings: FirstStartSettings, upstream: DemoUpstream | undefined, now: () => number): Promise<FirstStart> {
  return store.exclusively(async () => {
    const adminKey = await ensureAdminKey(store, settings.adminKey, now());
    const demo = settings.demo ? await createDemo(store, upstream, now()) : undefined;
    return { ...(adminKey ? { adminKey } : {}), ...(demo ? { demo } : {}) };
  });
}
