/**
 * The end-to-end benchmarks' simulator as a child process (bench/scale-simulator.ts): set up over its `/_sim` routes,
 * asked over IPC for the sends it received, so its work does not share the bench's or the gateways' event loops.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SenderSimulator } from './bench-sender.js';
import { APP_SECRET, VERIFY_TOKEN } from './gateway-process.js';
import type { ReceivedSend } from './scale-simulator.js';

export interface SimulatorProcessOptions {
  /** Milliseconds after the send that `read` is reported; absent = never (sent and delivered only). */
  readonly readAfterMs?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class SimulatorProcess implements SenderSimulator {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(options: SimulatorProcessOptions = {}): Promise<SimulatorProcess> {
    const args = options.readAfterMs === undefined ? [] : [String(options.readAfterMs)];
    const child = fork(fileURLToPath(new URL('./scale-simulator.ts', import.meta.url)), args, {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const { url } = await new Promise<{ url: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { url: string }));
      child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    });
    return new SimulatorProcess(child, url);
  }

  /** The child's process id, to read its CPU time. */
  get pid(): number {
    return this.child.pid!;
  }

  private async admin<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  createBusiness(input: Record<string, never>) {
    return this.admin<{ wabaId: string; accessToken: string }>('POST', '/_sim/businesses', input);
  }
  createTemplate(input: object) {
    return this.admin('POST', '/_sim/templates', input);
  }
  createPhoneNumber(input: object) {
    return this.admin<{ phoneNumberId: string; displayPhoneNumber: string }>('POST', '/_sim/phone-numbers', input);
  }
  setWebhook(gatewayUrl: string) {
    return this.admin('PUT', '/_sim/webhook', { url: `${gatewayUrl}/webhooks/meta`, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
  }

  /** Waits (at most `maxMs`) for the status webhooks still queued, so that none reaches the next configuration's gateway. */
  async flushWebhooks(maxMs: number): Promise<void> {
    await Promise.race([this.admin('POST', '/_sim/webhook/flush', {}), sleep(maxMs)]);
  }

  /** The sends received since the last call. */
  collect(): Promise<readonly ReceivedSend[]> {
    return new Promise((resolve) => {
      this.child.once('message', (m) => resolve((m as { sends: ReceivedSend[] }).sends));
      this.child.send('sends');
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('stop');
    await exited;
  }
}
