/** `switchboard sms …`: the SMS channel's admin use cases (connectors, routes, sender ids) on the configured store. */
import type { Command } from 'commander';
import * as sms from '../app/admin-sms.js';
import { connectorView, routeView } from '../http/sms-views.js';
import type { NewSmsConnector } from '../store/sms-store.js';
import { wholeNumber, withStore, type Line, type Output } from './admin-io.js';

interface ConnectorOptions extends Output {
  name?: string; host?: string; port?: number; systemId?: string; password?: string; systemType?: string;
  throughput?: number; window?: number; enabled?: boolean;
}

const toChanges = (o: ConnectorOptions): sms.ConnectorChanges => ({
  name: o.name, host: o.host, port: o.port, systemId: o.systemId, password: o.password, systemType: o.systemType,
  throughputPerSecond: o.throughput, window: o.window, enabled: o.enabled,
});

const connectorLine: Line = (c) => `${c['id']}\t${c['name']}\t${c['host']}:${c['port']}\tsystem_id=${c['system_id']}\t${c['throughput_per_second']}/s window=${c['window']}\t${c['enabled'] ? 'enabled' : 'disabled'}`;
const routeLine: Line = (r) => `${r['id']}\t${r['prefix'] === '' ? '(default)' : `+${r['prefix']}`}\t→ ${r['connector_id']}\taccounts=${Array.isArray(r['account_ids']) ? (r['account_ids'] as string[]).join(',') : 'all'}`;
const senderLine: Line = (s) => `${s['account_id']}\t${s['sender_id']}${s['removed'] ? '\tremoved' : ''}`;

/** The CLI runs no connectors: its view of a bind is always "not running here". */
const view = (c: Parameters<typeof connectorView>[0]) => connectorView(c, undefined);

function connectorOptions(command: Command): Command {
  return command
    .option('--name <name>', 'a name for operators')
    .option('--host <host>', 'SMS centre host')
    .option('--port <port>', 'SMS centre port', wholeNumber('--port'))
    .option('--system-id <id>', 'SMPP system_id')
    .option('--password <password>', 'SMPP password (stored encrypted)')
    .option('--system-type <type>', 'SMPP system_type')
    .option('--throughput <n>', 'submit_sm per second at most', wholeNumber('--throughput'))
    .option('--window <n>', 'submit_sm awaiting their answer at most', wholeNumber('--window'))
    .option('--json', 'print JSON');
}

function registerConnectors(group: Command): void {
  const connectors = group.command('connectors').description('SMPP connectors to SMS centres');
  connectorOptions(connectors.command('add').description('add a connector (bound by every process that runs background work)'))
    .option('--disabled', 'store it disabled')
    .action((o: ConnectorOptions & { disabled?: boolean }) =>
      withStore(o, async (store) => view(await sms.addConnector(store, { ...toChanges(o), enabled: !o.disabled } as NewSmsConnector, Date.now())), connectorLine));
  connectors.command('list').description('list connectors').option('--json', 'print JSON')
    .action((o: Output) => withStore(o, async (store) => (await sms.listConnectors(store)).map(view), connectorLine));
  connectorOptions(connectors.command('update <id>').description('change a connector (running processes rebind with it)'))
    .option('--enable', 'enable it').option('--disable', 'disable it')
    .action((id: string, o: ConnectorOptions & { enable?: boolean; disable?: boolean }) => {
      const enabled = o.enable ? true : o.disable ? false : undefined;
      return withStore(o, async (store) => view(await sms.updateConnector(store, id, { ...toChanges(o), enabled }, Date.now())), connectorLine);
    });
  connectors.command('remove <id>').description('remove a connector no route uses').option('--json', 'print JSON')
    .action((id: string, o: Output) => withStore(o, async (store) => ({ ...(await sms.removeConnector(store, id)), removed: true }), (r) => `${r['id']}\tremoved`));
}

function registerRoutes(group: Command): void {
  const routes = group.command('routes').description('routes from destination prefixes to connectors (longest prefix wins)');
  routes.command('add <prefix> <connector>').description('route destinations starting with <prefix> ("" = the default route) to <connector>')
    .option('--accounts <ids>', 'only these accounts (comma-separated) may use the route').option('--json', 'print JSON')
    .action((prefix: string, connectorId: string, o: Output & { accounts?: string }) =>
      withStore(o, async (store) => routeView(await sms.addRoute(store, { prefix, connectorId, accountIds: o.accounts ? o.accounts.split(',').map((a) => a.trim()) : null }, Date.now())), routeLine));
  routes.command('list').description('list routes').option('--json', 'print JSON')
    .action((o: Output) => withStore(o, async (store) => (await sms.listRoutes(store)).map(routeView), routeLine));
  routes.command('remove <id>').description('remove a route').option('--json', 'print JSON')
    .action((id: string, o: Output) => withStore(o, async (store) => ({ ...(await sms.removeRoute(store, id)), removed: true }), (r) => `${r['id']}\tremoved`));
}

function registerSenders(group: Command): void {
  const senders = group.command('senders').description('sender ids an account may use (E.164 numbers or 1-11 GSM letters/digits)');
  senders.command('add <account> <sender>').description('allow the account a sender id').option('--json', 'print JSON')
    .action((accountId: string, senderId: string, o: Output) =>
      withStore(o, async (store) => ({ account_id: accountId, sender_id: await sms.addSenderId(store, accountId, senderId, Date.now()) }), senderLine));
  senders.command('list <account>').description('list the account\u2019s sender ids').option('--json', 'print JSON')
    .action((accountId: string, o: Output) =>
      withStore(o, async (store) => (await sms.listSenderIds(store, accountId)).map((senderId) => ({ account_id: accountId, sender_id: senderId })), senderLine));
  senders.command('remove <account> <sender>').description('withdraw a sender id').option('--json', 'print JSON')
    .action((accountId: string, senderId: string, o: Output) =>
      withStore(o, async (store) => ({ ...(await sms.removeSenderId(store, accountId, senderId)), removed: true }), senderLine));
}

export function registerSms(program: Command): void {
  const group = program.command('sms').description('manage the SMS channel: SMPP connectors, routes and sender ids');
  registerConnectors(group);
  registerRoutes(group);
  registerSenders(group);
}
