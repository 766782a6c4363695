/**
 * Redis for the tests: the shared server (127.0.0.1:6379, keys under a prefix unique to each test, never flushed),
 * whether its suites run (when it answers, and under CI always, so a missing server fails there), and a server a test
 * owns on a free port, which it may stop and start again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Keys of one test, apart from every other test's. */
export function uniqueRedisPrefix(): string {
  return `test:${randomBytes(6).toString('hex')}:`;
}

/** Whether a Redis at `url` answers PING now (one short attempt, no retries). */
export async function answersPing(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Whether the suites that need the shared Redis run: it answers, or we are under CI (where they then fail). */
export async function redisSuiteRuns(): Promise<boolean> {
  return (await answersPing(TEST_REDIS_URL)) || Boolean(process.env.CI);
}

/** Whether suites that start their own redis-server run: the program is installed, or we are under CI. */
export async function ownRedisRuns(): Promise<boolean> {
  const child = spawn('redis-server', ['--version'], { stdio: 'ignore' });
  const [code] = (await Promise.race([once(child, 'exit'), once(child, 'error').then(() => [1])])) as [number | null];
  return code === 0 || Boolean(process.env.CI);
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface OwnRedis {
  readonly url: string;
  /** Stops the server (SIGTERM) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty, and waits until it answers. */
  start(): Promise<void>;
}

/** A redis-server of the test's own on a free port, with no persistence: it starts empty every time. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const own: OwnRedis = {
    url,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      for (const deadline = Date.now() + 10_000; !(await answersPing(url)); await sleep(50))
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
  await own.start();
  return own;
}
