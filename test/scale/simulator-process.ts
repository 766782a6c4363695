/** Starts simulator-child.ts as its own process and drives it through its HTTP admin API (`/_sim`), as any outside driver would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { BusinessInput, PhoneNumberInput, RecordedRequest, SimulatorOptions, TemplateInput } from '../../src/simulator/types.js';
import { REPO_ROOT } from '../helpers/shared.js';

export interface SimulatorProcess {
  readonly url: string;
  readonly child: ChildProcess;
  createBusiness(input?: BusinessInput): Promise<{ wabaId: string; accessToken: string }>;
  createPhoneNumber(input: PhoneNumberInput): Promise<{ phoneNumberId: string; displayPhoneNumber: string }>;
  createTemplate(input: TemplateInput): Promise<unknown>;
  setWebhook(input: { url: string; appSecret: string; verifyToken?: string }): Promise<unknown>;
  /** Every Graph request it received (within its record limit), oldest first, with the time it arrived. */
  requests(): Promise<RecordedRequest[]>;
  stop(): Promise<void>;
}

export async function spawnSimulator(options: SimulatorOptions): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'bin/run-ts.js'), resolve(REPO_ROOT, 'test/scale/simulator-child.ts'), JSON.stringify({ ...options, port: 0, host: '127.0.0.1' })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`simulator did not start:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const found = /simulator listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (found) {
        clearTimeout(timer);
        ok(found);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`simulator exited with ${code}:\n${out}`)));
  });
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    const answer = (await res.json()) as T & { error?: string };
    if (res.status !== 200) throw new Error(`simulator ${method} ${path}: ${answer.error ?? res.status}`);
    return answer;
  };
  return {
    url,
    child,
    createBusiness: (input = {}) => call('POST', '/_sim/businesses', input),
    createPhoneNumber: (input) => call('POST', '/_sim/phone-numbers', input),
    createTemplate: (input) => call('POST', '/_sim/templates', input),
    setWebhook: (input) => call('PUT', '/_sim/webhook', input),
    requests: async () => (await call<{ data: RecordedRequest[] }>('GET', '/_sim/requests')).data,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  };
}
