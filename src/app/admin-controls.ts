/** Admin operations on an account's controls and prices, as the admin API and the CLI both perform them. */
import { gatewayError } from '../catalog/switchboard-error.js';
import { MESSAGING_TIERS, type AccountControls } from '../domain/account.js';
import { BOUNDS, checkBound } from '../domain/bounds.js';
import { PRICE_CATEGORIES, type PriceRule } from '../domain/credit/pricing.js';
import type { ControlsPatch } from '../store/controls-store.js';
import type { Store } from '../store/store.js';
import { checkOneOf, definedFields, enforce, parseTime } from './checks.js';
import { requireAccount } from './admin-lookups.js';

/** What an operator sets; undefined leaves a control as it is, null clears it. */
export interface ControlChanges {
  /** ISO 8601; null = prepaid credit never expires. */
  readonly prepaidExpiresAt?: string | null;
  readonly whatsappApiDisabled?: boolean;
  readonly spamThreshold?: number | null;
  readonly messagingTier?: number | null;
  readonly requestsPerMinute?: number | null;
  readonly requestIntervalSeconds?: number | null;
  readonly blockedPaths?: readonly string[];
}

/** `country` absent or `*`: every country without its own price. `effective_from` (ISO 8601) absent: in effect always. */
export interface PriceRequest {
  readonly category: string;
  readonly country?: string;
  readonly price: number;
  readonly effective_from?: string;
}

export interface ControlsStatement {
  readonly controls: AccountControls;
  readonly credit: number | null;
  readonly prices: readonly PriceRule[];
}

function toPatch(changes: ControlChanges): ControlsPatch {
  enforce(
    checkBound(BOUNDS.spamThreshold, changes.spamThreshold), checkBound(BOUNDS.requestsPerMinute, changes.requestsPerMinute),
    checkBound(BOUNDS.requestIntervalSeconds, changes.requestIntervalSeconds),
  );
  const tier = changes.messagingTier;
  if (tier !== undefined && tier !== null && !(MESSAGING_TIERS as readonly number[]).includes(tier))
    throw gatewayError('invalid_request', { detail: `\`messaging_tier\` must be one of ${MESSAGING_TIERS.join(', ')} or null.`, field: 'messaging_tier' });
  const interval = changes.requestIntervalSeconds;
  return definedFields<ControlsPatch>({
    prepaidExpiresAt: parseTime(changes.prepaidExpiresAt, 'prepaid_expires_at'), whatsappApiDisabled: changes.whatsappApiDisabled,
    spamThreshold: changes.spamThreshold, messagingTier: tier, requestsPerMinute: changes.requestsPerMinute, blockedPaths: changes.blockedPaths,
    requestIntervalMs: interval === undefined || interval === null ? interval : interval * 1000,
  });
}

const COUNTRY = /^([A-Z]{2}|\*)$/;

function toPriceRule(request: PriceRequest): PriceRule {
  const category = checkOneOf(PRICE_CATEGORIES, request.category, 'category')!;
  const country = request.country ?? '*';
  if (!COUNTRY.test(country)) throw gatewayError('invalid_request', { detail: '`country` must be an ISO 3166 alpha-2 code or `*`.', field: 'country' });
  enforce(checkBound(BOUNDS.price, request.price));
  const effectiveFrom = parseTime(request.effective_from, 'effective_from');
  return { category, country, price: request.price, ...(effectiveFrom ? { effectiveFrom } : {}) };
}

export async function readControls(store: Store, accountId: string): Promise<ControlsStatement> {
  const account = await requireAccount(store, accountId);
  return { controls: await store.controls.getControls(account.id), credit: account.credit, prices: await store.controls.listPrices(account.id) };
}

export async function updateControls(store: Store, accountId: string, changes: ControlChanges, now: number): Promise<ControlsStatement> {
  await requireAccount(store, accountId);
  await store.controls.setControls(accountId, toPatch(changes), now);
  return readControls(store, accountId);
}

export async function setPrices(store: Store, accountId: string, prices: readonly PriceRequest[]): Promise<ControlsStatement> {
  await requireAccount(store, accountId);
  await store.controls.setPrices(accountId, prices.map(toPriceRule));
  return readControls(store, accountId);
}
