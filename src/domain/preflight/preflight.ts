/**
 * Runs every preflight rule in the order a caller should meet them and returns the first refusal. Spam control and the
 * messaging limit are decided in the accept transaction, on the counts it reads, where credit is decided once more.
 */
import { NO_CONTROLS, type Account, type AccountControls } from '../account.js';
import { ALLOW, type RuleDecision } from '../decision.js';
import type { OutboundMessage } from '../message.js';
import type { PhoneNumber } from '../phone-number.js';
import type { TemplateRecord } from '../template.js';
import { checkApiEnabled } from './api-disabled.js';
import { checkCredit } from './credit.js';
import { checkOptOut } from './opt-out.js';
import { checkPrepaidExpiry } from './prepaid-expiry.js';
import { checkRecipientOnWhatsApp, type ContactStatus } from './recipient-on-whatsapp.js';
import { checkRegistration } from './registration.js';
import { checkNotSelf } from './self-recipient.js';
import { checkConnection } from './connection.js';
import { checkRestriction } from '../number-health.js';
import { checkTemplate } from './template.js';
import { checkWindow } from './window.js';
import { checkMarketingPreference } from './marketing-preference.js';
import { checkNotBlocked } from './blocked-contact.js';

/** What the store recorded about this send; gathered by the edge before the rules run. */
export interface PreflightFacts {
  readonly account: Account;
  readonly number: PhoneNumber;
  readonly message: OutboundMessage;
  readonly optedOutAt: number | null;
  readonly lastInboundAt: number | null;
  readonly template: TemplateRecord | undefined;
  readonly templatesKnown: boolean;
  /** Credit this send needs in all (a batch asks once for all its items). */
  readonly cost: number;
  /** The operator's controls on the account; absent = none. */
  readonly controls?: AccountControls;
  /** The cached contact check of the recipient; absent = never checked or expired. */
  readonly recipientStatus?: ContactStatus;
  /** The caller forces the send to a recipient a contact check found without WhatsApp. */
  readonly force?: boolean;
  /** When the contact stopped marketing messages; absent or null = never, or resumed. */
  readonly marketingStoppedAt?: number | null;
  /** When the business blocked the contact on the sending number; absent or null = not blocked. */
  readonly blockedAt?: number | null;
  /** The send leaves later (`send_at`): the window is checked when it is due instead (due.ts). */
  readonly scheduled?: boolean;
}

export function runPreflight(facts: PreflightFacts, now: number): RuleDecision {
  const controls = facts.controls ?? NO_CONTROLS;
  const rules: (() => RuleDecision)[] = [
    () => checkApiEnabled(controls),
    () => checkPrepaidExpiry(facts.account, controls, now),
    () => checkCredit(facts.account.credit, facts.cost),
    () => checkRegistration(facts.number),
    () => checkConnection(facts.number),
    () => checkRestriction(facts.number.health?.restriction ?? null, facts.message.type === 'template', now),
    () => checkNotSelf(facts.number.displayPhoneNumber, facts.message.to),
    () => checkOptOut(facts.message.to, facts.optedOutAt),
    () => checkNotBlocked(facts.message.to, facts.blockedAt ?? null),
    () => checkRecipientOnWhatsApp(facts.message.to, facts.recipientStatus, facts.force ?? false),
    () => (facts.scheduled ? ALLOW : checkWindow(facts.message.type, facts.lastInboundAt, now)),
    () => (facts.message.template ? checkTemplate(facts.message.template, facts.template, facts.templatesKnown) : ALLOW),
    () => checkMarketingPreference(facts.template, facts.marketingStoppedAt ?? null),
  ];
  for (const rule of rules) {
    const decision = rule();
    if (decision.kind === 'refuse') return decision;
  }
  return ALLOW;
}
