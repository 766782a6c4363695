/** How many media uploads each account may have in progress at once, so one tenant's uploads cannot starve the rest. */

/** The port the upload routes use; this process's memory here, a shared store once several processes serve. */
export interface UploadSlots {
  /** Takes one of the account's slots; answers false (and takes nothing) when all are in use. */
  tryAcquire(accountId: string): Promise<boolean>;
  release(accountId: string): void;
}

export function memoryUploadSlots(perAccount: number): UploadSlots {
  if (!Number.isInteger(perAccount) || perAccount < 1) throw new Error('memoryUploadSlots needs at least one slot per account');
  const inUse = new Map<string, number>();
  return {
    async tryAcquire(accountId) {
      const taken = inUse.get(accountId) ?? 0;
      if (taken >= perAccount) return false;
      inUse.set(accountId, taken + 1);
      return true;
    },
    release(accountId) {
      const left = (inUse.get(accountId) ?? 1) - 1;
      if (left > 0) inUse.set(accountId, left);
      else inUse.delete(accountId);
    },
  };
}
