/**
 * The contact check: whether recipients have WhatsApp (cached upstream answers, fresh ones on a miss), whether they
 * opted out, and the state of their 24-hour window with the number. Facts come from the store and the management
 * client; what they mean is decided by the domain (`decideContactStatuses`, `serviceWindow`).
 */
import type { Account } from '../domain/account.js';
import { decideContactStatuses } from '../domain/contact-check.js';
import type { PhoneNumber } from '../domain/phone-number.js';
import type { ContactStatus } from '../domain/preflight/recipient-on-whatsapp.js';
import { serviceWindow, type ServiceWindow } from '../domain/preflight/window.js';
import { readRecipient, recipientAddress, type Recipient } from '../domain/contact-identity.js';
import type { ContactCheck } from '../store/controls-store.js';
import type { Store } from '../store/store.js';
import { numberFor, targetFor, type ManagementDeps } from './management-target.js';

export interface ContactCheckRequest {
  readonly contacts: readonly string[];
  /** Ask the upstream even when a cached answer is fresh. */
  readonly forceCheck: boolean;
  /** The number whose window to report (id or phone_number_id); default: the account's default. */
  readonly from?: string;
}

export type ContactCheckResult =
  | { readonly kind: 'unreadable'; readonly input: string }
  | {
      readonly kind: 'checked'; readonly input: string; readonly waId: string; readonly status: ContactStatus; readonly checkedAt: number;
      readonly cached: boolean; readonly optedOut: boolean; readonly window: ServiceWindow;
    };

export interface ContactCheckDeps {
  readonly store: Store;
  readonly management: ManagementDeps | undefined;
  /** How long a cached answer is trusted. */
  readonly ttlMs: number;
}

/** A phone to ask the upstream about, or a user id, which Meta only gives out for WhatsApp users (nothing to ask). */
function readInput(input: string, index: number): Recipient | undefined {
  try {
    return readRecipient(input, `contacts[${index}]`);
  } catch {
    return undefined;
  }
}

async function cachedChecks(store: Store, accountId: string, waIds: readonly string[], since: number): Promise<Map<string, ContactCheck>> {
  const cached = new Map<string, ContactCheck>();
  for (const waId of waIds) {
    const hit = await store.contactChecks.getContactCheck(accountId, waId, since);
    if (hit) cached.set(waId, hit);
  }
  return cached;
}

/** Asks the upstream about `waIds` through `number` and remembers the answers for the account. */
async function freshStatuses(deps: ContactCheckDeps, accountId: string, number: PhoneNumber, waIds: readonly string[], now: number): Promise<Map<string, ContactStatus>> {
  if (waIds.length === 0) return new Map();
  const target = await targetFor(deps.store, deps.management, number);
  const statuses = decideContactStatuses(waIds, await target.client.checkContacts(target, number.phoneNumberId, waIds));
  await deps.store.contactChecks.saveContactChecks(accountId, [...statuses].map(([waId, status]) => ({ waId, status })), now);
  return statuses;
}

export async function checkContacts(deps: ContactCheckDeps, account: Account, request: ContactCheckRequest, now: number): Promise<ContactCheckResult[]> {
  const { store } = deps;
  const number = await numberFor(store, account, request.from === undefined ? {} : { numberRef: request.from });
  const inputs = request.contacts.map((input, i) => {
    const recipient = readInput(input, i);
    return { input, waId: recipient && recipientAddress(recipient), byUserId: recipient?.kind === 'user_id' };
  });
  const waIds = [...new Set(inputs.flatMap((i) => (i.waId === undefined || i.byUserId ? [] : [i.waId])))];
  const cached = request.forceCheck ? new Map<string, ContactCheck>() : await cachedChecks(store, account.id, waIds, now - deps.ttlMs);
  const fresh = await freshStatuses(deps, account.id, number, waIds.filter((w) => !cached.has(w)), now);
  const results: ContactCheckResult[] = [];
  for (const { input, waId, byUserId } of inputs) {
    if (waId === undefined) {
      results.push({ kind: 'unreadable', input });
      continue;
    }
    const hit = cached.get(waId);
    const status = byUserId ? 'valid' : (hit?.status ?? fresh.get(waId) ?? 'invalid');
    results.push({
      kind: 'checked', input, waId, status, checkedAt: hit?.checkedAt ?? now, cached: hit !== undefined,
      optedOut: (await store.getOptOut(account.id, waId)) !== null, window: serviceWindow(await store.getLastInbound(number.id, await store.identities.keyOf(account.id, waId)), now),
    });
  }
  return results;
}
