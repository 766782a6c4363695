/**
 * One process at a time does the background work on an SQLite file. Its leases follow the sole-process rule (every
 * lease found at start was left by a run that is over), which holds only if no earlier background process still runs:
 * after the serving process is killed, its background process finishes its in-flight calls before it exits, and a
 * new one must not hand those messages out again meanwhile. The lock is a file next to the database naming the holder's
 * process id; a holder that is gone (killed, crashed) leaves a file that the next taker finds stale.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const POLL_MS = 100;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function tryTake(file: string): boolean {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = holderOf(file);
    // A stale file (holder gone, unreadable, or this very process from an earlier start) is removed and taken over.
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) return false;
    unlinkSync(file);
    return tryTake(file);
  }
}

/** Waits (at most `waitMs`) for the lock of `databaseFile`; answers its release. */
export async function takeBackgroundLock(databaseFile: string, waitMs: number): Promise<() => void> {
  const file = `${databaseFile}.background.pid`;
  // Taken before the store opens: on a first start the data directory does not exist yet.
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  while (!tryTake(file)) {
    if (Date.now() >= deadline)
      throw new Error(`process ${holderOf(file)} still does the background work on ${databaseFile} (${file}); stop it first`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return () => {
    if (holderOf(file) === process.pid) unlinkSync(file);
  };
}
