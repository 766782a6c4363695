/** `switchboard accounts|keys|numbers …`: the admin API's operations on the configured store, for operators' scripts. */
import { createAccountWithBalance, updateAccountWithBalance } from '../store/account-changes.js';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { ACCOUNT_STATES, type AccountState } from '../domain/account.js';
import { isValidAllowEntry } from '../domain/ip-allow-list.js';
import { REGISTRATION_STATES, type RegistrationState } from '../domain/phone-number.js';
import { accountView, keyView, numberView } from '../http/views.js';
import { issueKey } from '../store/api-keys.js';
import { openStore } from '../store/open-store.js';
import type { AccountPatch, NewPhoneNumber, Store } from '../store/store.js';

interface Output {
  json?: boolean;
}

/** Opens the store, runs the action, prints the result (JSON or one line per record) and always closes the store. */
async function withStore(options: Output, action: (store: Store) => Promise<unknown>, line: (record: Record<string, unknown>) => string): Promise<void> {
  const store = openStore(loadConfig());
  try {
    const result = await action(store);
    if (options.json) console.log(JSON.stringify(result, null, 2));
    else for (const record of Array.isArray(result) ? result : [result]) console.log(line(record as Record<string, unknown>));
  } finally {
    await store.close();
  }
}

/** The command line's main prints the message and exits 1. */
function fail(message: string): never {
  throw new Error(message);
}

function int(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) fail(`${name} must be a whole number`);
    return n;
  };
}

function nullableInt(name: string) {
  return (value: string): number | null => (value === 'none' ? null : int(name)(value));
}

interface AccountOptions extends Output {
  credit?: number | null; rateLimit?: number | null; expiresAt?: string; allowIp?: string[]; state?: AccountState; defaultNumber?: string; name?: string;
}

async function accountPatch(store: Store, id: string | undefined, o: AccountOptions): Promise<AccountPatch> {
  const bad = o.allowIp?.find((e) => !isValidAllowEntry(e));
  if (bad !== undefined) fail(`"${bad}" is not an IP address or CIDR block`);
  if (o.state !== undefined && !(ACCOUNT_STATES as readonly string[]).includes(o.state)) fail(`--state must be ${ACCOUNT_STATES.join(' or ')}`);
  let expiresAt: number | null | undefined;
  if (o.expiresAt === 'never') expiresAt = null;
  else if (o.expiresAt !== undefined) {
    expiresAt = Date.parse(o.expiresAt);
    if (Number.isNaN(expiresAt)) fail('--expires-at must be an ISO 8601 time or "never"');
  }
  let defaultNumberId: string | undefined;
  if (o.defaultNumber !== undefined) {
    const number = await store.findNumber(o.defaultNumber);
    if (!number || number.accountId !== id) fail('the default number must be assigned to this account first');
    defaultNumberId = number.id;
  }
  const patch: Record<string, unknown> = {
    name: o.name, state: o.state, credit: o.credit, rateLimitPerSecond: o.rateLimit, ipAllowList: o.allowIp, expiresAt, defaultNumberId,
  };
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as AccountPatch;
}

function accountOptions(command: Command): Command {
  return command
    .option('--credit <n|none>', 'prepaid credit in messages ("none": not on prepaid credit)', nullableInt('--credit'))
    .option('--rate-limit <n|none>', 'requests per second ("none": no limit)', nullableInt('--rate-limit'))
    .option('--expires-at <iso|never>', 'from then on the account answers account_expired')
    .option('--allow-ip <cidr...>', 'IP allow-list (addresses or CIDR blocks); empty list = any address')
    .option('--json', 'print JSON');
}

const accountLine = (a: Record<string, unknown>) => `${a['id']}\t${a['state']}\t${a['name']}\tcredit=${a['credit'] ?? '-'}\tdefault=${a['default_number_id'] ?? '-'}`;
const keyLine = (k: Record<string, unknown>) =>
  `${k['id']}\t${k['kind']}\t${k['account_id'] ?? '-'}\t${k['prefix']}…\t${k['revoked_at'] ? `revoked ${k['revoked_at']}` : 'active'}${k['key'] ? `\n\nkey (shown once): ${k['key']}` : ''}`;
