/** Local webhook receivers for sender tests: each test's servers and senders are closed after it. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface HookServers {
  /** Starts a receiver on 127.0.0.1 answering with `handler`; resolves with its `/hook` URL. */
  serve(handler: Parameters<typeof createServer>[1]): Promise<string>;
  /** Closes `sender` after the test. */
  track<S extends { close(): Promise<void> }>(sender: S): S;
}

export function hookServers(): HookServers {
  const servers: Server[] = [];
  const senders: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of senders.splice(0)) await s.close();
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((done) => s.close(done));
    }
  });
  return {
    async serve(handler) {
      const server = createServer(handler);
      servers.push(server);
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    },
    track(sender) {
      senders.push(sender);
      return sender;
    },
  };
}
