/**
 * The container files, checked where Docker cannot run: the image starts the binary and subcommand the tests serve,
 * its health check passes against a real gateway, and compose.yaml only sets what the configuration knows, with valid
 * roles and its services wired to one another.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../src/config.js';
import { runCli } from './helpers/cli.js';
import { killHard, serveProcess, type ServedGateway } from './helpers/serve-process.js';
import { REPO_ROOT } from './helpers/shared.js';
import { isProcessRole } from '../src/domain/process-role.js';

/** `serve --role` and SWITCHBOARD_ROLE take these. */

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** The Dockerfile's stages, each a list of instructions with continuation lines joined and comments dropped. */
function dockerStages(): Instruction[][] {
  const text = readFileSync(resolve(REPO_ROOT, 'Dockerfile'), 'utf8');
  const lines = text.split('\n').filter((line) => !line.trimStart().startsWith('#'));
  const instructions = lines.join('\n').replace(/\\\n/g, ' ').split('\n').filter((line) => line.trim() !== '');
  const stages: Instruction[][] = [];
  for (const line of instructions) {
    const [, keyword = '', args = ''] = /^\s*(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)?.push({ keyword: keyword.toUpperCase(), args: args.trim() });
  }
  return stages;
}

/** The exec-form argument list (a JSON array) of the stage's last CMD or HEALTHCHECK. */
function execForm(stage: readonly Instruction[], keyword: string): string[] {
  const args = stage.findLast((i) => i.keyword === keyword)?.args ?? '';
  return JSON.parse(args.replace(/^(--\S+\s+)*CMD\s+/, '')) as string[];
}

interface ComposeService {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: string[];
  readonly environment?: Record<string, string | number | boolean>;
}

/** compose.yaml with `${NAME:-default}` read as its default, as Compose does when NAME is unset. */
function composeServices(): Record<string, ComposeService> {
  const text = readFileSync(resolve(REPO_ROOT, 'compose.yaml'), 'utf8').replace(/\$\{[A-Z_]+(?::-([^}]*))?\}/g, (_, fallback: string | undefined) => fallback ?? '');
  return (parseYaml(text, { merge: true }) as { services: Record<string, ComposeService> }).services;
}

const services = composeServices();
const ours = Object.entries(services).filter(([, s]) => s.build !== undefined);
const gateways = ours.filter(([, s]) => s.command === undefined);
const environment = (s: ComposeService): Record<string, string> => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

describe('the Dockerfile', () => {
  const stages = dockerStages();
  const runtime = stages.at(-1)!;

  it('runs the binary and subcommand that `npm start` and the served-process tests run', async () => {
    const cmd = execForm(runtime, 'CMD');
    const packageJson = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(cmd).toEqual(['node', 'bin/switchboard.js', 'serve']);
    expect(packageJson.scripts.start).toBe(cmd.join(' '));
    const help = await runCli([cmd[2]!, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Configuration (environment)');
  });

  it('builds in a node:20-slim stage and runs as a user other than root', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.map((s) => s[0]!.args.split(/\s+/)[0])).toEqual(stages.map(() => 'node:20-slim'));
    const user = runtime.findLast((i) => i.keyword === 'USER')?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('copies into the runtime stage what serve needs: dist/, bin/, package files and the production modules', () => {
    const copied = runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    for (const path of ['/app/dist', '/app/bin', '/app/package.json', '/app/node_modules']) expect(copied.some((c) => c.includes(path))).toBe(true);
    expect(stages[0]!.some((i) => i.keyword === 'RUN' && /npm prune --omit=dev/.test(i.args))).toBe(true);
  });

  it('keeps out of the build context nothing the builder copies, and keeps the host build out', () => {
    const ignored = readFileSync(resolve(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    const sources = stages[0]!.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.filter((source) => ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)))).toEqual([]);
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data']));
  });

  describe('its health check', () => {
    let gateway: ServedGateway;
    beforeAll(async () => {
      gateway = await serveProcess({ SWITCHBOARD_DEMO: 'false' });
    });
    afterAll(() => killHard(gateway.child));

    const probe = (port: string) =>
      new Promise<number>((done) => {
        const [file, ...args] = execForm(runtime, 'HEALTHCHECK');
        execFile(file === 'node' ? process.execPath : file!, args, { env: { ...process.env, PORT: port }, timeout: 10_000 }, (error) =>
          done(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
        );
      });

    it('passes against a live gateway on PORT and fails where nothing listens', async () => {
      expect(await probe(new URL(gateway.url).port)).toBe(0);
      expect(await probe('1')).not.toBe(0);
    });
  });
});

describe('compose.yaml', () => {
  it('sets only variables the configuration knows, with values it accepts', () => {
    const known = new Set(CONFIG_VARIABLES.map((v) => v.name));
    const unknown = gateways.flatMap(([, s]) => Object.keys(environment(s))).filter((name) => !known.has(name));
    expect([...new Set(unknown)]).toEqual([]);
    for (const [, s] of gateways) expect(() => loadConfig(environment(s))).not.toThrow();
  });

  it('gives every gateway a valid role, with at least two api processes and two workers', () => {
    const roles = gateways.map(([, s]) => environment(s)['SWITCHBOARD_ROLE']);
    expect(roles.filter((role) => role === undefined || !isProcessRole(role))).toEqual([]);
    expect(roles.filter((role) => role === 'api').length).toBeGreaterThanOrEqual(2);
    expect(roles.filter((role) => role === 'worker').length).toBeGreaterThanOrEqual(2);
  });

  it('points the gateways at the simulator and the simulator back at an api process, with the same secrets', async () => {
    const [name, simulator] = ours.find(([, s]) => s.command?.includes('simulate')) ?? [];
    expect(simulator?.command?.slice(0, 3)).toEqual(['node', 'bin/switchboard.js', 'simulate']);
    const flag = (f: string) => simulator!.command!.find((arg) => arg.startsWith(`--${f}=`))?.slice(f.length + 3);
    const help = await runCli(['simulate', '--help']);
    for (const arg of simulator!.command!.slice(3)) expect(help.stdout).toContain(arg.split('=')[0]);

    const webhook = new URL(flag('webhook-url') ?? '');
    expect(['api', 'all']).toContain(environment(services[webhook.hostname] ?? {})['SWITCHBOARD_ROLE']);
    for (const [, s] of gateways) {
      const env = environment(s);
      expect(new URL(env['SWITCHBOARD_UPSTREAM_URL'] ?? '').host).toBe(`${name}:${flag('port')}`);
      expect(env['SWITCHBOARD_META_APP_SECRET']).toBe(flag('app-secret'));
      expect(env['SWITCHBOARD_META_VERIFY_TOKEN']).toBe(flag('verify-token'));
    }
  });
});
