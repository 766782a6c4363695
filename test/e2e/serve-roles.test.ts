/**
 * `switchboard serve --role` as an operator runs it, on the embedded SQLite store whatever engine the run uses: the
 * role is parsed (the option over SWITCHBOARD_ROLE), split roles are refused on a store one process owns, and the
 * banner says which role started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { killHard, serveProcess } from '../helpers/serve-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-serve-roles-'));
const SQLITE = { SWITCHBOARD_DATA_DIR: dataDir, DATABASE_URL: `sqlite:${join(dataDir, 'switchboard.db')}`, PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_DEMO: 'false' };
// Split roles need an upstream URL too; with one given, only the store can refuse them.
const UPSTREAM = { SWITCHBOARD_UPSTREAM_URL: 'http://127.0.0.1:9', SWITCHBOARD_META_APP_SECRET: 'serve-roles-secret', SWITCHBOARD_META_VERIFY_TOKEN: 'serve-roles-token' };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('serve --role', () => {
  it('refuses a role it does not know, from the option or the environment', async () => {
    const option = await runCli(['serve', '--role', 'dispatcher'], SQLITE);
    expect(option.code).not.toBe(0);
    expect(option.stderr).toMatch(/dispatcher.*invalid.*api, worker, all/s);
    const variable = await runCli(['serve'], { ...SQLITE, SWITCHBOARD_ROLE: 'dispatcher' });
    expect(variable.code).toBe(1);
    expect(variable.stderr).toContain('SWITCHBOARD_ROLE must be one of api, worker, all (got "dispatcher")');
  }, 30_000);

  it.each([
    [['--role', 'api'], {}, 'api'],
    [[], { SWITCHBOARD_ROLE: 'worker' }, 'worker'],
  ])('refuses %j %j on SQLite: one process owns that store', async (args, env, role) => {
    const result = await runCli(['serve', ...args], { ...SQLITE, ...UPSTREAM, ...env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`role "${role}" needs a store shared across processes (DATABASE_URL=postgres://…)`);
    expect(result.stdout).not.toContain('listening');
  }, 30_000);

  it('starts with the option over the environment, and says its role in the banner', async () => {
    const served = await serveProcess({ ...SQLITE, SWITCHBOARD_ROLE: 'api' }, /Upstream:/, ['--role', 'all']);
    try {
      expect(served.output()).toMatch(/^Role: all \(API and background work/m);
      expect((await fetch(`${served.url}/readyz`)).status).toBe(200);
    } finally {
      await killHard(served.child);
    }
  }, 30_000);
});
