/** `switchboard accounts …`: the account use cases (create, list, show, update, enable/disable, controls, credit, ledger). */
import type { Command } from 'commander';
import * as accounts from '../app/admin-accounts.js';
import * as controls from '../app/admin-controls.js';
import * as credit from '../app/admin-credit.js';
import { accountView, controlsView, ledgerEntryView, ledgerView } from '../http/views.js';
import { timeOrNever, usageError, wholeNumber, wholeNumberOrNone, withStore, type Line, type Output } from './admin-io.js';

interface AccountOptions extends Output {
  credit?: number | null; rateLimit?: number | null; expiresAt?: string; allowIp?: string[]; state?: string; defaultNumber?: string; name?: string;
  defaultPriority?: string; defaultValidity?: number | null;
}

interface ControlOptions extends Output {
  prepaidExpiresAt?: string; whatsappApi?: string; spamThreshold?: number | null; messagingTier?: number | null;
  requestsPerMinute?: number | null; requestInterval?: number | null; blockPath?: string[];
}

const toChanges = (o: AccountOptions): accounts.AccountChanges => ({
  name: o.name, state: o.state, credit: o.credit, rateLimitPerSecond: o.rateLimit, ipAllowList: o.allowIp, expiresAt: timeOrNever(o.expiresAt),
  defaultNumber: o.defaultNumber, defaultPriority: o.defaultPriority, defaultValiditySeconds: o.defaultValidity,
});

function toControlChanges(o: ControlOptions): controls.ControlChanges {
  if (o.whatsappApi !== undefined && o.whatsappApi !== 'on' && o.whatsappApi !== 'off') usageError('--whatsapp-api must be on or off');
  return {
    prepaidExpiresAt: timeOrNever(o.prepaidExpiresAt), whatsappApiDisabled: o.whatsappApi === undefined ? undefined : o.whatsappApi === 'off',
    spamThreshold: o.spamThreshold, messagingTier: o.messagingTier, requestsPerMinute: o.requestsPerMinute, requestIntervalSeconds: o.requestInterval,
    blockedPaths: o.blockPath,
  };
}

function accountOptions(command: Command): Command {
  return command
    .option('--credit <n|none>', 'set the prepaid balance, through the ledger ("none": not on prepaid credit)', wholeNumberOrNone('--credit'))
    .option('--rate-limit <n|none>', 'requests per second ("none": no limit)', wholeNumberOrNone('--rate-limit'))
    .option('--expires-at <iso|never>', 'from then on the account answers account_expired')
    .option('--allow-ip <cidr...>', 'IP allow-list (addresses or CIDR blocks); empty list = any address')
    .option('--default-priority <lane>', 'lane of sends that name none: high, normal or bulk')
    .option('--default-validity <seconds|none>', 'validity of sends that give none ("none": no limit)', wholeNumberOrNone('--default-validity'))
    .option('--json', 'print JSON');
}

const accountLine: Line = (a) => `${a['id']}\t${a['state']}\t${a['name']}\tcredit=${a['credit'] ?? '-'}\tdefault=${a['default_number_id'] ?? '-'}`;
const controlsLine: Line = (c) =>
  `api=${c['whatsapp_api_disabled'] ? 'off' : 'on'}\tcredit=${c['credit'] ?? '-'}\tprepaid_expires=${c['prepaid_expires_at'] ?? '-'}\t` +
  `spam=${c['spam_threshold'] ?? '-'}\ttier=${c['messaging_tier'] ?? '-'}\trpm=${c['requests_per_minute'] ?? '-'}\tblocked=${(c['blocked_paths'] as string[]).join(',') || '-'}`;
const entryLine: Line = (e) => `${e['created_at']}\t${e['kind']}\t${e['amount']}\t${e['message_id'] ?? '-'}\t${e['note'] ?? ''}`;

const ledgerLines: Line = (l) =>
  [`balance=${l['balance'] ?? '-'}\tledger_sum=${l['ledger_sum']}\tdrift=${l['drift']}`, ...(l['data'] as Record<string, unknown>[]).map(entryLine)].join('\n');