const numberLine = (n: Record<string, unknown>) =>
  `${n['id']}\t${n['phone_number_id']}\t${n['display_phone_number']}\t${n['registration']}\taccount=${n['account_id'] ?? '-'}`;

function registerAccounts(program: Command): void {
  const accounts = program.command('accounts').description('manage accounts (tenants) in the configured store');
  accountOptions(accounts.command('create <name>').description('create an account')).action((name: string, o: AccountOptions) =>
    withStore(o, async (store) => accountView(await createAccountWithBalance(store, { ...(await accountPatch(store, undefined, o)), name }, Date.now()), Date.now()), accountLine),
  );
  accounts.command('list').description('list accounts').option('--json', 'print JSON').action((o: Output) =>
    withStore(o, async (store) => (await store.listAccounts()).map((a) => accountView(a, Date.now())), accountLine),
  );
  accounts.command('show <id>').description('show one account').option('--json', 'print JSON').action((id: string, o: Output) =>
    withStore(o, async (store) => accountView((await store.getAccount(id)) ?? fail(`no account ${id}`), Date.now()), accountLine),
  );
  accountOptions(accounts.command('update <id>').description('change an account'))
    .option('--name <name>', 'new name')
    .option('--state <state>', 'active or disabled')
    .option('--default-number <id>', 'default sending number (num_… or phone_number_id), assigned to this account')
    .action((id: string, o: AccountOptions) =>
      withStore(o, async (store) => {
        if (!(await store.getAccount(id))) fail(`no account ${id}`);
        return accountView((await updateAccountWithBalance(store, id, await accountPatch(store, id, o), Date.now()))!, Date.now());
      }, accountLine),
    );
  for (const [verb, state] of [['disable', 'disabled'], ['enable', 'active']] as const)
    accounts.command(`${verb} <id>`).description(`${verb} an account`).option('--json', 'print JSON').action((id: string, o: Output) =>
      withStore(o, async (store) => {
        if (!(await store.getAccount(id))) fail(`no account ${id}`);
        return accountView((await store.updateAccount(id, { state }, Date.now()))!, Date.now());
      }, accountLine),
    );
}

function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage API keys: secrets are shown once, stored only as hashes');
  keys
    .command('create')
    .description('create a key: --admin for an admin key, --account <id> for an account key')
    .option('--admin', 'an admin key (manages accounts, keys and numbers)')
    .option('--account <id>', 'an account key (sends messages)')
    .option('--name <name>', 'a label for listings', '')
    .option('--json', 'print JSON')
    .action((o: Output & { admin?: boolean; account?: string; name: string }) =>
      withStore(o, async (store) => {
        if (Boolean(o.admin) === Boolean(o.account)) fail('give exactly one of --admin or --account <id>');
        if (o.account && !(await store.getAccount(o.account))) fail(`no account ${o.account}`);
        const { record, secret } = await issueKey(store, { kind: o.admin ? 'admin' : 'account', accountId: o.account ?? null, name: o.name }, Date.now());
        return { ...keyView(record), key: secret };
      }, keyLine),
    );
  keys.command('list').description('list keys (never their secrets)').option('--account <id>', 'only this account\u2019s keys').option('--json', 'print JSON')
    .action((o: Output & { account?: string }) =>
      withStore(o, async (store) => (await store.listKeys(o.account ? { accountId: o.account } : {})).map(keyView), keyLine),
    );
  keys.command('revoke <id>').description('revoke a key for good').option('--json', 'print JSON').action((id: string, o: Output) =>
    withStore(o, async (store) => keyView((await store.revokeKey(id, Date.now())) ?? fail(`no key ${id}`)), keyLine),
  );
}

