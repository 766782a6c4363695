/** Configuration: defaults, environment over file, and errors that name the variable. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/helpers/shared.js';
import { CONFIG_VARIABLES, loadConfig } from './config.js';
import { DEFAULT_RETENTION } from './domain/retention.js';

describe('loadConfig', () => {
  it('has embedded defaults', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: './data', databaseUrl: undefined, upstreamUrl: undefined, demo: true, role: 'all' });
  });

  it('reads the environment over a YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-config-'));
    const file = join(dir, 'switchboard.yaml');
    writeFileSync(file, 'port: 9000\nbatchMaxRecipients: 50\ndataDir: /srv/sb\n');
    const config = loadConfig({ SWITCHBOARD_CONFIG: file, PORT: '0', SWITCHBOARD_DEMO: 'false', SWITCHBOARD_TRUST_PROXY: '1' });
    rmSync(dir, { recursive: true, force: true });
    expect(config).toMatchObject({ port: 0, batchMaxRecipients: 50, dataDir: '/srv/sb', demo: false, trustProxy: 1 });
  });

  it('names the variable it cannot use', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ SWITCHBOARD_ADMIN_KEY: 'short' })).toThrow(/SWITCHBOARD_ADMIN_KEY/);
    expect(() => loadConfig({ SWITCHBOARD_DEMO: 'maybe' })).toThrow(/SWITCHBOARD_DEMO/);
    expect(() => loadConfig({ SWITCHBOARD_ROLE: 'dispatcher' })).toThrow(/SWITCHBOARD_ROLE must be one of api, worker, all/);
  });

  it('reads the process role', () => {
    expect(loadConfig({ SWITCHBOARD_ROLE: 'worker' }).role).toBe('worker');
    expect(loadConfig({ SWITCHBOARD_ROLE: '' }).role).toBe('all');
  });

  it('reads retention per table, and never keeps idempotency keys for less than they are honoured', () => {
    const config = loadConfig({ SWITCHBOARD_RETAIN_MESSAGES_DAYS: '10', SWITCHBOARD_RETAIN_IDEMPOTENCY_HOURS: '48' });
    expect(config.retention).toEqual({ ...DEFAULT_RETENTION, messages: 10 * 24 * 3600_000, idempotency_keys: 48 * 3600_000 });
    expect(() => loadConfig({ SWITCHBOARD_RETAIN_IDEMPOTENCY_HOURS: '1' })).toThrow(/SWITCHBOARD_RETAIN_IDEMPOTENCY_HOURS/);
  });
});

describe('the README', () => {
  it('documents every configuration variable', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(CONFIG_VARIABLES.map((v) => v.name).filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
