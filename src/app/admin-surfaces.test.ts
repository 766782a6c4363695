/**
 * The admin API and the `switchboard` CLI on one SQLite store: the same operation now gets the same answer from
 * both, because both call the same use case. Each case below is one where the CLI used to store what the API refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/helpers/cli.js';
import { startTestGateway, uniqueDigits, type TestGateway } from '../../test/helpers/gateway.js';

describe('admin API and CLI agree', () => {
  let gw: TestGateway;
  let cli: (...args: string[]) => ReturnType<typeof runCli>;
  beforeAll(async () => {
    gw = await startTestGateway();
    cli = (...args) => runCli(args, { SWITCHBOARD_DATA_DIR: gw.dataDir, SWITCHBOARD_SECRET_KEY: 'test-secret-key-0123456789' });
  });
  afterAll(() => gw.close());
  const admin = (method: string, path: string, body?: unknown) => gw.call(method, path, { key: gw.adminKey, ...(body === undefined ? {} : { body }) });
  const newAccount = async () => (await admin('POST', '/v1/admin/accounts', { name: 'parity', rate_limit_per_second: 5, credit: 2 })).body as { id: string };

  it.each([
    ['a rate limit of 0', { rate_limit_per_second: 0 }, ['--rate-limit', '0'], 'rate_limit_per_second'],
    ['credit above the ceiling', { credit: 1_000_000_000_001 }, ['--credit', '1000000000001'], 'credit'],
    ['an unknown default lane', { default_priority: 'urgent' }, ['--default-priority', 'urgent'], 'default_priority'],
    ['a default validity of 0', { default_validity_seconds: 0 }, ['--default-validity', '0'], 'default_validity_seconds'],
  ])('both refuse %s on an account and leave it as it was', async (_name, body, flags, field) => {
    const account = await newAccount();
    const before = await gw.store.getAccount(account.id);
    const answer = await admin('PATCH', `/v1/admin/accounts/${account.id}`, body);
    expect([answer.status, answer.body.code, answer.body.field]).toEqual([400, 'invalid_request', field]);
    const run = await cli('accounts', 'update', account.id, ...flags, '--json');
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toContain(`\`${field}\``);
    expect(await gw.store.getAccount(account.id)).toEqual(before);
    expect(await gw.store.credit.balance(account.id)).toBe(2);
  }, 30_000);

  it.each([
    ['a speed of 0', 0],
    ['a speed above what Meta allows', 5000],
  ])('both refuse a number with %s and add nothing', async (_name, maxMps) => {
    const pnid = uniqueDigits('30');
    const answer = await admin('POST', '/v1/admin/numbers', { phone_number_id: pnid, display_phone_number: '+1 555', waba_id: 'w', max_mps: maxMps });
    expect([answer.status, answer.body.code, answer.body.field]).toEqual([400, 'invalid_request', 'max_mps']);
    const run = await cli('numbers', 'add', '--phone-number-id', pnid, '--display', '+1 555', '--waba-id', 'w', '--max-mps', String(maxMps), '--json');
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toContain('`max_mps`');
    expect(await gw.store.findNumber(pnid)).toBeUndefined();
  }, 30_000);

  it('moves credit through the ledger the same way, and both refuse a correction below zero', async () => {
    const account = await newAccount();
    const viaApi = await admin('POST', `/v1/admin/accounts/${account.id}/credit`, { amount: 5, note: 'api' });
    expect([viaApi.status, viaApi.body.balance, viaApi.body.entry.kind]).toEqual([201, 7, 'topup']);
    const viaCli = JSON.parse((await cli('accounts', 'credit', account.id, '5', '--note', 'cli', '--json')).stdout) as typeof viaApi.body;
    expect([viaCli.balance, viaCli.entry.kind, viaCli.entry.amount]).toEqual([12, 'topup', 5]);
    const refused = await admin('POST', `/v1/admin/accounts/${account.id}/credit`, { amount: -13 });
    expect([refused.status, refused.body.code, refused.body.field]).toEqual([400, 'invalid_request', 'amount']);
    const run = await cli('accounts', 'credit', account.id, '-13');
    expect([run.code, run.stderr.trim()]).toEqual([1, refused.body.detail]);
    const ledger = JSON.parse((await cli('accounts', 'ledger', account.id, '--json')).stdout) as { balance: number; drift: number };
    expect(ledger).toMatchObject({ balance: 12, drift: 0 });
    expect((await admin('GET', `/v1/admin/accounts/${account.id}/ledger`)).body).toMatchObject({ balance: 12, ledger_sum: 12, drift: 0 });
  }, 30_000);

  it('changes controls the same way', async () => {
    const account = await newAccount();
    const viaCli = JSON.parse((await cli('accounts', 'controls', account.id, '--spam-threshold', '20', '--whatsapp-api', 'off', '--json')).stdout) as unknown;
    expect(viaCli).toEqual((await admin('GET', `/v1/admin/accounts/${account.id}/controls`)).body);
    expect(viaCli).toMatchObject({ spam_threshold: 20, whatsapp_api_disabled: true });
    const refused = await admin('PATCH', `/v1/admin/accounts/${account.id}/controls`, { messaging_tier: 7 });
    expect([refused.status, refused.body.code]).toEqual([400, 'invalid_request']);
    expect((await cli('accounts', 'controls', account.id, '--messaging-tier', '7')).code).toBe(1);
  }, 30_000);
});
