/** What every admin command shares: the configured store around one use case, its result printed, and flag parsing. */
import { loadConfig } from '../config.js';
import { gatewayError } from '../catalog/switchboard-error.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface Output {
  json?: boolean;
}

export type Line = (record: Record<string, unknown>) => string;

/** Opens the store, runs the use case, prints the result (JSON or one line per record) and always closes the store. */
export async function withStore(options: Output, action: (store: Store) => Promise<unknown>, line: Line): Promise<void> {
  const store = await openStore(loadConfig());
  try {
    const result = await action(store);
    if (options.json) console.log(JSON.stringify(result, null, 2));
    else for (const record of Array.isArray(result) ? result : [result]) console.log(line(record as Record<string, unknown>));
  } finally {
    await store.close();
  }
}

/** A flag the command line cannot read; the main prints the message and exits 1, as for a use case's refusal. */
export function usageError(detail: string): never {
  throw gatewayError('invalid_request', { detail });
}

/** Reads a whole number; its range is the use case's rule, the same one the API applies. */
export function wholeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n)) usageError(`${flag} must be a whole number`);
    return n;
  };
}

/** `none` clears the setting. */
export function wholeNumberOrNone(flag: string) {
  return (value: string): number | null => (value === 'none' ? null : wholeNumber(flag)(value));
}

/** `never` clears a time. */
export const timeOrNever = (value: string | undefined): string | null | undefined => (value === 'never' ? null : value);
