/**
 * The scale benchmark's simulator, in a process of its own so that its work does not share the gateways' event loops.
 * It is set up over its `/_sim` routes; over IPC it hands over the message sends it received since the last ask, so the
 * benchmark follows progress without downloading the whole request record each time.
 */
import { startSimulator } from '../src/simulator/index.js';

/** One received send: when it arrived, and our message id (Meta echoes it as `biz_opaque_callback_data`). */
export type ReceivedSend = readonly [at: number, messageId: string];

void (async () => {
  // Statuses as in the dispatch benchmark: `sent` at once, `delivered` 5 ms later; `read` after the milliseconds given
  // as the first argument (the whole-flow benchmark's customers read everything), else never.
  const readArgument = process.argv[2];
  const read = readArgument === undefined ? -1 : Number(readArgument);
  const sim = await startSimulator({ port: 0, recordLimit: 1_000_000, statusDelaysMs: { sent: 0, delivered: 5, read }, logger: false });
  process.send?.({ url: sim.url });
  process.on('message', (ask: 'sends' | 'stop') => {
    if (ask === 'stop') {
      void sim.close().then(() => process.exit(0));
      return;
    }
    const records = sim.admin.requests();
    sim.admin.clearRequests();
    const sends: ReceivedSend[] = records
      .filter((r) => r.method === 'POST' && r.status === 200 && r.path.endsWith('/messages'))
      .map((r) => [r.at, (r.body as { biz_opaque_callback_data?: string } | undefined)?.biz_opaque_callback_data ?? '']);
    process.send?.({ sends });
  });
})();
