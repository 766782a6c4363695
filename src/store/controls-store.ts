/**
 * The store's account-control half: operator controls, prices and the credit ledger, template review state, and
 * contact checks. Each interface is one adapter per backend, exposed on the Store like `dispatch`.
 */
import type { AccountControls } from '../domain/account.js';
import type { LedgerEntry } from '../domain/credit/ledger.js';
import type { PriceRule } from '../domain/credit/pricing.js';
import type { ContactStatus } from '../domain/preflight/recipient-on-whatsapp.js';
import type { TemplateRecord, TemplateStatus } from '../domain/template.js';

export type ControlsPatch = Partial<AccountControls>;

export interface ControlsStore {
  /** The account's controls (NO_CONTROLS when none were set); read on every request, so backends cache it. */
  getControls(accountId: string): Promise<AccountControls>;
  setControls(accountId: string, patch: ControlsPatch, now: number): Promise<AccountControls>;
  listPrices(accountId: string): Promise<PriceRule[]>;
  /** Replaces the account's whole price list. */
  setPrices(accountId: string, rules: readonly PriceRule[]): Promise<void>;
}

export interface CreditStore {
  /**
   * Adds `amount` (negative for a correction) to the balance and writes its ledger row in one transaction; an account
   * not on prepaid credit starts at 0. Answers the new balance and the row.
   */
  topUp(accountId: string, amount: number, kind: 'topup' | 'adjust', note: string | null, now: number): Promise<{ balance: number; entry: LedgerEntry }>;
  listLedger(accountId: string, limit: number): Promise<LedgerEntry[]>;
  /** The balance as stored now (no cache); null when the account is not on prepaid credit. */
  balance(accountId: string): Promise<number | null>;
  /** Sum of every ledger row of the account: equals its balance when nothing moved outside the ledger. */
  ledgerSum(accountId: string): Promise<number>;
}

/** A template as Switchboard tracks it: the send-time record plus the upstream's id and the review's reason. */
export interface StoredTemplate extends TemplateRecord {
  readonly upstreamId: string | null;
  readonly reason: string | null;
}

export interface TemplateStore {
  /** Inserts or updates one template (keyed by WABA, name, language). */
  saveTemplate(template: StoredTemplate): Promise<void>;
  listTemplates(wabaIds: readonly string[]): Promise<StoredTemplate[]>;
  /** Deletes every language of `name`, or one when `language` is given; answers how many rows went. */
  deleteTemplate(wabaId: string, name: string, language?: string): Promise<number>;
  /**
   * Review state from Meta's `message_template_status_update` webhook (or a sync): sets status and reason of the
   * template in that language (every language when `language` is undefined). Answers whether a template matched.
   */
  setTemplateStatus(wabaId: string, name: string, language: string | undefined, status: TemplateStatus, reason: string | null, now: number): Promise<boolean>;
  /** A full sync of one WABA: upserts every listed template and deletes the ones the upstream no longer has. */
  replaceTemplates(wabaId: string, templates: readonly StoredTemplate[]): Promise<void>;
}

export interface ContactCheck {
  readonly waId: string;
  readonly status: ContactStatus;
  readonly checkedAt: number;
}

/** Contact checks are kept per account: one tenant never sees what another asked or learned. */
export interface ContactStore {
  /** The account's latest check of `waId` made at or after `since` (the cache TTL). */
  getContactCheck(accountId: string, waId: string, since: number): Promise<ContactCheck | undefined>;
  /** Whether the account's latest fresh check found `waId` without WhatsApp: the send path's question, answered from memory. */
  isKnownInvalid(accountId: string, waId: string, since: number): Promise<boolean>;
  saveContactChecks(accountId: string, checks: readonly Omit<ContactCheck, 'checkedAt'>[], now: number): Promise<void>;
}
