/**
 * Servers a scale test owns and may stop: a `redis-server` and a PostgreSQL cluster of its own on free ports (the
 * shared ones on 6379 and 5432 are never stopped), and the check that the tools and shared servers a test needs exist.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { answersPing } from '../helpers/redis-server.js';
import pg from 'pg';

export const SHARED_REDIS_URL = process.env.SWITCHBOARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

function onPath(tool: string): string | undefined {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, tool)).find((path) => existsSync(path));
}

/** PostgreSQL's server tools: the newest /usr/lib/postgresql/<version>/bin holding the tool, else the PATH. */
export function postgresTool(tool: 'initdb' | 'pg_ctl'): string | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => join(root, v, 'bin', tool)).find((path) => existsSync(path)) ?? onPath(tool);
}

export type Prerequisite = 'postgres' | 'shared redis' | 'redis-server' | 'initdb';

/**
 * What of `needs` is missing, as sentences; under CI nothing is ever reported missing, so the test runs and fails on it
 * instead of skipping. `postgresReachable` is the run's probe of the shared test server.
 */
export async function missingPrerequisites(needs: readonly Prerequisite[], postgresReachable: boolean): Promise<string[]> {
  if (process.env.CI) return [];
  const missing: string[] = [];
  for (const need of needs) {
    if (need === 'postgres' && !postgresReachable) missing.push('the test PostgreSQL server cannot be reached');
    if (need === 'shared redis' && !(await answersPing(SHARED_REDIS_URL))) missing.push(`no Redis answers at ${SHARED_REDIS_URL}`);
    if (need === 'redis-server' && !onPath('redis-server')) missing.push('redis-server is not installed');
    if (need === 'initdb' && !(postgresTool('initdb') && postgresTool('pg_ctl'))) missing.push('initdb/pg_ctl are not installed');
  }
  return missing;
}

/** Says once, in the run's log, why a scale test is skipped. */
export function skipReason(title: string, missing: readonly string[]): boolean {
  if (missing.length > 0) console.warn(`scale test "${title}" skipped: ${missing.join('; ')}. Set CI=1 to make this a failure.`);
  return missing.length > 0;
}

export interface OwnedPostgres {
  /** postgres://… of the cluster's `scale` database. */
  readonly url: string;
  /** `pg_ctl stop -m fast`: every connection is cut and new ones are refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and removes its files. */
  dispose(): Promise<void>;
}

/** PostgreSQL refuses to run as root: when the tests do, the cluster runs as the `postgres` account. */
function clusterAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startOwnedPostgres(): Promise<OwnedPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-scale-pg-'));
  const account = clusterAccount();
  if (account) chownSync(dir, account.uid, account.gid);
  const run = (tool: 'initdb' | 'pg_ctl', args: string[]) =>
    new Promise<void>((ok, fail) => {
      const child = spawn(postgresTool(tool) ?? tool, args, { ...(account ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.once('error', fail);
      child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`${tool} ${args.join(' ')} exited with ${code}:\n${out}`))));
    });
  const data = join(dir, 'data');
  const port = await freePort();
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const cluster: OwnedPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/scale`,
    start: () => run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start']),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    async dispose() {
      await cluster.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE scale');
  await admin.end();
  return cluster;
}
