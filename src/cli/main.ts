/** The `switchboard` command line: one sub-command per file, registered here. */
import { Command } from 'commander';
import { registerAdmin } from './admin.js';
import { registerErrors } from './errors.js';
import { registerExplain } from './explain.js';
import { registerServe } from './serve.js';
import { registerSimulate } from './simulate.js';

const program = new Command('switchboard')
  .description('Self-hosted WhatsApp Business messaging gateway')
  .showHelpAfterError()
  .exitOverride();

for (const register of [registerServe, registerSimulate, registerAdmin, registerExplain, registerErrors]) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const exitCode = (error as { exitCode?: number }).exitCode;
  process.exitCode = typeof exitCode === 'number' ? exitCode : 1;
  if (exitCode === undefined) console.error(error instanceof Error ? error.message : String(error));
}
