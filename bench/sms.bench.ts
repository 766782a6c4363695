/**
 * SMS submits per second through one SMPP connector against the SMSC simulator (both in this process, over a real
 * local socket): once with a throughput far above what the pair can do (the ceiling), once paced, where the figure
 * to check is that the busiest second counted at the simulator stays within the connector's throughput.
 */
import type { Benchmark, BenchFigure } from './bench.js';
import { segmentText } from '../src/domain/sms/segments.js';
import { busiestSecond } from '../src/simulator/smsc/smsc-rules.js';
import { startSmscSimulator } from '../src/simulator/smsc/smsc-simulator.js';
import { SmppConnector } from '../src/sms/smpp-connector.js';

const ACCOUNT = { systemId: 'bench', password: 'bench' };
const CONCURRENCY = 200;

async function run(throughputPerSecond: number, window: number, seconds: number) {
  const sim = await startSmscSimulator({ accounts: [ACCOUNT], receiptDelayMs: 0 });
  let receipts = 0;
  const connector = new SmppConnector(
    { id: 'smsc_bench', host: sim.host, port: sim.port, ...ACCOUNT, systemType: '', throughputPerSecond, window },
    { observer: { onReceipt: () => void (receipts += 1) } },
  );
  connector.start();
  const segmentation = segmentText('Your code is 123456. It expires in 10 minutes.');
  let accepted = 0;
  let failed = 0;
  let seq = 0;
  const started = Date.now();
  const stopAt = started + seconds * 1000;
  async function worker(): Promise<void> {
    while (Date.now() < stopAt) {
      const to = String(4915100000000 + (seq += 1));
      try {
        await connector.submit({ from: { kind: 'alphanumeric', value: 'Bench' }, to, segmentation });
        accepted += 1;
      } catch {
        failed += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (Date.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 300));
  await connector.stop();
  await sim.close();
  const arrivals = sim.submits.map((s) => s.at);
  return { perSecond: accepted / elapsed, failed, busiest: busiestSecond(arrivals), receipts, accepted };
}

export const smsBenchmark: Benchmark = {
  name: 'sms',
  async run(): Promise<BenchFigure[]> {
    const ceiling = await run(100_000, 50, 5);
    const paced = await run(500, 50, 4);
    return [
      { name: 'submits per second, one connector, unpaced', value: ceiling.perSecond, unit: 'submit_sm/s', note: `window 50, ${CONCURRENCY} concurrent senders; ${ceiling.failed} failed, ${ceiling.receipts}/${ceiling.accepted} receipts` },
      { name: 'submits per second, paced at 500/s', value: paced.perSecond, unit: 'submit_sm/s', note: `${paced.failed} failed` },
      { name: 'busiest second at the SMSC, paced at 500/s', value: paced.busiest, unit: 'submit_sm', note: 'must not exceed 500' },
    ];
  },
};
