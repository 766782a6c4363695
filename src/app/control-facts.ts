/**
 * The account-control facts of one send (controls, price, contact check), gathered for preflight, and the counted
 * limits (spam control, messaging limit) the accept transaction decides on its own counts.
 */
import { createHash } from 'node:crypto';
import type { Account, AccountControls } from '../domain/account.js';
import { categoryOf, countryOf, priceOf } from '../domain/credit/pricing.js';
import type { OutboundMessage } from '../domain/message.js';
import { effectiveTier } from '../domain/number-health.js';
import { MESSAGING_LIMIT_WINDOW_MS } from '../domain/preflight/messaging-limit.js';
import type { ContactStatus } from '../domain/preflight/recipient-on-whatsapp.js';
import { spamDay } from '../domain/preflight/spam-control.js';
import type { TemplateRecord } from '../domain/template.js';
import type { AcceptAdmission, Store } from '../store/store.js';

/** How long a contact check's answer is trusted (Meta's On-Premises contacts cache lasted 7 days). */
export const CONTACT_CHECK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface ControlFacts {
  readonly controls: AccountControls;
  /** Credit one such message costs. */
  readonly price: number;
  readonly recipientStatus?: ContactStatus;
  /**
   * The counted limits of this send: spam control applies to texts and the messaging limit to templates (the
   * business-initiated messages), never both to one send.
   */
  readonly admission?: AcceptAdmission;
}

/** Same text, ignoring case and spacing: "Hi  Ada" and "hi ada" are one broadcast. */
function textHash(body: string): string {
  return createHash('sha256').update(body.trim().toLowerCase().replace(/\s+/g, ' ')).digest('base64url');
}

export async function gatherControlFacts(
  store: Store,
  account: Account,
  message: OutboundMessage,
  template: TemplateRecord | undefined,
  now: number,
  contactCheckTtlMs = CONTACT_CHECK_TTL_MS,
  /** The sending number's tier as Meta last reported it (TIER_2K …); the account's configured tier overrides it. */
  metaTier: string | null = null,
): Promise<ControlFacts> {
  const controls = await store.controls.getControls(account.id);
  const price = account.credit === null ? 0 : priceOf(await store.controls.listPrices(account.id), categoryOf(message.type, template?.category), countryOf(message.to), now);
  const invalid = await store.contactChecks.isKnownInvalid(account.id, message.to, now - contactCheckTtlMs);
  const admission = admissionOf(controls, message, now, metaTier);
  return { controls, price, ...(invalid ? { recipientStatus: 'invalid' as const } : {}), ...(admission ? { admission } : {}) };
}

function admissionOf(controls: AccountControls, message: OutboundMessage, now: number, metaTier: string | null): AcceptAdmission | undefined {
  const body = message.type === 'text' ? (message.payload['text'] as { body?: unknown } | undefined)?.body : undefined;
  if (controls.spamThreshold !== null && typeof body === 'string')
    return { spam: { day: spamDay(now), textHash: textHash(body), threshold: controls.spamThreshold } };
  const tier = effectiveTier(controls.messagingTier, metaTier);
  if (tier !== undefined && message.type === 'template') return { messaging: { tier, since: now - MESSAGING_LIMIT_WINDOW_MS } };
  return undefined;
}
