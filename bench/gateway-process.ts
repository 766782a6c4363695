/** A gateway for a benchmark: `switchboard serve` from bin/ in a process of its own, and an HTTP client for its API. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const BIN = fileURLToPath(new URL('../bin/switchboard.js', import.meta.url));
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdefgh';
export const APP_SECRET = 'bench-app-secret';
export const VERIFY_TOKEN = 'bench-verify-token';

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

/** Starts a gateway on a free port and resolves with its URL once it listens; `env` adds to (or overrides) the bench's settings. */
export function spawnGateway(dataDir: string, upstreamUrl: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  // BENCH_PROFILE=<dir> writes a CPU profile of the gateway process there, to see where its time goes.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, BIN, 'serve'], {
    env: {
      ...process.env, SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_LOG_LEVEL: 'warn', SWITCHBOARD_UPSTREAM_URL: upstreamUrl,
      SWITCHBOARD_ADMIN_KEY: ADMIN_KEY, SWITCHBOARD_META_APP_SECRET: APP_SECRET, SWITCHBOARD_META_VERIFY_TOKEN: VERIFY_TOKEN, SWITCHBOARD_DEMO: 'false',
      SWITCHBOARD_BATCH_MAX: '1000', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  let out = '';
  return new Promise((ok, fail) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) ok({ child, url, stop });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => fail(new Error(`gateway exited with ${code}:\n${out}`)));
  });
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

export class GatewayApi {
  private readonly pool: Pool;
  /** `connections`: at most this many requests on their way at once; more wait in the client, as they would in a caller's pool. */
  constructor(url: string, connections = 16) {
    this.pool = new Pool(url, { connections });
  }
  async call(key: string, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<ApiAnswer> {
    const res = await this.pool.request({ method, path, headers: { 'x-api-key': key, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> };
  }
  close(): Promise<void> {
    return this.pool.close();
  }
}
