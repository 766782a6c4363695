/** `switchboard keys …`: the key use cases (create, list, revoke); a secret is printed once and stored only as a hash. */
import type { Command } from 'commander';
import * as keys from '../app/admin-keys.js';
import { keyView } from '../http/views.js';
import { usageError, withStore, type Line, type Output } from './admin-io.js';

const keyLine: Line = (k) =>
  `${k['id']}\t${k['kind']}\t${k['account_id'] ?? '-'}\t${k['prefix']}…\t${k['revoked_at'] ? `revoked ${k['revoked_at']}` : 'active'}${k['key'] ? `\n\nkey (shown once): ${k['key']}` : ''}`;

export function registerKeys(program: Command): void {
  const group = program.command('keys').description('manage API keys: secrets are shown once, stored only as hashes');
  group
    .command('create')
    .description('create a key: --admin for an admin key, --account <id> for an account key')
    .option('--admin', 'an admin key (manages accounts, keys and numbers)')
    .option('--account <id>', 'an account key (sends messages)')
    .option('--name <name>', 'a label for listings', '')
    .option('--json', 'print JSON')
    .action((o: Output & { admin?: boolean; account?: string; name: string }) =>
      withStore(o, async (store) => {
        // Without this the use case would read neither flag as an admin key; an operator should say which.
        if (!o.admin && !o.account) usageError('give exactly one of --admin or --account <id>');
        const { record, secret } = await keys.createKey(store, { kind: o.admin ? 'admin' : 'account', accountId: o.account, name: o.name }, Date.now());
        return { ...keyView(record), key: secret };
      }, keyLine),
    );
  group.command('list').description('list keys (never their secrets)').option('--account <id>', 'only this account\u2019s keys').option('--json', 'print JSON')
    .action((o: Output & { account?: string }) => withStore(o, async (store) => (await keys.listKeys(store, { accountId: o.account })).map(keyView), keyLine));
  group.command('revoke <id>').description('revoke a key for good').option('--json', 'print JSON').action((id: string, o: Output) =>
    withStore(o, async (store) => keyView(await keys.revokeKey(store, id, Date.now())), keyLine),
  );
}
