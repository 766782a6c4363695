/** Contacts known by phone, business-scoped user id, or both, and the per-contact facts that follow them. */
import type { ContactIdentity } from '../domain/contact-identity.js';

export interface ContactProfile extends ContactIdentity {
  /** The key the contact's facts are stored under: the first identifier it was known by. */
  readonly key: string;
  readonly marketingStoppedAt: number | null;
}

export interface ContactIdentityStore {
  /** The key of the contact behind `identifier`, or the identifier itself for a contact never linked. */
  keyOf(accountId: string, identifier: string): Promise<string>;
  /** Links what a webhook told about a user to its contact (made on first sight); undefined when it named no identifier. */
  learn(accountId: string, identity: ContactIdentity, now: number): Promise<string | undefined>;
  /** A phone change gave the user a new id: the new id (and phone) become aliases of the same contact. */
  changeUserId(accountId: string, change: { previous: string; current: string; phone?: string }, now: number): Promise<string>;
  /** Every identifier the account met for the contact behind `identifier`, itself included. */
  identifiersOf(accountId: string, identifier: string): Promise<string[]>;
  getProfile(accountId: string, identifier: string): Promise<ContactProfile | undefined>;
  /** Meta's `user_preferences`: `stoppedAt` null when the user resumed marketing messages. */
  setMarketingPreference(accountId: string, identity: ContactIdentity, stoppedAt: number | null, now: number): Promise<void>;
  /** Records (or with `blocked` false, lifts) the business's block of a contact (by key) on one number. */
  setBlocked(numberId: string, key: string, blocked: boolean, now: number): Promise<void>;
  listBlocked(numberId: string): Promise<{ key: string; blockedAt: number }[]>;
}
