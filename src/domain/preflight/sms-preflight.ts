/**
 * The account rules an SMS meets after its own plan (sender id, route, segments): the same controls, credit and
 * opt-outs as a WhatsApp send. A STOP is the contact's, not the channel's, so it holds for SMS too.
 */
import { NO_CONTROLS, type Account, type AccountControls } from '../account.js';
import { ALLOW, type RuleDecision } from '../decision.js';
import { checkApiEnabled } from './api-disabled.js';
import { checkCredit } from './credit.js';
import { checkOptOut } from './opt-out.js';
import { checkPrepaidExpiry } from './prepaid-expiry.js';

export interface SmsPreflightFacts {
  readonly account: Account;
  readonly controls?: AccountControls;
  readonly to: string;
  readonly optedOutAt: number | null;
  /** Credit the whole request needs: segments × price per segment (× items of a batch). */
  readonly cost: number;
}

export function runSmsPreflight(facts: SmsPreflightFacts, now: number): RuleDecision {
  const controls = facts.controls ?? NO_CONTROLS;
  const rules: (() => RuleDecision)[] = [
    () => checkApiEnabled(controls),
    () => checkPrepaidExpiry(facts.account, controls, now),
    () => checkCredit(facts.account.credit, facts.cost),
    () => checkOptOut(facts.to, facts.optedOutAt),
  ];
  for (const rule of rules) {
    const decision = rule();
    if (decision.kind === 'refuse') return decision;
  }
  return ALLOW;
}
