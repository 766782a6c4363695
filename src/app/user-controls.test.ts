import { describe, expect, it } from 'vitest';
import type { Account } from '../domain/account.js';
import type { PhoneNumber } from '../domain/phone-number.js';
import type { TemplateUpstream } from '../dispatch/graph-management-client.js';
import type { Store } from '../store/store.js';
import { changeBlocks, markRead } from './user-controls.js';

const account = { id: 'acct_1', defaultNumberId: 'num_1' } as Account;
const number = { id: 'num_1', phoneNumberId: '1001', maxMps: 7, accountId: 'acct_1' } as PhoneNumber;
const store = {
  listNumbers: async () => [number],
  getAccessToken: async () => 'token',
  inbound: { findCustomerMessage: async (wamid: string) => (wamid === 'wamid.IN' ? { numberId: 'num_1', accountId: 'acct_1', sender: '4915112345678' } : undefined) },
} as unknown as Store;

describe('read marks', () => {
  it('wait for a call slot in the number\u2019s cap before going upstream', async () => {
    const calls: string[] = [];
    const client = { markRead: async (_t: unknown, phoneNumberId: string, id: string, typing: boolean) => void calls.push(`read ${phoneNumberId} ${id} ${typing}`) } as unknown as TemplateUpstream;
    const answers = [20, 0];
    const claimCallSlot = async (numberId: string, perSecond: number) => {
      calls.push(`slot ${numberId} ${perSecond}`);
      return answers.shift() ?? 0;
    };
    await markRead({ store, management: { client, baseUrl: 'http://up', apiVersion: 'v1', claimCallSlot } }, account, 'wamid.IN', true);
    expect(calls).toEqual(['slot num_1 7', 'slot num_1 7', 'read 1001 wamid.IN true']);
  });

  it('refuse a message the account never received, and a cap that stays full', async () => {
    const client = { markRead: async () => undefined } as unknown as TemplateUpstream;
    const management = { client, baseUrl: 'http://up', apiVersion: 'v1' };
    await expect(markRead({ store, management }, account, 'wamid.OTHER', false)).rejects.toMatchObject({ entry: { code: 'message_not_found' } });
    await expect(markRead({ store, management: { ...management, claimCallSlot: async () => 6_000 } }, account, 'wamid.IN', false))
      .rejects.toMatchObject({ entry: { code: 'service_unavailable' } });
  });
});

describe('blocks', () => {
  it('refuse more than 1,000 users in one call before anything else', async () => {
    await expect(changeBlocks({ store }, account, 'num_1', Array.from({ length: 1001 }, () => '4915112345678'), true, 0))
      .rejects.toMatchObject({ entry: { code: 'too_many_block_users' } });
  });
});
