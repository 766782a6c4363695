/** `switchboard accounts|keys|numbers|sms …`: the admin API's use cases on the configured store, for operators' scripts. */
import type { Command } from 'commander';
import { registerAccounts } from './admin-accounts.js';
import { registerKeys } from './admin-keys.js';
import { registerNumbers } from './admin-numbers.js';
import { registerSms } from './admin-sms.js';

export function registerAdmin(program: Command): void {
  registerAccounts(program);
  registerKeys(program);
  registerNumbers(program);
  registerSms(program);
}