function registerCredit(parent: Command): void {
  parent.command('credit <id> <amount>').description('top up (or, negative, correct) prepaid credit; the movement goes to the ledger')
    .option('--note <text>', 'why, kept in the ledger').option('--kind <kind>', 'topup or adjust (default: by the sign)').option('--json', 'print JSON')
    .action((id: string, amount: string, o: Output & { note?: string; kind?: string }) =>
      withStore(o, async (store) => {
        if (o.kind !== undefined && o.kind !== 'topup' && o.kind !== 'adjust') usageError('--kind must be topup or adjust');
        const moved = await credit.moveCredit(store, id, { amount: wholeNumber('<amount>')(amount), kind: o.kind, note: o.note }, Date.now());
        return { balance: moved.balance, entry: ledgerEntryView(moved.entry) };
      }, (r) => `balance=${r['balance']}\t${entryLine(r['entry'] as Record<string, unknown>)}`),
    );
  parent.command('ledger <id>').description('the credit ledger, newest first, with the balance and its drift from the ledger sum')
    .option('--limit <n>', 'how many movements', wholeNumber('--limit'), 100).option('--json', 'print JSON')
    .action((id: string, o: Output & { limit: number }) =>
      withStore(o, async (store) => ledgerView(await credit.readLedger(store, id, o.limit)), ledgerLines),
    );
}

function registerControls(parent: Command): void {
  parent.command('controls <id>').description('show an account\u2019s controls; with options, change them first')
    .option('--prepaid-expires-at <iso|never>', 'from then on prepaid credit cannot pay')
    .option('--whatsapp-api <on|off>', 'off: every send answers whatsapp_api_disabled')
    .option('--spam-threshold <n|none>', 'most recipients of the same text per UTC day', wholeNumberOrNone('--spam-threshold'))
    .option('--messaging-tier <n|none>', 'unique template recipients per rolling 24 h', wholeNumberOrNone('--messaging-tier'))
    .option('--requests-per-minute <n|none>', 'request quota per minute', wholeNumberOrNone('--requests-per-minute'))
    .option('--request-interval <seconds|none>', '"1 request every N seconds"', wholeNumberOrNone('--request-interval'))
    .option('--block-path <pattern...>', 'paths the account may not call, e.g. "/v1/media*" "POST /v1/templates"')
    .option('--json', 'print JSON')
    .action((id: string, o: ControlOptions) =>
      withStore(o, async (store) => controlsView(await controls.updateControls(store, id, toControlChanges(o), Date.now())), controlsLine),
    );
}

export function registerAccounts(program: Command): void {
  const group = program.command('accounts').description('manage accounts (tenants) in the configured store');
  accountOptions(group.command('create <name>').description('create an account')).action((name: string, o: AccountOptions) =>
    withStore(o, async (store) => accountView(await accounts.createAccount(store, { ...toChanges(o), name }, Date.now()), Date.now()), accountLine),
  );
  group.command('list').description('list accounts').option('--json', 'print JSON').action((o: Output) =>
    withStore(o, async (store) => (await accounts.listAccounts(store)).map((a) => accountView(a, Date.now())), accountLine),
  );
  group.command('show <id>').description('show one account').option('--json', 'print JSON').action((id: string, o: Output) =>
    withStore(o, async (store) => accountView(await accounts.readAccount(store, id), Date.now()), accountLine),
  );
  accountOptions(group.command('update <id>').description('change an account'))
    .option('--name <name>', 'new name')
    .option('--state <state>', 'active or disabled')
    .option('--default-number <id>', 'default sending number (num_… or phone_number_id), assigned to this account')
    .action((id: string, o: AccountOptions) =>
      withStore(o, async (store) => accountView(await accounts.updateAccount(store, id, toChanges(o), Date.now()), Date.now()), accountLine),
    );
  for (const [verb, state] of [['disable', 'disabled'], ['enable', 'active']] as const)
    group.command(`${verb} <id>`).description(`${verb} an account`).option('--json', 'print JSON').action((id: string, o: Output) =>
      withStore(o, async (store) => accountView(await accounts.setAccountState(store, id, state, Date.now()), Date.now()), accountLine),
    );
  registerControls(group);
  registerCredit(group);
}
