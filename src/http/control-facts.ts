/**
 * The account-control facts of one send (controls, price, contact check), gathered for preflight, and the admission
 * step that decides spam control and the messaging limit while counting the send.
 */
import { createHash } from 'node:crypto';
import type { Account, AccountControls } from '../domain/account.js';
import { categoryOf, countryOf, priceOf } from '../domain/credit/pricing.js';
import type { OutboundMessage } from '../domain/message.js';
import { ALLOW, type RuleDecision } from '../domain/decision.js';
import { checkMessagingLimit, MESSAGING_LIMIT_WINDOW_MS } from '../domain/preflight/messaging-limit.js';
import type { ContactStatus } from '../domain/preflight/recipient-on-whatsapp.js';
import { checkSpamControl, spamDay } from '../domain/preflight/spam-control.js';
import type { TemplateRecord } from '../domain/template.js';
import type { Store } from '../store/store.js';

/** How long a contact check's answer is trusted (Meta's On-Premises contacts cache lasted 7 days). */
export const CONTACT_CHECK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface ControlFacts {
  readonly controls: AccountControls;
  /** Credit one such message costs. */
  readonly price: number;
  readonly recipientStatus?: ContactStatus;
  /** Set when the spam threshold applies to this send (a text, on an account with a threshold). */
  readonly spamKey?: { readonly day: string; readonly textHash: string };
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
): Promise<ControlFacts> {
  const controls = await store.controls.getControls(account.id);
  const price = account.credit === null ? 0 : priceOf(await store.controls.listPrices(account.id), categoryOf(message.type, template?.category), countryOf(message.to));
  const invalid = await store.contactChecks.isKnownInvalid(account.id, message.to, now - contactCheckTtlMs);
  const body = message.type === 'text' ? (message.payload['text'] as { body?: unknown } | undefined)?.body : undefined;
  const spamKey = controls.spamThreshold !== null && typeof body === 'string' ? { day: spamDay(now), textHash: textHash(body) } : undefined;
  return { controls, price, ...(invalid ? { recipientStatus: 'invalid' as const } : {}), ...(spamKey ? { spamKey } : {}) };
}

/**
 * The last two rules, run after the rest of preflight allowed the send: each counts the send in the same step that
 * decides on it (see ControlsStore), so a burst of concurrent sends cannot all pass one below the limit. Spam control
 * applies to texts and the messaging limit to templates (the business-initiated messages), never both to one send.
 */
export async function admitSend(store: Store, account: Account, message: OutboundMessage, facts: ControlFacts, now: number): Promise<RuleDecision> {
  const { controls, spamKey } = facts;
  if (spamKey)
    return store.controls.admitSpamText(account.id, spamKey.day, spamKey.textHash, message.to, (spam) => checkSpamControl(controls.spamThreshold, spam, now));
  if (controls.messagingTier !== null && message.type === 'template')
    return store.controls.admitTemplateRecipient(account.id, message.to, now, now - MESSAGING_LIMIT_WINDOW_MS, (reached) =>
      checkMessagingLimit(controls.messagingTier, true, reached, now),
    );
  return ALLOW;
}
