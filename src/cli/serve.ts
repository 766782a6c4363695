/** `switchboard serve` (what `npm start` runs): starts the gateway and prints how to use it. */
import { Option, type Command } from 'commander';
import { CONFIG_VARIABLES, loadConfig, processRole } from '../config.js';
import { backgroundInChild, PROCESS_ROLES } from '../domain/process-role.js';
import { startGateway, type RunningGateway } from '../main.js';
import { linkToServingProcess } from '../runtime/background-child.js';
import { PARTNER_VARIABLE } from '../runtime/background-process.js';

const ROLE_NOTES = {
  all: 'API and background work (dispatch, webhooks, template sync, pruning)',
  api: 'API only: sends are accepted and stored here, a worker process sends them',
  worker: 'background work only (dispatch, webhooks, template sync, pruning); HTTP serves /healthz, /readyz and /metrics',
} as const;

function banner(gateway: RunningGateway): string {
  const where = gateway.role === 'worker'
    ? `Switchboard listening on ${gateway.url}  (probes: ${gateway.url}/healthz, ${gateway.url}/readyz)`
    : `Switchboard listening on ${gateway.url}  (API docs: ${gateway.url}/docs, OpenAPI: ${gateway.url}/openapi.json)`;
  const lines = [where, `Role: ${gateway.role} (${ROLE_NOTES[gateway.role]})`, `Upstream: ${gateway.upstreamNote}`, `SMS: ${gateway.sms.note}`];
  if (gateway.background) lines.push(`Background work: child process ${gateway.background.pid} (SWITCHBOARD_BACKGROUND=inline keeps it in this process)`);
  lines.push(gateway.metricsUrl ? `Metrics: ${gateway.metricsUrl}/metrics (no key)` : `Metrics: ${gateway.url}/metrics (admin key)`);
  const { adminKey, demo } = gateway.firstStart;
  if (adminKey) lines.push('', `Admin key (shown once, store it now): ${adminKey}`);
  if (demo) {
    const api = gateway.role === 'worker' ? '<url of an api process>' : gateway.url;
    const body = JSON.stringify({ to: '15551234567', type: 'template', template: { name: 'hello_world', language: 'en_US' } });
    lines.push(
      `Demo account ${demo.accountId}, number ${demo.phoneNumberId} (default). Account key (shown once): ${demo.key}`,
      '',
      'Send a message:',
      `  curl -sS ${api}/v1/messages -H 'X-API-Key: ${demo.key}' -H 'Content-Type: application/json' -d '${body}'`,
      'Then read it back (use the id from the answer):',
      `  curl -sS ${api}/v1/messages/<id> -H 'X-API-Key: ${demo.key}'`,
    );
  }
  if (!adminKey && !demo)
    lines.push('Keys are shown only when created. New ones: `switchboard keys create --admin` or `switchboard keys create --account <id>`.');
  return lines.join('\n');
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the gateway: HTTP API, built-in simulator when no upstream is configured, SQLite store under ./data')
    .addHelpText('after', `\nConfiguration (environment):\n${CONFIG_VARIABLES.map((v) => `  ${v.name.padEnd(26)} ${v.meaning}`).join('\n')}`)
    .addOption(new Option('--role <role>', 'what this process runs (default: SWITCHBOARD_ROLE, else all)').choices(PROCESS_ROLES))
    .action(async (options: { role?: string }) => {
      const config = loadConfig();
      const role = processRole('--role', options.role) ?? config.role;
      // Set once started; a stop asked for during the start exits without a gateway to close.
      const running: { gateway?: RunningGateway } = {};
      let closing = false;
      const stop = (why: string) => {
        if (closing) return;
        closing = true;
        if (!link) console.log(`\n${why}: closing (accepted messages are already on disk)`);
        const closed = running.gateway ? running.gateway.close() : Promise.resolve();
        closed.then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      // Forked by a serving process: it stops this one (SIGTERM), or this one stops when it is gone.
      const link = linkToServingProcess(process.env[PARTNER_VARIABLE] !== undefined, () => stop('the serving process is gone'));
      const background = !link && backgroundInChild(role, config.background);
      const gateway = await startGateway({ ...config, role }, link ? { partner: link.wakeUps } : { backgroundProcess: background });
      running.gateway = gateway;
      if (link) link.started(gateway.metrics.registry);
      else console.log(banner(gateway));
      // Ctrl-C reaches the whole process group; a background process waits for its serving process to stop it.
      process.once('SIGINT', () => (link ? undefined : stop('SIGINT')));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