interface NumberOptions extends Output {
  phoneNumberId?: string; display?: string; wabaId?: string; account?: string; token?: string; maxMps?: number; registration?: RegistrationState;
}

function numberInput(o: NumberOptions): Partial<NewPhoneNumber> {
  if (o.registration !== undefined && !(REGISTRATION_STATES as readonly string[]).includes(o.registration))
    fail(`--registration must be one of ${REGISTRATION_STATES.join(', ')}`);
  const input: Record<string, unknown> = {
    phoneNumberId: o.phoneNumberId, displayPhoneNumber: o.display, wabaId: o.wabaId, accountId: o.account === 'none' ? null : o.account,
    accessToken: o.token, maxMps: o.maxMps, registration: o.registration,
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

function numberOptions(command: Command): Command {
  return command
    .option('--account <id|none>', 'assign to this account ("none": unassign)')
    .option('--token <token>', 'access token (stored encrypted)')
    .option('--max-mps <n>', 'messages per second Meta allows the number', int('--max-mps'))
    .option('--registration <state>', REGISTRATION_STATES.join(' | '))
    .option('--json', 'print JSON');
}

function registerNumbers(program: Command): void {
  const numbers = program.command('numbers').description('manage WhatsApp business phone numbers');
  numberOptions(
    numbers.command('add').description('add a number')
      .requiredOption('--phone-number-id <id>', 'Meta phone_number_id')
      .requiredOption('--display <number>', 'display phone number, e.g. "+1 555 0100"')
      .requiredOption('--waba-id <id>', 'WhatsApp Business Account id'),
  ).action((o: NumberOptions) =>
    withStore(o, async (store) => {
      if (o.account && o.account !== 'none' && !(await store.getAccount(o.account))) fail(`no account ${o.account}`);
      if (await store.findNumber(o.phoneNumberId ?? '')) fail(`number ${o.phoneNumberId} already exists`);
      return numberView(await store.createNumber(numberInput(o) as NewPhoneNumber, Date.now()));
    }, numberLine),
  );
  numbers.command('list').description('list numbers').option('--account <id>', 'only this account\u2019s numbers').option('--json', 'print JSON')
    .action((o: Output & { account?: string }) =>
      withStore(o, async (store) => (await store.listNumbers(o.account ? { accountId: o.account } : {})).map(numberView), numberLine),
    );
  numberOptions(numbers.command('update <id>').description('change a number (num_… or phone_number_id)').option('--display <number>', 'display phone number'))
    .action((id: string, o: NumberOptions) =>
      withStore(o, async (store) => {
        const number = (await store.findNumber(id)) ?? fail(`no number ${id}`);
        if (o.account && o.account !== 'none' && !(await store.getAccount(o.account))) fail(`no account ${o.account}`);
        return numberView((await store.updateNumber(number.id, numberInput(o), Date.now()))!);
      }, numberLine),
    );
  numbers.command('assign <id> <account>').description('assign a number to an account').option('--default', 'make it the account\u2019s default number')
    .option('--json', 'print JSON')
    .action((id: string, accountId: string, o: Output & { default?: boolean }) =>
      withStore(o, async (store) => {
        const number = (await store.findNumber(id)) ?? fail(`no number ${id}`);
        if (!(await store.getAccount(accountId))) fail(`no account ${accountId}`);
        const updated = await store.updateNumber(number.id, { accountId }, Date.now());
        if (o.default) await store.updateAccount(accountId, { defaultNumberId: number.id }, Date.now());
        return numberView(updated!);
      }, numberLine),
    );
  numbers.command('remove <id>').description('remove a number').option('--json', 'print JSON').action((id: string, o: Output) =>
    withStore(o, async (store) => {
      const number = (await store.findNumber(id)) ?? fail(`no number ${id}`);
      await store.deleteNumber(number.id);
      return { id: number.id, removed: true };
    }, (r) => `${r['id']}\tremoved`),
  );
}

export function registerAdmin(program: Command): void {
  registerAccounts(program);
  registerKeys(program);
  registerNumbers(program);
}
