/**
 * The serving process's background process: `switchboard serve --role worker` forked with an IPC channel, so dispatch,
 * Meta webhook application and customer webhook delivery run on the second core while this process answers HTTP. It is
 * started once the serving process listens, restarted with a backoff when it dies, and stopped after the HTTP server
 * closed (so nothing accepted is left without a worker). Wake-ups and metrics cross the channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isPartnerMessage, sendToPartner, type PartnerMetrics } from './partner-link.js';
import type { PartnerWakeUps } from './partner-wake-ups.js';

const BIN = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));
/** The environment variable that tells a `serve` it is the background process of the one that forked it. */
export const PARTNER_VARIABLE = 'SWITCHBOARD_BACKGROUND_OF';
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;
const METRICS_TIMEOUT_MS = 2_000;
const RESTART_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];
/** A process that ran this long before dying starts the backoff over. */
const HEALTHY_RUN_MS = 60_000;

export interface BackgroundProcessOptions {
  /** Added to this process's environment for the child (its upstream URL, at least). */
  readonly env: Readonly<Record<string, string>>;
  readonly wakeUps: PartnerWakeUps;
  readonly log: (message: string) => void;
}

export class BackgroundProcess {
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private failures = 0;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private asks = 0;
  private lastExit = 'not started yet';

  constructor(private readonly options: BackgroundProcessOptions) {}

  /** Forks the child and resolves once it reports its work started. */
  async start(): Promise<void> {
    const child = fork(BIN, ['serve', '--role', 'worker'], {
      env: { ...process.env, ...this.options.env, [PARTNER_VARIABLE]: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.options.wakeUps.attach(child);
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the background process did not start within a minute')), START_TIMEOUT_MS);
      const onMessage = (message: unknown) => {
        if (!isPartnerMessage(message) || message.kind !== 'started') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve();
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the background process exited (${signal ?? `code ${code}`}) before it started its work`));
      });
    });
    this.startedAt = Date.now();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** For readiness: the background work runs (a restart in progress is not ready). */
  state(): { ok: true } | { ok: false; reason: string } {
    return this.child?.connected ? { ok: true } : { ok: false, reason: `the background process is not running (${this.lastExit})` };
  }

  /** The child's metrics, or none when it does not answer in time. */
  metrics(): Promise<PartnerMetrics> {
    const child = this.child;
    if (!child?.connected) return Promise.resolve([]);
    const ask = ++this.asks;
    return new Promise((resolve) => {
      const done = (metrics: PartnerMetrics) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(metrics);
      };
      const timer = setTimeout(() => done([]), METRICS_TIMEOUT_MS);
      const onMessage = (message: unknown) => {
        if (isPartnerMessage(message) && message.kind === 'metrics' && message.ask === ask) done(message.metrics);
      };
      child.on('message', onMessage);
      sendToPartner(child, { kind: 'metrics-ask', ask });
    });
  }

  /** SIGTERM, then SIGKILL if the child has not finished its in-flight work within the grace. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const grace = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(grace);
    this.options.wakeUps.detach();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.lastExit = `last exit: ${signal ?? `code ${code}`}`;
    if (this.stopping || child !== this.child || this.startedAt === 0) return;
    this.failures = Date.now() - this.startedAt >= HEALTHY_RUN_MS ? 1 : this.failures + 1;
    const delay = RESTART_BACKOFF_MS[Math.min(this.failures, RESTART_BACKOFF_MS.length) - 1]!;
    this.options.log(`the background process exited (${signal ?? `code ${code}`}); starting it again in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.start().catch((error: unknown) => this.options.log(`restarting the background process failed: ${error instanceof Error ? error.message : String(error)}`));
    }, delay);
  }
}
