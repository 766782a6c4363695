/**
 * A number's health as Meta reports it (quality rating, messaging tier, restrictions; docs/meta-health-and-pricing.md)
 * and the rules that read it: what an `account_update` does to a number, whether a restriction refuses a send, and
 * whether the number can send now with every reason it cannot.
 */
import { gatewayError } from '../catalog/switchboard-error.js';
import { ALLOW, refuse, type RuleDecision } from './decision.js';

export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type QualityRating = (typeof QUALITY_RATINGS)[number];

/** Meta's tier names and the unique recipients per 24 h each allows; null = unlimited. */
export const MESSAGING_TIER_LIMITS: Readonly<Record<string, number | null>> = {
  TIER_50: 50, TIER_250: 250, TIER_1K: 1000, TIER_2K: 2000, TIER_10K: 10000, TIER_100K: 100000, TIER_UNLIMITED: null,
};

export const BUSINESS_INITIATED_RESTRICTION = 'RESTRICTED_BIZ_INITIATED_MESSAGING';
export const CUSTOMER_INITIATED_RESTRICTION = 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING';
const ALL_MESSAGING = [BUSINESS_INITIATED_RESTRICTION, CUSTOMER_INITIATED_RESTRICTION] as const;

/** What Meta restricted on a number (or its whole account) and until when; null `until` = until Meta says otherwise. */
export interface NumberRestriction {
  /** The `account_update` event that restricted it (ACCOUNT_RESTRICTION, DISABLED_UPDATE, ACCOUNT_OFFBOARDED). */
  readonly event: string;
  /** Meta's restriction types; only the two messaging ones stop sends. */
  readonly types: readonly string[];
  readonly until: number | null;
}

/** A number's health facts as stored from Meta's webhooks; every field null until Meta said something. */
export interface NumberHealth {
  readonly qualityRating: QualityRating | null;
  /** Meta's tier name (TIER_2K …) as last reported. */
  readonly messagingTier: string | null;
  readonly restriction: NumberRestriction | null;
  /** The last violation Meta reported (ACCOUNT_VIOLATION's `violation_type`). */
  readonly violation: string | null;
}

export const UNKNOWN_HEALTH: NumberHealth = { qualityRating: null, messagingTier: null, restriction: null, violation: null };

/**
 * The tier a limit is counted against: the operator's configured one overrides Meta's; `undefined` = no limit known.
 * Meta's TIER_UNLIMITED and TIER_NOT_SET count nothing.
 */
export function effectiveTier(configured: number | null, metaTier: string | null): number | undefined {
  if (configured !== null) return configured;
  if (metaTier === null) return undefined;
  return MESSAGING_TIER_LIMITS[metaTier] ?? undefined;
}

/** `phone_number_quality_update`'s event read as a quality rating when the payload carries none; null = unchanged. */
export function qualityOfEvent(event: string): QualityRating | null {
  if (event === 'FLAGGED' || event === 'DOWNGRADE') return 'RED';
  if (event === 'UNFLAGGED' || event === 'UPGRADE') return 'GREEN';
  return null;
}

/** What one `account_update` does to the numbers it names. */
export type AccountUpdateEffect =
  | { readonly kind: 'restrict'; readonly restriction: NumberRestriction }
  | { readonly kind: 'lift' }
  | { readonly kind: 'violation'; readonly violation: string }
  | { readonly kind: 'none' };

export interface AccountUpdateFacts {
  readonly event: string;
  readonly restrictions: readonly { readonly type: string; readonly until: number | null }[];
  readonly violation?: string;
  readonly banState?: string;
}

export function decideAccountUpdate(update: AccountUpdateFacts): AccountUpdateEffect {
  switch (update.event) {
    case 'ACCOUNT_RESTRICTION': {
      if (update.restrictions.length === 0) return { kind: 'lift' };
      const ends = update.restrictions.map((r) => r.until);
      const until = ends.includes(null) ? null : Math.max(...(ends as number[]));
      return { kind: 'restrict', restriction: { event: update.event, types: update.restrictions.map((r) => r.type), until } };
    }
    case 'DISABLED_UPDATE':
      if (update.banState === 'DISABLE') return { kind: 'restrict', restriction: { event: update.event, types: ALL_MESSAGING, until: null } };
      return update.banState === 'REINSTATE' ? { kind: 'lift' } : { kind: 'none' };
    case 'ACCOUNT_OFFBOARDED':
      return { kind: 'restrict', restriction: { event: update.event, types: ALL_MESSAGING, until: null } };
    case 'ACCOUNT_RECONNECTED':
      return { kind: 'lift' };
    case 'ACCOUNT_VIOLATION':
      return update.violation ? { kind: 'violation', violation: update.violation } : { kind: 'none' };
    default:
      return { kind: 'none' };
  }
}

