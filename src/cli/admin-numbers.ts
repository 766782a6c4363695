/** `switchboard numbers …`: the number use cases (add, list, update, assign, remove). */
import type { Command } from 'commander';
import * as numbers from '../app/admin-numbers.js';
import { REGISTRATION_STATES } from '../domain/phone-number.js';
import { numberView } from '../http/views.js';
import { wholeNumber, withStore, type Line, type Output } from './admin-io.js';

interface NumberOptions extends Output {
  phoneNumberId?: string; display?: string; wabaId?: string; account?: string; token?: string; maxMps?: number; registration?: string;
}

const toChanges = (o: NumberOptions): numbers.NumberChanges => ({
  phoneNumberId: o.phoneNumberId, displayPhoneNumber: o.display, wabaId: o.wabaId, accountId: o.account === 'none' ? null : o.account,
  accessToken: o.token, maxMps: o.maxMps, registration: o.registration,
});

function numberOptions(command: Command): Command {
  return command
    .option('--account <id|none>', 'assign to this account ("none": unassign)')
    .option('--token <token>', 'access token (stored encrypted; a new one resumes a disconnected number)')
    .option('--max-mps <n>', 'messages per second Meta allows the number', wholeNumber('--max-mps'))
    .option('--registration <state>', REGISTRATION_STATES.join(' | '))
    .option('--json', 'print JSON');
}

const numberLine: Line = (n) => `${n['id']}\t${n['phone_number_id']}\t${n['display_phone_number']}\t${n['registration']}\taccount=${n['account_id'] ?? '-'}`;

export function registerNumbers(program: Command): void {
  const group = program.command('numbers').description('manage WhatsApp business phone numbers');
  numberOptions(
    group.command('add').description('add a number')
      .requiredOption('--phone-number-id <id>', 'Meta phone_number_id')
      .requiredOption('--display <number>', 'display phone number, e.g. "+1 555 0100"')
      .requiredOption('--waba-id <id>', 'WhatsApp Business Account id'),
  ).action((o: NumberOptions) =>
    withStore(o, async (store) => numberView(await numbers.addNumber(store, toChanges(o) as numbers.NewNumberRequest, Date.now())), numberLine),
  );
  group.command('list').description('list numbers').option('--account <id>', 'only this account\u2019s numbers').option('--json', 'print JSON')
    .action((o: Output & { account?: string }) => withStore(o, async (store) => (await numbers.listNumbers(store, { accountId: o.account })).map(numberView), numberLine));
  numberOptions(group.command('update <id>').description('change a number (num_… or phone_number_id)').option('--display <number>', 'display phone number'))
    .action((id: string, o: NumberOptions) => withStore(o, async (store) => numberView(await numbers.updateNumber(store, id, toChanges(o), Date.now())), numberLine));
  group.command('assign <id> <account>').description('assign a number to an account').option('--default', 'make it the account\u2019s default number')
    .option('--json', 'print JSON')
    .action((id: string, accountId: string, o: Output & { default?: boolean }) =>
      withStore(o, async (store) => numberView(await numbers.assignNumber(store, id, accountId, { makeDefault: Boolean(o.default) }, Date.now())), numberLine),
    );
  group.command('remove <id>').description('remove a number').option('--json', 'print JSON').action((id: string, o: Output) =>
    withStore(o, async (store) => ({ ...(await numbers.removeNumber(store, id)), removed: true }), (r) => `${r['id']}\tremoved`),
  );
}
