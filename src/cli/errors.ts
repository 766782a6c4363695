/** `switchboard errors`: the whole catalog, for machines (--json) or as the reference page (--markdown). */
import type { Command } from 'commander';
import { CATALOG } from '../catalog/catalog.js';
import { entryView } from '../catalog/entry-view.js';
import { describeRetry, renderReference } from '../catalog/reference.js';

export function registerErrors(program: Command): void {
  program
    .command('errors')
    .description('list every error in the catalog')
    .option('--json', 'print the catalog as a JSON array of entries')
    .option('--markdown', 'print the error reference page (the content of docs/errors.md)')
    .option('--namespace <namespace>', 'only this namespace (meta, onprem, gateway, sms)')
    .action((options: { json?: boolean; markdown?: boolean; namespace?: string }) => {
      const entries = options.namespace ? CATALOG.filter((e) => e.namespace === options.namespace) : CATALOG;
      if (options.markdown) process.stdout.write(renderReference(entries));
      else if (options.json) console.log(JSON.stringify(entries.map(entryView), null, 2));
      else for (const e of entries) console.log(`${e.namespace}\t${e.code}\t${e.httpStatus}\t${describeRetry(e.retry)}\t${e.title}`);
    });
}