/** Only the two messaging restrictions stop sends (RESTRICTED_ADD_PHONE_NUMBER_ACTION does not). */
export function stopsMessaging(restriction: NumberRestriction): boolean {
  return restriction.types.some((t) => (ALL_MESSAGING as readonly string[]).includes(t));
}

export function restrictionInForce(restriction: NumberRestriction | null, now: number): boolean {
  return restriction !== null && (restriction.until === null || restriction.until > now) && stopsMessaging(restriction);
}

/** The restriction type that stops this kind of send, if one is in force. */
function blockingType(restriction: NumberRestriction | null, businessInitiated: boolean, now: number): string | undefined {
  if (!restrictionInForce(restriction, now)) return undefined;
  return restriction!.types.find((t) => t === (businessInitiated ? BUSINESS_INITIATED_RESTRICTION : CUSTOMER_INITIATED_RESTRICTION));
}

/** Preflight: Meta restricted the number's account from this kind of message (templates are business-initiated). */
export function checkRestriction(restriction: NumberRestriction | null, businessInitiated: boolean, now: number): RuleDecision {
  const type = blockingType(restriction, businessInitiated, now);
  if (type === undefined) return ALLOW;
  const until = restriction!.until;
  return refuse(
    gatewayError('account_restricted', {
      detail: `Meta restricted this WhatsApp Business account (${type}) ${until === null ? 'until further notice' : `until ${new Date(until).toISOString()}`}.`,
      ...(until === null ? {} : { retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) }),
    }),
  );
}

/** Why a number cannot send now, or sends at risk (`blocking: false`). */
export interface HealthReason {
  readonly reason: 'not_registered' | 'restricted' | 'disconnected' | 'parked' | 'circuit_open' | 'messaging_limit_reached' | 'quality_low';
  readonly blocking: boolean;
  readonly detail: string;
  /** When the reason ends by itself, if Meta or the gateway knows (epoch ms). */
  readonly until?: number;
}

/** Everything the edge gathered about one number for its health answer. */
export interface SendabilityFacts {
  readonly registration: string;
  readonly disconnected: boolean;
  /** The number is held until this time (maintenance, a registration wait); null = not held. */
  readonly heldUntil: number | null;
  readonly circuitOpen: boolean;
  readonly health: NumberHealth;
  /** The tier the limit counts against (configured or Meta's); undefined = no limit. */
  readonly tier: number | undefined;
  readonly uniqueRecipients24h: number;
}

export function decideSendability(f: SendabilityFacts, now: number): { readonly canSend: boolean; readonly reasons: readonly HealthReason[] } {
  const { restriction, qualityRating } = f.health;
  const reasons: (HealthReason | undefined)[] = [
    f.registration === 'registered' ? undefined : { reason: 'not_registered', blocking: true, detail: `The number is ${f.registration} with the Cloud API.` },
    restrictionInForce(restriction, now)
      ? { reason: 'restricted', blocking: true, detail: `Meta restricted it (${restriction!.event}: ${restriction!.types.join(', ')}).`, ...(restriction!.until === null ? {} : { until: restriction!.until }) }
      : undefined,
    f.disconnected ? { reason: 'disconnected', blocking: true, detail: 'Meta refused its access token; sends wait for a new one.' } : undefined,
    f.heldUntil !== null && f.heldUntil > now ? { reason: 'parked', blocking: true, detail: 'Meta asked it to wait; queued sends resume then.', until: f.heldUntil } : undefined,
    f.circuitOpen ? { reason: 'circuit_open', blocking: true, detail: 'The upstream failed repeatedly; calls are probed until it answers.' } : undefined,
    f.tier !== undefined && f.uniqueRecipients24h >= f.tier
      ? { reason: 'messaging_limit_reached', blocking: true, detail: `${f.uniqueRecipients24h} unique recipients of templates in 24 h; the tier allows ${f.tier}.` }
      : undefined,
    qualityRating === 'RED' ? { reason: 'quality_low', blocking: false, detail: 'Quality rating RED: Meta may lower the messaging tier.' } : undefined,
  ];
  const found = reasons.filter((r): r is HealthReason => r !== undefined);
  return { canSend: !found.some((r) => r.blocking), reasons: found };
}
