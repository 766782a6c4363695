import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { takeBackgroundLock } from './background-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the background lock of an SQLite file', () => {
  it('is refused while another live process holds it, and taken over once that process is gone', async () => {
    const db = join(dir, 'held.db');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    writeFileSync(`${db}.background.pid`, `${holder.pid}\n`);
    await expect(takeBackgroundLock(db, 300)).rejects.toThrow(`process ${holder.pid} still does the background work`);
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    const release = await takeBackgroundLock(db, 300);
    expect(Number(readFileSync(`${db}.background.pid`, 'utf8'))).toBe(process.pid);
    release();
    expect(existsSync(`${db}.background.pid`)).toBe(false);
  });

  it('waits for a holder that finishes within the wait', async () => {
    const db = join(dir, 'waits.db');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 400)'], { stdio: 'ignore' });
    writeFileSync(`${db}.background.pid`, `${holder.pid}\n`);
    const release = await takeBackgroundLock(db, 10_000);
    expect(holder.exitCode ?? holder.signalCode).not.toBeNull();
    release();
  });

  it('is taken on a first start, before the data directory exists', async () => {
    const release = await takeBackgroundLock(join(dir, 'not-yet', 'first.db'), 0);
    expect(existsSync(join(dir, 'not-yet', 'first.db.background.pid'))).toBe(true);
    release();
  });

  it('takes a file left by a crashed holder or unreadable as stale', async () => {
    const db = join(dir, 'stale.db');
    writeFileSync(`${db}.background.pid`, 'not a pid\n');
    const release = await takeBackgroundLock(db, 0);
    release();
  });
});
