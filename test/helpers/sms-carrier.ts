/**
 * A gateway wired to an SMS centre of the test's own (the SMSC simulator with its faults), instead of the built-in demo
 * connector: one connector for the `acme` bind, the route `49…` to it, the demo account allowed the sender id `Acme`,
 * and quick retries so that transient receipts are tried again within a test.
 */
import { loadConfig } from '../../src/config.js';
import { DEFAULT_RETRY_SCHEDULE } from '../../src/domain/retry-policy.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { startSmscSimulator, type SmscSimulator, type SmscSimulatorOptions } from '../../src/simulator/smsc/smsc-simulator.js';
import { testDatabaseUrl } from './test-database.js';

export interface CarrierGateway {
  readonly carrier: SmscSimulator;
  readonly gateway: RunningGateway;
  close(): Promise<void>;
}

export async function startCarrierGateway(
  dataDir: string,
  carrierOptions: Omit<SmscSimulatorOptions, 'accounts'>,
  connector: { readonly throughputPerSecond: number; readonly window: number },
): Promise<CarrierGateway> {
  const carrier = await startSmscSimulator({ accounts: [{ systemId: 'acme', password: 'pw' }], ...carrierOptions });
  const config = { ...loadConfig({}), host: '127.0.0.1', port: 0, dataDir, databaseUrl: testDatabaseUrl(dataDir), logLevel: 'silent' as const, smsSyncSeconds: 0, smsSimulator: false };
  const gateway = await startGateway(config, { logger: false, dispatcher: { retry: { ...DEFAULT_RETRY_SCHEDULE, baseMs: 50, maxAttempts: 3 } } });
  const now = Date.now();
  const created = await gateway.store.sms.createConnector({ name: 'Carrier', host: carrier.host, port: carrier.port, systemId: 'acme', password: 'pw', ...connector }, now);
  await gateway.store.sms.createRoute({ prefix: '49', connectorId: created.id, accountIds: null }, now);
  await gateway.store.sms.addSenderId(gateway.firstStart.demo!.accountId, 'Acme', now);
  await gateway.sms.pool!.sync();
  await gateway.sms.pool!.boundWithin(created.id, 5000);
  return {
    carrier,
    gateway,
    close: async () => {
      await gateway.close();
      await carrier.close();
    },
  };
}
