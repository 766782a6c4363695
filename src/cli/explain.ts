/** `switchboard explain`: what a code or an error text means, where it comes from, and what to do. */
import type { Command } from 'commander';
import { explain } from '../catalog/catalog.js';
import { entryView } from '../catalog/entry-view.js';
import type { CatalogEntry } from '../catalog/entry.js';
import { describeAlias, describeRetry } from '../catalog/reference.js';

function formatEntry(entry: CatalogEntry): string {
  const lines = [
    `${entry.namespace} ${entry.code} \u2014 ${entry.title}`,
    `  HTTP ${entry.httpStatus} \u00b7 retry: ${describeRetry(entry.retry)}${entry.arrives ? ` \u00b7 arrives: ${entry.arrives}` : ''}`,
    `  Meaning: ${entry.meaning}`,
    `  Action:  ${entry.action}`,
  ];
  for (const alias of entry.aliases) lines.push(`  Also: ${describeAlias(alias)}${alias.conflict ? ` \u2014 differs: ${alias.conflict}` : ''}`);
  return lines.join('\n');
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('explain an error: a code (131047, 2, outside_service_window) or words from its title or message')
    .argument('<query...>', 'code or text to look up')
    .option('--json', 'print the matching catalog entries as a JSON array')
    .action((words: string[], options: { json?: boolean }) => {
      const query = words.join(' ');
      const matches = explain(query);
      if (matches.length === 0) {
        console.error(`No catalog entry matches "${query}". Try a code (e.g. 131047) or words from the error message; \`switchboard errors\` lists them all.`);
        process.exitCode = 1;
        return;
      }
      console.log(options.json ? JSON.stringify(matches.map(entryView), null, 2) : matches.map(formatEntry).join('\n\n'));
    });
}
