// `switchboard simulate --smsc-port …`: the SMSC simulator started from the command line, bound by a real connector.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerSimulate } from '../../src/cli/simulate.js';
import { segmentText } from '../../src/domain/sms/segments.js';
import { SmppConnector, type ReceiptEvent } from '../../src/sms/smpp-connector.js';

const ROOT = resolve(new URL('.', import.meta.url).pathname, '../..');

describe('switchboard simulate --smsc-port', () => {
  it('declares the SMSC flags and refuses a fault it cannot read', () => {
    const program = new Command('switchboard').exitOverride();
    let help = '';
    program.configureOutput({ writeOut: (s) => void (help += s), writeErr: () => {} });
    registerSimulate(program);
    expect(() => program.parse(['node', 'switchboard', 'simulate', '--help'])).toThrow();
    for (const flag of ['--smsc-port', '--smsc-account', '--smsc-fault', '--smsc-throttle']) expect(help).toContain(flag);
    const strict = new Command('switchboard').exitOverride().configureOutput({ writeErr: () => {} });
    registerSimulate(strict);
    expect(() => strict.parse(['node', 'switchboard', 'simulate', '--smsc-port', '70000'])).toThrow(/--smsc-port must be an integer/);
  });

  it('accepts a bind with the account given, sends the faulted receipt, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [
      'bin/switchboard.js', 'simulate', '--port', '0', '--no-demo', '--smsc-port', '0', '--smsc-account', 'acme:pw1', '--smsc-fault', '49151.*=absent',
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let connector: SmppConnector | undefined;
    try {
      const { host, port } = await new Promise<{ host: string; port: number }>((done, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`no SMSC address printed: ${out}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const match = /SMSC simulator listening on smpp:\/\/([\d.]+):(\d+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            done({ host: match[1]!, port: Number(match[2]) });
          }
        });
        child.once('exit', (code) => fail(new Error(`exited ${code}: ${out}`)));
      });
      const receipt = new Promise<ReceiptEvent>((done) => {
        connector = new SmppConnector(
          { id: 'smsc_cli', host, port, systemId: 'acme', password: 'pw1', systemType: '', throughputPerSecond: 10, window: 2 },
          { observer: { onReceipt: done } },
        );
      });
      connector!.start();
      await connector!.submit({ from: { kind: 'alphanumeric', value: 'Acme' }, to: '4915112345678', segmentation: segmentText('hi') });
      const { outcome } = await receipt;
      expect(outcome.kind === 'failed' && [outcome.entry.namespace, outcome.entry.code]).toEqual(['sms', 8]);
      await connector!.stop();
      const exited = new Promise<number | null>((done) => child.once('exit', done));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await connector?.stop();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 40_000);
});
