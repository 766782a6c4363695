/** `switchboard simulate`: runs the Cloud API simulator on its own, for developers testing their error handling before going live. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { startSimulator } from '../simulator/index.js';
import type { SimulatorOptions } from '../simulator/index.js';
import { smscOptions, startSmscFromFlags, type SmscFlags } from './simulate-smsc.js';

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

interface SimulateFlags extends SmscFlags {
  port: number;
  host: string;
  seed?: number;
  scenario?: string;
  webhookUrl?: string;
  appSecret?: string;
  verifyToken?: string;
  demo: boolean;
}

export function registerSimulate(program: Command): void {
  smscOptions(program.command('simulate'), integer)
    .description('Run a local WhatsApp Cloud API (Graph) simulator that enforces Meta\'s rules and fails like Meta does')
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', integer('--port', 0, 65_535), 4010)
    .option('--host <host>', 'interface to listen on; the admin API has no auth, so keep it local', '127.0.0.1')
    .option('--seed <n>', 'seed for ids and probabilistic faults: the same seed repeats a run', integer('--seed', 0, 2 ** 32 - 1))
    .option('--scenario <file>', 'JSON or YAML scenario: businesses, phoneNumbers, templates, contacts, links, faults, webhook, inbound')
    .option('--webhook-url <url>', 'where status, inbound and template webhooks are POSTed')
    .option('--app-secret <secret>', 'app secret that signs webhooks (X-Hub-Signature-256)')
    .option('--verify-token <token>', 'hub.verify_token sent in the verification handshake before the first webhook')
    .option('--no-demo', 'do not create the demo business, number and hello_world template')
    .addHelpText(
      'after',
      `
Graph API:  POST /v21.0/{phone-number-id}/messages, /media, /register, /deregister;
            GET|DELETE /v21.0/{media-id}; GET|POST|DELETE /v21.0/{waba-id}/message_templates;
            GET /v21.0/{waba-id}/phone_numbers  (any vNN.N prefix; Authorization: Bearer <token>)
Admin API:  /_sim/businesses, /_sim/phone-numbers, /_sim/templates, /_sim/templates/status, /_sim/contacts,
            /_sim/inbound, /_sim/faults, /_sim/outage, /_sim/requests, /_sim/webhook, /_sim/scenario

Examples:
  switchboard simulate --port 4010 --webhook-url http://127.0.0.1:3000/webhooks/meta --app-secret s3cret
  switchboard simulate --scenario test/fixtures/simulator/scenario.yaml --seed 42
  switchboard simulate --smsc-port 2775 --smsc-account acme:s3cret --smsc-fault '49151.*=absent' --smsc-fault '4930.*=congestion:2'
  curl -X POST localhost:4010/_sim/faults -H 'content-type: application/json' \\
       -d '{"match":{"to":"1555.*"},"error":131026,"probability":0.5}'`,
    )
    .action(async (flags: SimulateFlags) => {
      const options: SimulatorOptions = {
        host: flags.host,
        port: flags.port,
        ...(flags.seed === undefined ? {} : { seed: flags.seed }),
        ...(flags.scenario === undefined ? {} : { scenario: flags.scenario }),
        ...(flags.webhookUrl === undefined ? {} : { webhookUrl: flags.webhookUrl }),
        ...(flags.appSecret === undefined ? {} : { appSecret: flags.appSecret }),
        ...(flags.verifyToken === undefined ? {} : { verifyToken: flags.verifyToken }),
      };
      if (flags.webhookUrl !== undefined && flags.appSecret === undefined) {
        throw new InvalidArgumentError('--webhook-url needs --app-secret: Meta signs every webhook');
      }
      const sim = await startSimulator(options);
      console.log(`simulator listening on ${sim.url}`);
      const smsc = await startSmscFromFlags(flags, flags.host);
      if (flags.demo && flags.scenario === undefined) {
        const business = sim.admin.createBusiness({ name: 'Demo business' });
        const number = sim.admin.createPhoneNumber({ wabaId: business.wabaId });
        sim.admin.createTemplate({ wabaId: business.wabaId, name: 'hello_world', body: 'Hello World' });
        console.log(`demo business ${business.wabaId}, token ${business.accessToken}`);
        console.log(`demo number ${number.phoneNumberId} (${number.displayPhoneNumber}); send to ${sim.url}/v21.0/${number.phoneNumberId}/messages`);
      }
      const stop = (): void => {
        void Promise.all([sim.close(), smsc?.close()]).then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
