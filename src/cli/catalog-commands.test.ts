import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from '../../test/helpers/cli.js';
import { REPO_ROOT } from '../../test/helpers/shared.js';
import { CATALOG } from '../catalog/catalog.js';
import { renderReference } from '../catalog/reference.js';

describe('switchboard explain', () => {
  it('prints the entry for a Meta code as JSON', async () => {
    const result = await runCli(['explain', '131047', '--json']);
    expect(result.code).toBe(0);
    const entries = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entries[0]).toMatchObject({ namespace: 'meta', code: 131047, http_status: 400, graph_code: 131047, retry: { class: 'fix-request' } });
  });

  it('lists every namespace where a number means something, Meta first', async () => {
    const result = await runCli(['explain', '2', '--json']);
    const entries = JSON.parse(result.stdout) as Array<{ namespace: string; code: unknown }>;
    const owners = entries.filter((e) => e.code === 2).map((e) => e.namespace);
    expect(owners[0]).toBe('meta');
    expect(owners).toContain('sms');
  });

  it('finds an entry by words of its title or an alias, in plain text', async () => {
    const result = await runCli(['explain', 'Outside service window']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gateway outside_service_window');
    expect(result.stdout).toContain('Action:');
  });

  it('exits 1 with a clear message when nothing matches', async () => {
    const result = await runCli(['explain', 'flux capacitor overheated']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No catalog entry matches');
    expect(result.stdout).toBe('');
  });
});

describe('switchboard errors', () => {
  it('prints every entry in snake_case with namespace, code, http_status, retry.class and aliases', async () => {
    const result = await runCli(['errors', '--json']);
    expect(result.code).toBe(0);
    const entries = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(CATALOG.length);
    for (const entry of entries) {
      expect(entry).toHaveProperty('namespace');
      expect(entry).toHaveProperty('code');
      expect(entry).toHaveProperty('http_status');
      expect(Object.keys(entry).filter((k) => /[A-Z]/.test(k))).toEqual([]);
      expect(entry).toHaveProperty('retry.class');
      expect(Array.isArray(entry.aliases)).toBe(true);
    }
  });

  it('prints the reference page that docs/errors.md holds', async () => {
    const result = await runCli(['errors', '--markdown']);
    expect(result.stdout).toBe(renderReference(CATALOG));
  });
});

describe('docs/errors.md', () => {
  const committed = readFileSync(resolve(REPO_ROOT, 'docs/errors.md'), 'utf8');

  it('is what the catalog renders today (run `npm run docs:errors` when this fails)', () => {
    expect(committed).toBe(renderReference(CATALOG));
  });

  it('has a section for every entry and no section for an entry that is gone', () => {
    const anchors = [...committed.matchAll(/<a id="([^"]+)"><\/a>\n### /g)].map((m) => m[1]);
    expect(anchors.sort()).toEqual(CATALOG.map((e) => e.docs).sort());
  });

  it('carries the disagreement table', () => {
    expect(committed).toContain('## Where the seeds disagree');
    expect(committed).toMatch(/\| \[meta 132001\]\(#meta-132001\) \|/);
  });
});
