/** Accounts (tenants): their states and the rule that decides whether an authenticated request may go on. */
import type { DeliveryDefaults } from './delivery.js';
import { gatewayError } from '../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from './decision.js';
import { ipAllowed } from './ip-allow-list.js';

/** Stored states; `expired` is not stored but derived from `expiresAt`, so an expiry date needs no job to apply it. */
export const ACCOUNT_STATES = ['active', 'disabled'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];
export type EffectiveAccountState = AccountState | 'expired';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly state: AccountState;
  /** Epoch ms from which the account counts as expired; null = never. */
  readonly expiresAt: number | null;
  readonly ipAllowList: readonly string[];
  /** Requests per second this account may make; null = no account limit. */
  readonly rateLimitPerSecond: number | null;
  /** Prepaid credit in messages; null = the account is not on prepaid credit. */
  readonly credit: number | null;
  readonly defaultNumberId: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The lane and validity of sends that give none; absent = normal, no limit. */
  readonly deliveryDefaults?: DeliveryDefaults;
}

export function effectiveState(account: Account, now: number): EffectiveAccountState {
  if (account.state === 'disabled') return 'disabled';
  if (account.expiresAt !== null && now >= account.expiresAt) return 'expired';
  return 'active';
}

/** Decides, after the key matched, whether the account may use the API from this address now. */
export function checkAccountAccess(account: Account, facts: { readonly now: number; readonly ip: string }): RuleDecision {
  const state = effectiveState(account, facts.now);
  if (state === 'disabled') return refuse(gatewayError('account_disabled'));
  if (state === 'expired')
    return refuse(gatewayError('account_expired', { detail: `The account expired at ${new Date(account.expiresAt ?? 0).toISOString()}.` }));
  if (!ipAllowed(account.ipAllowList, facts.ip))
    return refuse(gatewayError('ip_not_allowed', { detail: `Requests from ${facts.ip} are not in this account's allow-list.` }));
  return ALLOW;
}

/** Meta's messaging-limit tiers: unique recipients of business-initiated messages per rolling 24 h; null = unlimited. */
export const MESSAGING_TIERS = [250, 2000, 10000, 100000] as const;

/** What an operator sets on an account beyond its state: prepaid expiry, quotas, spam control, blocked paths. */
export interface AccountControls {
  /** Epoch ms from which prepaid credit can no longer pay for messages; null = never. */
  readonly prepaidExpiresAt: number | null;
  readonly whatsappApiDisabled: boolean;
  /** Most recipients the same text may go to per UTC day; null = no threshold. */
  readonly spamThreshold: number | null;
  /** One of MESSAGING_TIERS; null = unlimited. */
  readonly messagingTier: number | null;
  readonly requestsPerMinute: number | null;
  /** "1 request every N seconds", in ms; null = none. */
  readonly requestIntervalMs: number | null;
  /** Path patterns (`/v1/media*`, `POST /v1/templates`) the account may not call. */
  readonly blockedPaths: readonly string[];
}

export const NO_CONTROLS: AccountControls = {
  prepaidExpiresAt: null, whatsappApiDisabled: false, spamThreshold: null, messagingTier: null, requestsPerMinute: null,
  requestIntervalMs: null, blockedPaths: [],
};
